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


# ---------------------------------------------------------------- plot_truth


def test_plot_truth_draws_two_sin_x_over_sorted_inputs_in_the_book_style():
    from helpers.data import true_function

    _, ax = plt.subplots()
    x = np.array([3.0, 0.0, 6.0, 1.5])
    line = plotting.plot_truth(ax, x)
    np.testing.assert_array_equal(line.get_xdata(), np.sort(x))
    np.testing.assert_allclose(line.get_ydata(), 2 * np.sin(np.sort(x)), rtol=1e-15)
    np.testing.assert_array_equal(line.get_ydata(), true_function(np.sort(x)))
    assert line.get_label() == r"true $m(x) = 2\sin x$"
    assert to_hex(line.get_color()).upper() == plotting.PALETTE["green"].upper()
    assert line.get_linestyle() == "--"
    assert ax.get_xlabel() == "input $x$"


def test_plot_truth_kwargs_override_the_style_and_keep_an_existing_label():
    _, ax = plt.subplots()
    ax.set_xlabel("time $t$")
    line = plotting.plot_truth(ax, [0.0, 1.0], label="m", color="black", ls=":")
    assert (line.get_label(), line.get_linestyle()) == ("m", ":")
    assert to_hex(line.get_color()) == "#000000"
    assert ax.get_xlabel() == "time $t$"


# ------------------------------------------------------ plot_fit_and_weights


@pytest.fixture
def knn_problem():
    from helpers.data import noisy_sine
    from helpers.smoothers import knn_regress, knn_weights

    x, y = noisy_sine()
    grid = np.linspace(0, 6, 61)
    k, x_q = 10, 3.0
    return x, y, grid, knn_regress(x, y, grid, k), x_q, knn_weights(x, [x_q], k)


def stem_heights(figure):
    return np.array([seg[1, 1] for seg in figure.stems.get_segments()])


def test_fit_and_weights_draws_the_fit_the_truth_and_the_weights(knn_problem):
    x, y, grid, fit, x_q, w = knn_problem
    fig = plt.figure()
    figure = plotting.plot_fit_and_weights(
        fig, x, y, grid, fit, x_q, w, fit_label="kNN fit", title="one query"
    )
    assert fig.axes == [figure.ax_fit, figure.ax_weights]
    np.testing.assert_array_equal(figure.fit_line.get_ydata(), fit)
    truth = figure.ax_fit.lines[0]
    np.testing.assert_allclose(truth.get_ydata(), 2 * np.sin(grid), rtol=1e-15)
    # one stem per training point, at x_i, of height w_i
    segments = figure.stems.get_segments()
    np.testing.assert_array_equal([s[0, 0] for s in segments], x)
    np.testing.assert_array_equal(stem_heights(figure), w[0])
    assert figure.ax_fit.get_title() == "one query"
    assert figure.ax_weights.get_ylim()[1] == pytest.approx(1.1 / 10)
    texts = [t.get_text() for t in figure.legend.get_texts()]
    assert texts[:3] == [r"true $m(x) = 2\sin x$", "kNN fit", "data"]
    assert figure.ax_weights.get_xlabel() and figure.ax_fit.get_ylabel()


def test_fit_and_weights_update_moves_every_artist(knn_problem):
    from helpers.smoothers import knn_regress, knn_weights

    x, y, grid, fit, x_q, w = knn_problem
    figure = plotting.plot_fit_and_weights(
        plt.figure(),
        x,
        y,
        grid,
        fit,
        x_q,
        w,
        window=0.5,
        highlight="near",
        prediction="prediction",
        weight_max=1.0,
    )
    fit3, w3 = knn_regress(x, y, grid, 3), knn_weights(x, [x_q], 3)[0]
    figure.update(fit3, w3, fit_label="k = 3", title="t", window=0.2)
    np.testing.assert_array_equal(figure.fit_line.get_ydata(), fit3)
    np.testing.assert_array_equal(stem_heights(figure), w3)
    assert figure.legend.get_texts()[1].get_text() == "k = 3"
    assert figure.ax_fit.get_title() == "t"
    assert figure.ax_weights.get_ylim()[1] == 1.0  # fixed by weight_max
    near, far = figure._highlight
    np.testing.assert_array_equal(near.get_offsets()[:, 0], x[w3 > 0])
    assert len(far.get_offsets()) == len(x) - 3
    star = figure._prediction
    assert star.get_ydata()[0] == pytest.approx(w3 @ y, rel=1e-12)
    for span in figure._windows:
        assert (span.get_x(), span.get_width()) == pytest.approx((x_q - 0.2, 0.4))


def test_fit_and_weights_shows_an_empty_window_and_gaps():
    from helpers.smoothers import nadaraya_watson, nw_weights

    x, y = np.array([0.0, 1.0, 5.0]), np.array([0.0, 1.0, 2.0])
    grid = np.linspace(0, 6, 13)
    fit = nadaraya_watson(x, y, grid, 0.5, "uniform", on_empty="nan")
    w = nw_weights(x, [3.0], 0.5, "uniform", on_empty="nan")
    assert np.isnan(fit).any() and np.isnan(w).all()
    figure = plotting.plot_fit_and_weights(plt.figure(), x, y, grid, fit, 3.0, w)
    assert figure._empty.get_visible() and not figure.stems.get_visible()
    figure.update(fit, nw_weights(x, [1.0], 0.5, "uniform"))
    assert not figure._empty.get_visible() and figure.stems.get_visible()
    figure.update(fit, None)
    assert figure._empty.get_visible()


def test_fit_and_weights_on_given_axes_renders_without_warnings(knn_problem, tmp_path):
    plotting.use_book_style()
    fig, axes = plotting.new_figure(2, 1, sharex=True)
    x, y, grid, fit, x_q, w = knn_problem
    figure = plotting.plot_fit_and_weights(axes, x, y, grid, fit, x_q, w[0])
    assert (figure.ax_fit, figure.ax_weights) == tuple(axes)
    fig.savefig(tmp_path / "figure.png")


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [
        ({"axes": None}, TypeError, "^axes must be a matplotlib Figure or a pair"),
        ({"axes": "fig"}, TypeError, "^axes must be"),
        ({"x_train": [[0.0, 1.0], [2.0]]}, ValueError, "^x_train is not a rectangular"),
        ({"x_train": [0.0, np.nan, 2.0]}, ValueError, "^x_train contains 1 NaN"),
        ({"y_train": [0.0, 1.0]}, ValueError, "^y_train has 2 values"),
        ({"x_grid": np.ones((2, 2))}, ValueError, "^x_grid must be 1-D"),
        ({"fit": [0.0]}, ValueError, "^fit has 1 values but x_grid has 4"),
        ({"fit": [0.0, np.inf, 0.0, 0.0]}, ValueError, "^fit contains infinite"),
        ({"x_query": "3"}, TypeError, "^x_query must be a real number"),
        ({"x_query": np.nan}, ValueError, "^x_query must be finite"),
        ({"weights": [0.5, 0.5]}, ValueError, "^weights has 2 entries"),
        ({"weights": [[0.5, 0.5, 0.0]] * 2}, ValueError, r"^weights must be \(n,\)"),
        ({"weights": [-0.5, 1.5, 0.0]}, ValueError, "^weights must be finite and >= 0"),
        ({"weights": [np.nan, 1.0, 0.0]}, ValueError, "^weights must be finite"),
        ({"fit_label": 3}, TypeError, "^fit_label must be a str"),
        ({"title": 3}, TypeError, "^title must be a str"),
        ({"window": -1.0}, ValueError, "^window must be >= 0"),
        ({"weight_max": 0.0}, ValueError, "^weight_max must be > 0"),
        ({"ylim": (1.0, 0.0)}, ValueError, "^ylim must have bottom < top"),
        ({"ylim": 3.0}, TypeError, "^ylim must be a pair"),
    ],
)
def test_fit_and_weights_bad_input(change, error, match):
    args = {
        "axes": "figure",
        "x_train": [0.0, 1.0, 2.0],
        "y_train": [1.0, 0.0, 1.0],
        "x_grid": [0.0, 1.0, 2.0, 3.0],
        "fit": [1.0, 0.5, 0.5, 1.0],
        "x_query": 1.0,
        "weights": [0.25, 0.5, 0.25],
    } | change
    if isinstance(args["axes"], str) and args["axes"] == "figure":
        args["axes"] = plt.figure()
    with pytest.raises(error, match=match):
        plotting.plot_fit_and_weights(**args)


def test_fit_and_weights_update_validates_and_rejects_a_window_it_cannot_move():
    figure = plotting.plot_fit_and_weights(
        plt.figure(), [0.0, 1.0], [0.0, 1.0], [0.0, 1.0], [0.0, 1.0], 0.5, [0.5, 0.5]
    )
    with pytest.raises(ValueError, match=r"^window: this figure was drawn without"):
        figure.update([0.0, 1.0], [0.5, 0.5], window=0.1)
    with pytest.raises(ValueError, match=r"^fit has 3 values"):
        figure.update([0.0, 1.0, 2.0], [0.5, 0.5])


# ------------------------------------------------------- weights_heatmap mask


def test_weights_heatmap_mask_hides_exactly_the_false_cells():
    fig, ax = plt.subplots()
    mask = np.tril(np.ones((4, 4), dtype=bool))
    w = mask / mask.sum(axis=1, keepdims=True)
    image = plotting.weights_heatmap(ax, w, mask=mask, colorbar_label="w")
    shown = image.get_array()
    assert np.ma.isMaskedArray(shown)
    np.testing.assert_array_equal(np.ma.getmaskarray(shown), ~mask)
    np.testing.assert_array_equal(shown.data, w)
    bad = image.get_cmap().get_bad()
    assert to_hex(bad).upper() == plotting.HIDDEN_COLOUR.upper()
    # the rendered pixels of a hidden cell are the hidden grey
    rgba = image.to_rgba(shown)
    assert to_hex(rgba[0, 3]).upper() == plotting.HIDDEN_COLOUR.upper()
    assert to_hex(rgba[3, 0]).upper() != plotting.HIDDEN_COLOUR.upper()
    colorbar = next(a for a in fig.axes if a is not ax)
    assert colorbar.get_ylabel() == "w (grey: hidden key)"


def test_weights_heatmap_norm_and_no_colorbar():
    from matplotlib.colors import PowerNorm

    fig, ax = plt.subplots()
    norm = PowerNorm(0.5, vmin=0.0, vmax=1.0)
    image = plotting.weights_heatmap(ax, np.eye(2), norm=norm, colorbar=False)
    assert image.norm is norm
    assert fig.axes == [ax]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"mask": [[1, 0], [1, 1]]}, TypeError, "^mask must be a boolean array"),
        ({"mask": np.ones((2, 3), bool)}, ValueError, r"^mask has shape \(2, 3\)"),
        ({"mask": [[True, False], [True]]}, ValueError, "^mask is not a rectangular"),
        ({"norm": "log"}, TypeError, "^norm must be a matplotlib.colors.Normalize"),
        ({"colorbar": 1}, TypeError, "^colorbar must be a bool"),
        ({"vmax": "1"}, TypeError, "^vmax must be a real number"),
        ({"query_labels": "ab"}, TypeError, "^query_labels must be a sequence of str"),
    ],
)
def test_weights_heatmap_bad_mask_and_options(kwargs, error, match):
    _, ax = plt.subplots()
    with pytest.raises(error, match=match):
        plotting.weights_heatmap(ax, np.full((2, 2), 0.5), **kwargs)
