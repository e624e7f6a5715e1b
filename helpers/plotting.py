r"""Figures with one look: palette, the true curve, fits with their weights, heatmaps.

The palette is Okabe & Ito's, safe for the common forms of colour blindness;
heatmaps use ``viridis``, which is perceptually uniform and prints in grey.
Weight heatmaps put queries on the rows and keys (training points) on the
columns, as everywhere in the book, and carry a colour bar.

The story-level helpers draw a figure the chapters repeat, so that a notebook
cell shows the idea and not the matplotlib: :func:`plot_truth` (the true
curve :math:`m(x) = 2 \sin x`), :func:`plot_fit_and_weights` (a fit with the
weights of one query below it) and :func:`weights_heatmap` (with an optional
mask of hidden keys).
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from helpers._validate import (
    as_array,
    as_real_array,
    check_bool,
    check_real_scalar,
    check_str,
)
from helpers.data import true_function

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

HIDDEN_COLOUR = "#E4E4E4"
"""Light grey of a hidden key (mask False, weight exactly 0) in a heatmap."""

TRUTH_STYLE = {
    "color": PALETTE["green"],
    "ls": "--",
    "lw": 1.5,
    "label": r"true $m(x) = 2\sin x$",
}
"""The one style of the true regression function in every figure, a dashed green line."""

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


def new_figure(nrows: int = 1, ncols: int = 1, **kwargs):
    """``plt.subplots`` with the book's style applied; returns ``(fig, axes)``."""
    use_book_style()
    return plt.subplots(nrows, ncols, **kwargs)


def _check_ax(ax, name: str = "ax") -> Axes:
    if not isinstance(ax, Axes):
        raise TypeError(f"{name} must be a matplotlib Axes, got {type(ax).__name__}")
    return ax


def _check_labels(labels, name: str, size: int, axis: str) -> None:
    if labels is None:
        return
    if isinstance(labels, str):
        raise TypeError(f"{name} must be a sequence of str, got a single str")
    try:
        count = len(labels)
    except TypeError:
        raise TypeError(
            f"{name} must be a sequence of str, got {type(labels).__name__}"
        ) from None
    if count != size:
        raise ValueError(f"{name} has {count} entries for {size} {axis}-positions")


def _curve(x, name: str) -> np.ndarray:
    return as_real_array(x, name, ndim=1, shape="(m,)")


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
    x = as_real_array(x, "x")
    y = as_real_array(y, "y")
    if x.ndim != 1 or y.shape != x.shape:
        raise ValueError(
            f"x and y must be 1-D of the same length, got {x.shape} and {y.shape}"
        )
    return _scatter(ax, x, y, label=label, **kwargs)


def _scatter(ax, x, y, **kwargs):
    style = {"color": PALETTE["black"], "s": 22, "alpha": 0.75, "zorder": 3}
    style.update(kwargs)
    points = ax.scatter(x, y, **style)
    ax.set_xlabel("input $x$")
    ax.set_ylabel("target $y$")
    return points


def plot_truth(ax, x, **kwargs):
    r"""Draw the true regression function :math:`m(x) = 2 \sin x` over ``x``.

    The book's one style for it (:data:`TRUTH_STYLE`): a dashed green line
    labelled "true :math:`m(x) = 2\sin x`". The points are drawn in increasing
    order of x, so any sample of inputs gives a clean curve.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    x : array_like of shape (m,)
        Real, finite inputs (a grid, usually).
    **kwargs
        Passed to ``ax.plot``, overriding :data:`TRUTH_STYLE` (``label=...``
        for a shorter legend entry, say).

    Returns
    -------
    matplotlib.lines.Line2D
        Its data are ``(sorted x, true_function(sorted x))``.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> line = plot_truth(ax, np.linspace(0, 6, 5))
    >>> line.get_label()
    'true $m(x) = 2\\sin x$'
    """
    _check_ax(ax)
    x = np.sort(_curve(x, "x"))
    style = dict(TRUTH_STYLE)
    style.update(kwargs)
    (line,) = ax.plot(x, true_function(x), **style)
    if not ax.get_xlabel():
        ax.set_xlabel("input $x$")
    return line


def weights_heatmap(
    ax,
    weights,
    *,
    mask=None,
    query_labels=None,
    key_labels=None,
    query_name: str = "query",
    key_name: str = "key",
    colorbar_label: str = "weight",
    vmax=None,
    norm=None,
    colorbar: bool = True,
):
    """Draw an (m, n) weight matrix: queries are rows, keys are columns.

    Cell (i, j) shows :math:`w_{ij}`, the weight of key j in the average of
    query i, on the ``viridis`` scale from 0 to ``vmax``. With a ``mask``, the
    hidden cells (mask ``False``) are drawn in the light grey
    :data:`HIDDEN_COLOUR` instead, and the colour bar's label says so.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    weights : array_like of shape (m, n)
        Non-negative, finite weights (or a boolean mask); row i holds the
        weights of query i.
    mask : array_like of bool, shape (m, n), optional
        ``True`` = key j is visible to query i (the book's mask convention);
        ``False`` cells are shown as hidden.
    query_labels, key_labels : sequence of str, optional
        Tick labels of the rows and columns (tokens, say); numbered otherwise.
    query_name, key_name : str
        Axis titles, e.g. ``"query $x_q$"`` and ``"training point $x_i$"``.
    colorbar_label : str, default "weight"
    vmax : float, optional
        Top of the colour scale (defaults to the largest weight).
    norm : matplotlib.colors.Normalize, optional
        A colour scale of its own (``PowerNorm(0.5, 0, 1)`` to show small
        weights, say); it replaces ``vmax``.
    colorbar : bool, default True
        Draw a colour bar (``False`` when several panels share one).

    Returns
    -------
    matplotlib.image.AxesImage
        Its array is ``weights`` as floats, a masked array when ``mask`` is
        given (masked where ``mask`` is False).

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> image = weights_heatmap(ax, [[1.0, 0.0], [0.5, 0.5]],
    ...                         mask=[[True, False], [True, True]])
    >>> image.get_array().mask.tolist()
    [[False, True], [False, False]]
    """
    _check_ax(ax)
    w = as_real_array(weights, "weights", ndim=2, shape="(m, n)", kinds="biuf")
    _check_labels(query_labels, "query_labels", w.shape[0], "y")
    _check_labels(key_labels, "key_labels", w.shape[1], "x")
    for value, name in ((query_name, "query_name"), (key_name, "key_name")):
        check_str(value, name)
    check_str(colorbar_label, "colorbar_label")
    colorbar = check_bool(colorbar, "colorbar")
    if vmax is not None:
        vmax = check_real_scalar(vmax, "vmax")
    if norm is not None and not isinstance(norm, Normalize):
        raise TypeError(
            f"norm must be a matplotlib.colors.Normalize, got {type(norm).__name__}"
        )
    cmap = mpl.colormaps[HEATMAP_CMAP]
    shown = w
    if mask is not None:
        visible = _check_mask(mask, w.shape)
        shown = np.ma.masked_where(~visible, w)
        cmap = cmap.with_extremes(bad=HIDDEN_COLOUR)
        colorbar_label = f"{colorbar_label} (grey: hidden key)"
    scale = {"norm": norm} if norm is not None else {"vmin": 0.0, "vmax": vmax}
    image = ax.imshow(shown, aspect="auto", interpolation="nearest", cmap=cmap, **scale)
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
    if colorbar:
        ax.figure.colorbar(image, ax=ax, label=colorbar_label)
    return image


def _check_mask(mask, shape: tuple) -> np.ndarray:
    arr = as_array(mask, "mask")
    if arr.dtype != np.bool_:
        raise TypeError(
            f"mask must be a boolean array (True = visible), got {arr.dtype}"
        )
    if arr.shape != shape:
        raise ValueError(
            f"mask has shape {arr.shape} but weights has {shape}; they must match"
        )
    return arr


class FitAndWeights:
    """The figure of :func:`plot_fit_and_weights`: its two axes and ``update``.

    ``ax_fit`` and ``ax_weights`` are the two panels (the fit on top, the
    weights of the query below), ``fit_line`` the fitted curve, ``stems`` the
    collection of weight stems (one segment (x_i, 0)--(x_i, w_i) per training
    point) and ``legend`` the legend of the top panel.
    """

    def __init__(self, ax_fit, ax_weights, x_train, y_train, x_grid, x_query):
        self.ax_fit, self.ax_weights = ax_fit, ax_weights
        self._x, self._y, self._grid, self._x_query = x_train, y_train, x_grid, x_query
        self.fit_line = self.stems = self.legend = None
        self._tips = self._zeros = self._empty = self._windows = None
        self._highlight = self._prediction = self._weight_max = None
        self._fit_entry = 1

    def update(self, fit, weights, *, fit_label=None, title=None, window=None):
        """Show another fit and weight vector (one frame of an explorable).

        Parameters
        ----------
        fit : array_like of shape (m,)
            The fit on ``x_grid``; NaN entries leave gaps.
        weights : array_like of shape (n,) or (1, n), or None
            Weights of the query on the training points; ``None`` or all NaN
            (an empty window, see ``nw_weights(..., on_empty="nan")``) shows
            "empty window: no weights".
        fit_label, title : str, optional
            New legend entry of the fit and new title (kept when None).
        window : float, optional
            New half-width of the shaded window (only if the figure has one).
        """
        fit = _fit_values(fit, self._grid.size)
        w = _weight_values(weights, self._x.size)
        self.fit_line.set_ydata(fit)
        if fit_label is not None:
            label = check_str(fit_label, "fit_label")
            self.fit_line.set_label(label)
            self.legend.get_texts()[self._fit_entry].set_text(label)
        if title is not None:
            self.ax_fit.set_title(check_str(title, "title"))
        if window is not None:
            self._set_window(window)
        self._set_weights(w)

    def _set_window(self, window):
        if self._windows is None:
            raise ValueError("window: this figure was drawn without a shaded window")
        r = check_real_scalar(window, "window")
        if r < 0:
            raise ValueError(f"window must be >= 0, got {r!r}")
        for patch in self._windows:
            patch.set_x(self._x_query - r)
            patch.set_width(2 * r)

    def _set_weights(self, w):
        empty = w is None
        self.stems.set_visible(not empty)
        self._empty.set_visible(empty)
        for artist in (self._tips, self._zeros, self._prediction):
            if artist is not None:
                artist.set_visible(not empty)
        if empty:
            w = np.zeros_like(self._x)
        on = w > 0
        self.stems.set_segments(
            [np.array([[xi, 0.0], [xi, wi]]) for xi, wi in zip(self._x, w, strict=True)]
        )
        self._tips.set_data(self._x[on], w[on])
        self._zeros.set_data(self._x[~on], w[~on])
        if self._highlight is not None:
            near, far = self._highlight
            near.set_offsets(np.column_stack([self._x[on], self._y[on]]))
            far.set_offsets(np.column_stack([self._x[~on], self._y[~on]]))
        if self._prediction is not None and not empty:
            self._prediction.set_data([self._x_query], [w @ self._y])
        top = self._weight_max
        if top is None:
            top = 1.1 * float(w.max()) if w.max() > 0 else 1.0
        self.ax_weights.set_ylim(-0.04 * top, top)


def _fit_values(fit, m: int) -> np.ndarray:
    arr = as_real_array(fit, "fit", ndim=1, shape="(m,)", finite=False)
    if arr.size != m:
        raise ValueError(f"fit has {arr.size} values but x_grid has {m} points")
    if np.isinf(arr).any():
        raise ValueError("fit contains infinite values (NaN, for a gap, is allowed)")
    return arr


def _weight_values(weights, n: int) -> np.ndarray | None:
    if weights is None:
        return None
    w = as_real_array(weights, "weights", ndim=(1, 2), finite=False)
    if w.ndim == 2 and w.shape[0] != 1:
        raise ValueError(
            f"weights must be (n,) or (1, n): the weights of one query, got {w.shape}"
        )
    w = w.ravel()
    if w.size != n:
        raise ValueError(f"weights has {w.size} entries but x_train has {n} points")
    if np.isnan(w).all():
        return None
    if not np.isfinite(w).all() or (w < 0).any():
        raise ValueError(
            "weights must be finite and >= 0 (or all NaN for an empty window)"
        )
    return w


def _two_axes(axes) -> tuple[Axes, Axes]:
    if isinstance(axes, Figure):
        ax_fit, ax_w = axes.subplots(2, 1, sharex=True, height_ratios=[2.2, 1])
        return ax_fit, ax_w
    if isinstance(axes, np.ndarray):
        axes = list(axes.ravel())
    if not isinstance(axes, (list, tuple)) or len(axes) != 2:
        raise TypeError(
            "axes must be a matplotlib Figure or a pair (ax_fit, ax_weights) of Axes, "
            f"got {type(axes).__name__}"
        )
    return _check_ax(axes[0], "axes[0]"), _check_ax(axes[1], "axes[1]")


def plot_fit_and_weights(
    axes,
    x_train,
    y_train,
    x_grid,
    fit,
    x_query,
    weights,
    *,
    fit_label: str = "fit",
    title: str | None = None,
    window: float | None = None,
    highlight: str | None = None,
    prediction: str | None = None,
    ylim=None,
    weight_max: float | None = None,
) -> FitAndWeights:
    r"""A local-averaging fit (top) and the weights of one query (bottom).

    The figure of chapters 1 and 3: a smoother's prediction at the query
    :math:`x_q` is :math:`\hat m(x_q) = \sum_i w_i(x_q)\, y_i`, so the top panel
    draws the data, the true curve (:func:`plot_truth`), the fit on a grid and
    a dotted line at :math:`x_q`; the bottom panel draws the weights
    :math:`w_i(x_q)` as stems at the training inputs :math:`x_i` (orange where
    :math:`w_i > 0`, small grey dots where :math:`w_i = 0`). Both panels share
    the x axis, and the axis limits stay fixed across :meth:`FitAndWeights.update`
    calls, so the frames of an explorable line up.

    Parameters
    ----------
    axes : matplotlib.figure.Figure or pair of matplotlib.axes.Axes
        A figure, in which the two panels are made (2 rows, shared x, heights
        2.2 : 1), or the two axes ``(ax_fit, ax_weights)`` to draw on.
    x_train, y_train : array_like of shape (n,)
        The training data (real, finite).
    x_grid : array_like of shape (m,)
        Inputs at which ``fit`` was computed.
    fit : array_like of shape (m,)
        The fit on ``x_grid``; NaN entries leave gaps (an empty window).
    x_query : float
        The query whose weights the bottom panel shows.
    weights : array_like of shape (n,) or (1, n), or None
        Its weights :math:`w_i(x_q)`, non-negative; ``None`` or all NaN shows
        "empty window: no weights".
    fit_label : str, default "fit"
        Legend entry of the fit (``f"kNN fit, $k = {k}$"``, say).
    title : str, optional
        Title of the top panel.
    window : float, optional
        Shade :math:`x_q \pm` ``window`` on both panels (the kNN radius
        :math:`r_k(x_q)` or a compact kernel's h).
    highlight : str, optional
        If given, the legend label of the training points with positive weight,
        which are drawn larger in orange (the others fainter).
    prediction : str, optional
        If given, the legend label of a star at :math:`(x_q, \sum_i w_i y_i)`.
    ylim : (float, float), optional
        Limits of the top panel's y axis; by default the data's range with
        room for the legend below it.
    weight_max : float, optional
        Fixed top of the weight axis; by default 1.1 times the largest weight
        of the frame shown.

    Returns
    -------
    FitAndWeights
        The two axes and the artists; ``.update(fit, weights, fit_label=...,
        title=..., window=...)`` shows another frame without redrawing.

    Examples
    --------
    >>> from helpers.data import noisy_sine
    >>> from helpers.smoothers import knn_regress, knn_weights
    >>> x, y = noisy_sine(); grid = np.linspace(0, 6, 50)
    >>> figure = plot_fit_and_weights(
    ...     plt.figure(), x, y, grid, knn_regress(x, y, grid, 10),
    ...     3.0, knn_weights(x, [3.0], 10), fit_label="kNN fit, $k = 10$")
    >>> figure.update(knn_regress(x, y, grid, 5), knn_weights(x, [3.0], 5),
    ...               fit_label="kNN fit, $k = 5$")
    >>> figure.legend.get_texts()[figure._fit_entry].get_text()
    'kNN fit, $k = 5$'
    >>> sorted({round(float(s[1, 1]), 2) for s in figure.stems.get_segments()})
    [0.0, 0.2]
    """
    ax_fit, ax_w = _two_axes(axes)
    x = _curve(x_train, "x_train")
    y = as_real_array(y_train, "y_train", ndim=1, shape="(n,)")
    if y.size != x.size:
        raise ValueError(f"y_train has {y.size} values but x_train has {x.size}")
    grid = _curve(x_grid, "x_grid")
    fit = _fit_values(fit, grid.size)
    x_q = check_real_scalar(x_query, "x_query")
    w = _weight_values(weights, x.size)
    fit_label = check_str(fit_label, "fit_label")
    for value, name in (
        (title, "title"),
        (highlight, "highlight"),
        (prediction, "prediction"),
    ):
        if value is not None:
            check_str(value, name)
    if window is not None:
        window = check_real_scalar(window, "window")
        if window < 0:
            raise ValueError(f"window must be >= 0, got {window!r}")
    if weight_max is not None:
        weight_max = _positive(weight_max, "weight_max")
    ylim = _limits(ylim, y)
    figure = FitAndWeights(ax_fit, ax_w, x, y, grid, x_q)
    figure._weight_max = weight_max
    _draw_fit_panel(figure, fit, fit_label, highlight, prediction)
    _draw_weight_panel(figure)
    if window is not None:
        figure._windows = [_window_patch(ax, x_q, window) for ax in (ax_fit, ax_w)]
    lo, hi = min(x.min(), grid.min(), x_q), max(x.max(), grid.max(), x_q)
    pad = 0.05 * (hi - lo) if hi > lo else 0.5
    ax_fit.set_xlim(lo - pad, hi + pad)
    ax_fit.set_ylim(*ylim)
    if title is not None:
        ax_fit.set_title(title)
    figure.legend = ax_fit.legend(loc="lower left", fontsize=9, ncols=2)
    texts = [t.get_text() for t in figure.legend.get_texts()]
    figure._fit_entry = texts.index(fit_label)
    figure._set_weights(w)
    return figure


def _window_patch(ax, x_q: float, r: float) -> Rectangle:
    """A shaded band x_q ± r over the full height of ``ax`` (movable with set_x)."""
    band = Rectangle(
        (x_q - r, 0.0),
        2 * r,
        1.0,
        transform=ax.get_xaxis_transform(),
        color=PALETTE["orange"],
        alpha=0.15,
        lw=0,
        zorder=0,
    )
    ax.add_patch(band)
    return band


def _positive(value, name: str) -> float:
    value = check_real_scalar(value, name)
    if value <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return value


def _limits(ylim, y: np.ndarray) -> tuple[float, float]:
    if ylim is None:
        span = float(np.ptp(y)) or 1.0
        return float(y.min()) - 0.35 * span, float(y.max()) + 0.1 * span
    if isinstance(ylim, (str, bytes)) or not hasattr(ylim, "__len__") or len(ylim) != 2:
        raise TypeError(f"ylim must be a pair (bottom, top), got {ylim!r}")
    bottom, top = (check_real_scalar(v, "ylim") for v in ylim)
    if not bottom < top:
        raise ValueError(f"ylim must have bottom < top, got {ylim!r}")
    return bottom, top


def _draw_fit_panel(figure, fit, fit_label, highlight, prediction):
    ax, x, y = figure.ax_fit, figure._x, figure._y
    plot_truth(ax, figure._grid)
    (figure.fit_line,) = ax.plot(
        figure._grid, fit, color=PALETTE["blue"], lw=2, label=fit_label
    )
    if highlight is None:
        _scatter(ax, x, y, s=14, label="data")
    else:
        empty = np.empty((0, 2))
        far = _scatter(ax, empty[:, 0], empty[:, 1], s=14, alpha=0.45, label="others")
        near = _scatter(
            ax,
            empty[:, 0],
            empty[:, 1],
            color=PALETTE["orange"],
            edgecolor="black",
            s=40,
            alpha=1.0,
            label=highlight,
        )
        figure._highlight = (near, far)
    if prediction is not None:
        (figure._prediction,) = ax.plot(
            [],
            [],
            marker="*",
            ms=15,
            color=PALETTE["vermillion"],
            markeredgecolor="black",
            ls="none",
            zorder=4,
            label=prediction,
        )
    ax.axvline(figure._x_query, color=PALETTE["vermillion"], ls=":", lw=1)
    ax.set_xlabel("")


def _draw_weight_panel(figure):
    ax, x_q = figure.ax_weights, figure._x_query
    figure.stems = ax.vlines(figure._x, 0, 0, color=PALETTE["orange"], lw=2)
    (figure._tips,) = ax.plot(
        [], [], "o", color=PALETTE["orange"], markeredgecolor="black", ms=5
    )
    (figure._zeros,) = ax.plot([], [], "o", color="grey", ms=3, clip_on=False)
    ax.axvline(x_q, color=PALETTE["vermillion"], ls=":", lw=1)
    figure._empty = ax.text(
        0.5,
        0.5,
        "empty window: no weights",
        transform=ax.transAxes,
        ha="center",
        va="center",
        visible=False,
    )
    ax.set_xlabel("input $x$ (training points $x_i$)")
    ax.set_ylabel(f"weight $w_i(x_q)$\n$x_q$ = {x_q:g}")
