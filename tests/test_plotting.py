"""Tests of helpers.plotting: the book's look, labelled axes, weight heatmaps."""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from matplotlib.colors import to_hex

from helpers import plotting

few = settings(max_examples=10)  # every example draws a figure


def relative_luminance(hex_colour):
    rgb = np.array(mpl.colors.to_rgb(hex_colour))
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return float(lin @ [0.2126, 0.7152, 0.0722])


# ----------------------------------------------------------------- style


def test_palette_is_okabe_ito():
    assert set(plotting.PALETTE.values()) == {
        "#0072B2",
        "#E69F00",
        "#009E73",
        "#D55E00",
        "#56B4E9",
        "#CC79A7",
        "#F0E442",
        "#000000",
    }
    assert "#F0E442" not in plotting.CYCLE  # yellow is too light for lines on white
    assert len(set(plotting.CYCLE)) == len(plotting.CYCLE)


def test_cycle_colours_contrast_with_white():
    # WCAG contrast ratio against white of at least 2:1 for every line colour.
    for colour in plotting.CYCLE:
        assert 1.05 / (relative_luminance(colour) + 0.05) >= 2.0, colour


def test_use_book_style_sets_the_rc_parameters():
    assert (
        mpl.rcParams["axes.grid"] is False
    )  # matplotlib's default, restored by conftest
    plotting.use_book_style()
    for key, value in plotting.STYLE.items():
        if key == "axes.prop_cycle":
            got = [to_hex(c).upper() for c in mpl.rcParams[key].by_key()["color"]]
            assert got == [c.upper() for c in plotting.CYCLE]
        elif isinstance(value, tuple):
            assert tuple(mpl.rcParams[key]) == value
        else:
            assert mpl.rcParams[key] == value, key
    assert mpl.rcParams["image.cmap"] == plotting.HEATMAP_CMAP == "viridis"


def test_use_book_style_is_undone_after_each_test():
    # The autouse fixture restored matplotlib's defaults after the previous test.
    assert mpl.rcParams["axes.spines.top"] is True


@given(st.sampled_from(sorted(plotting.STYLE)), st.integers(1, 3))
def test_use_book_style_is_idempotent(key, times):
    with mpl.rc_context():
        plotting.use_book_style()
        once = mpl.rcParams[key]
        for _ in range(times):
            plotting.use_book_style()
        assert mpl.rcParams[key] == once


# --------------------------------------------------------------- new_figure


def test_new_figure_applies_the_style_and_returns_figure_and_axes():
    fig, ax = plotting.new_figure()
    assert isinstance(fig, mpl.figure.Figure)
    assert isinstance(ax, mpl.axes.Axes)
    assert ax.figure is fig
    assert mpl.rcParams["axes.grid"] is True
    assert fig.get_constrained_layout()
    line = ax.plot([0, 1], [0, 1])[0]
    assert to_hex(line.get_color()).upper() == plotting.CYCLE[0].upper()


@few
@given(st.integers(1, 3), st.integers(1, 3))
def test_new_figure_grid_of_axes(nrows, ncols):
    plt.close("all")  # hypothesis runs many examples inside one test
    fig, axes = plotting.new_figure(nrows, ncols, figsize=(4, 3))
    assert tuple(fig.get_size_inches()) == (4.0, 3.0)
    assert len(fig.axes) == nrows * ncols
    if nrows * ncols == 1:
        assert isinstance(axes, mpl.axes.Axes)
    else:
        assert np.shape(axes) == tuple(s for s in (nrows, ncols) if s > 1)


# ----------------------------------------------------------------- plot_data


def test_plot_data_scatters_the_points_with_labels():
    _, ax = plt.subplots()
    x, y = np.array([0.0, 1.0, 2.5]), np.array([1.0, -1.0, 0.5])
    points = plotting.plot_data(ax, x, y, label="training data")
    np.testing.assert_array_equal(points.get_offsets(), np.column_stack([x, y]))
    assert points.get_label() == "training data"
    assert ax.get_xlabel() == "input $x$"
    assert ax.get_ylabel() == "target $y$"
    assert to_hex(points.get_facecolor()[0]) == "#000000"


def test_plot_data_kwargs_override_the_defaults():
    _, ax = plt.subplots()
    points = plotting.plot_data(
        ax, [0, 1], [1, 2], color=plotting.PALETTE["vermillion"], s=5
    )
    assert (
        to_hex(points.get_facecolor()[0]).upper()
        == plotting.PALETTE["vermillion"].upper()
    )
    np.testing.assert_array_equal(points.get_sizes(), [5])


@few
@given(
    hnp.arrays(
        np.float64,
        st.integers(1, 30),
        elements=st.floats(-1e6, 1e6),
    ).flatmap(
        lambda x: st.tuples(
            st.just(x), hnp.arrays(np.float64, x.shape, elements=st.floats(-1e6, 1e6))
        )
    )
)
def test_plot_data_draws_every_point(xy):
    x, y = xy
    plt.close("all")  # hypothesis runs many examples inside one test
    _, ax = plt.subplots()
    points = plotting.plot_data(ax, x, y)
    np.testing.assert_array_equal(points.get_offsets(), np.column_stack([x, y]))


# ------------------------------------------------------------ weights_heatmap


def test_weights_heatmap_rows_are_queries_columns_are_keys():
    fig, ax = plt.subplots()
    w = np.array([[0.2, 0.8, 0.0], [0.5, 0.25, 0.25]])
    image = plotting.weights_heatmap(
        ax,
        w,
        query_labels=["q1", "q2"],
        key_labels=["the", "cat", "sat"],
        query_name="query $x_q$",
        key_name="training point $x_i$",
        colorbar_label="NW weight",
    )
    np.testing.assert_array_equal(image.get_array(), w)
    assert image.get_cmap().name == "viridis"
    assert image.get_clim() == (0.0, 0.8)
    assert ax.get_ylabel() == "query $x_q$ (row $i$)"
    assert ax.get_xlabel() == "training point $x_i$ (column $j$)"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["q1", "q2"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["the", "cat", "sat"]
    colorbars = [a for a in fig.axes if a is not ax]
    assert len(colorbars) == 1
    assert colorbars[0].get_ylabel() == "NW weight"


def test_weights_heatmap_default_names_and_vmax():
    _, ax = plt.subplots()
    image = plotting.weights_heatmap(ax, np.eye(3) / 2, vmax=1.0)
    assert image.get_clim() == (0.0, 1.0)
    assert ax.get_xlabel() == "key (column $j$)"
    assert ax.get_ylabel() == "query (row $i$)"


def test_weights_heatmap_accepts_a_boolean_mask_and_rotates_long_labels():
    _, ax = plt.subplots()
    mask = np.tril(np.ones((3, 3), dtype=bool))
    image = plotting.weights_heatmap(ax, mask, key_labels=["first", "second", "third"])
    np.testing.assert_array_equal(image.get_array(), mask.astype(float))
    assert all(t.get_rotation() == 45 for t in ax.get_xticklabels())


@few
@given(
    hnp.arrays(
        np.float64,
        st.tuples(st.integers(1, 8), st.integers(1, 8)),
        elements=st.floats(0, 1),
    )
)
def test_weights_heatmap_shows_the_matrix_as_given(w):
    plt.close("all")  # hypothesis runs many examples inside one test
    fig, ax = plt.subplots()
    image = plotting.weights_heatmap(ax, w)
    np.testing.assert_array_equal(image.get_array(), w)
    assert len(fig.axes) == 2  # the heatmap and its colour bar
    if w.max() > 0:  # (an all-zero matrix has no scale: matplotlib widens it)
        assert image.get_clim() == (0.0, w.max())


@pytest.mark.parametrize("use_style", [False, True])
def test_figures_render_without_warnings(use_style, tmp_path):
    if use_style:
        plotting.use_book_style()
    fig, (ax1, ax2) = plt.subplots(1, 2)
    plotting.plot_data(ax1, [0, 1, 2], [0, 1, 0])
    ax1.legend()
    plotting.weights_heatmap(ax2, np.full((2, 3), 1 / 3), key_labels=["a", "b", "c"])
    fig.savefig(tmp_path / "figure.png")
    assert (tmp_path / "figure.png").stat().st_size > 0
