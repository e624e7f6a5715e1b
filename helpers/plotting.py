"""Figures with one look: palette, axis labels, weight heatmaps.

The palette is Okabe & Ito's, safe for the common forms of colour blindness;
heatmaps use ``viridis``, which is perceptually uniform and prints in grey.
Weight heatmaps put queries on the rows and keys (training points) on the
columns, as everywhere in the book, and carry a colour bar.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}
"""Okabe-Ito colours by name."""

CYCLE = [
    PALETTE[c]
    for c in ("blue", "orange", "green", "vermillion", "purple", "sky", "black")
]
"""The default colour cycle of every figure, in order of contrast on white."""

HEATMAP_CMAP = "viridis"
"""Colour map of every weight heatmap."""

STYLE = {
    "figure.figsize": (7.0, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "savefig.bbox": "tight",
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.fontsize": 10,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "axes.prop_cycle": mpl.cycler(color=CYCLE),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "image.cmap": HEATMAP_CMAP,
    "figure.constrained_layout.use": True,
}
"""Matplotlib rc settings of the book's look."""


def use_book_style() -> None:
    """Apply :data:`STYLE` to matplotlib's global settings (call once per notebook)."""
    mpl.rcParams.update(STYLE)


def _check_ax(ax):
    if not isinstance(ax, mpl.axes.Axes):
        raise TypeError(f"ax must be a matplotlib Axes, got {type(ax).__name__}")


def _as_finite_array(values, name: str, kinds: str = "iuf") -> np.ndarray:
    """``values`` as a non-empty, finite float array; errors name the argument."""
    try:
        arr = np.asarray(values)
    except ValueError as err:
        raise ValueError(
            f"{name} is not a rectangular array of numbers: {err}"
        ) from None
    if arr.dtype.kind not in kinds:
        raise TypeError(
            f"{name} must hold real numbers, got an array of dtype {arr.dtype}"
        )
    if arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape})")
    arr = arr.astype(float)
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr


def _check_labels(labels, name: str, size: int, axis: str) -> None:
    if labels is None:
        return
    try:
        count = len(labels)
    except TypeError:
        raise TypeError(
            f"{name} must be a sequence of str, got {type(labels).__name__}"
        ) from None
    if count != size:
        raise ValueError(f"{name} has {count} entries for {size} {axis}-positions")


def plot_data(ax, x, y, *, label: str = "data", **kwargs):
    """Scatter the training data on ``ax`` with the book's look and axis labels.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    x, y : array_like of shape (n,)
        Real, finite numbers.
    label : str, default "data"
        Legend label.
    **kwargs
        Passed to ``ax.scatter`` (overriding the defaults).

    Returns
    -------
    matplotlib.collections.PathCollection
    """
    _check_ax(ax)
    x = _as_finite_array(x, "x")
    y = _as_finite_array(y, "y")
    if x.ndim != 1 or y.shape != x.shape:
        raise ValueError(
            f"x and y must be 1-D of the same length, got {x.shape} and {y.shape}"
        )
    style = {
        "color": PALETTE["black"],
        "s": 22,
        "alpha": 0.75,
        "zorder": 3,
        "label": label,
    }
    style.update(kwargs)
    points = ax.scatter(x, y, **style)
    ax.set_xlabel("input $x$")
    ax.set_ylabel("target $y$")
    return points


def weights_heatmap(
    ax,
    weights,
    *,
    query_labels=None,
    key_labels=None,
    query_name: str = "query",
    key_name: str = "key",
    colorbar_label: str = "weight",
    vmax=None,
):
    """Draw an (m, n) weight matrix: queries are rows, keys are columns.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    weights : array_like of shape (m, n)
        Non-negative, finite weights (or a boolean mask); row i holds the
        weights of query i.
    query_labels, key_labels : sequence of str, optional
        Tick labels of the rows and columns (tokens, say); numbered otherwise.
    query_name, key_name : str
        Axis titles, e.g. ``"query $x_q$"`` and ``"training point $x_i$"``.
    colorbar_label : str, default "weight"
    vmax : float, optional
        Top of the colour scale (defaults to the largest weight).

    Returns
    -------
    matplotlib.image.AxesImage
    """
    _check_ax(ax)
    w = _as_finite_array(weights, "weights", kinds="biuf")
    if w.ndim != 2:
        raise ValueError(f"weights must be 2-D (m, n), got shape {w.shape}")
    _check_labels(query_labels, "query_labels", w.shape[0], "y")
    _check_labels(key_labels, "key_labels", w.shape[1], "x")
    image = ax.imshow(
        w,
        aspect="auto",
        interpolation="nearest",
        cmap=HEATMAP_CMAP,
        vmin=0.0,
        vmax=vmax,
    )
    ax.set_xlabel(f"{key_name} (column $j$)")
    ax.set_ylabel(f"{query_name} (row $i$)")
    ax.grid(False)
    for labels, axis, size in (
        (query_labels, "y", w.shape[0]),
        (key_labels, "x", w.shape[1]),
    ):
        if labels is not None:
            getattr(ax, f"set_{axis}ticks")(range(size), labels)
    if key_labels is not None and max(len(str(s)) for s in key_labels) > 3:
        ax.tick_params(axis="x", labelrotation=45)
    ax.figure.colorbar(image, ax=ax, label=colorbar_label)
    return image


def new_figure(nrows: int = 1, ncols: int = 1, **kwargs):
    """``plt.subplots`` with the book's style applied; returns ``(fig, axes)``."""
    use_book_style()
    return plt.subplots(nrows, ncols, **kwargs)
