r"""Local averaging regression: k-nearest neighbours and Nadaraya-Watson.

Both estimators predict a weighted average of the training targets,

.. math::  \hat m(x_q) = \sum_{i=1}^n w_i(x_q)\, y_i, \qquad
           w_i(x_q) \ge 0, \quad \sum_i w_i(x_q) = 1,

and differ only in the weights: :math:`1/k` on the k nearest points for kNN,
:math:`K(\lVert x_q - x_i \rVert / h) / \sum_j K(\lVert x_q - x_j \rVert / h)`
for Nadaraya-Watson. Weight matrices are (m, n): rows are queries, columns are
training points (keys).

Inputs ``x`` are (n,) or (n, d) with Euclidean distance; targets ``y`` are
(n,) or (n, d_y). The bandwidth h is the Gaussian's standard deviation:
h = 1/sqrt(2 gamma) for scikit-learn's ``rbf_kernel(gamma)``, and the same h as
statsmodels' ``KernelReg(endog, exog, var_type="c", reg_type="lc", bw=[h])``.
Note ``reg_type="lc"`` (local constant): ``KernelReg``'s default,
``reg_type="ll"``, is local *linear* regression, not Nadaraya-Watson.
"""

from __future__ import annotations

import numpy as np

from helpers._validate import (
    as_array,
    as_points,
    as_targets,
    check_choice,
    check_positive_int,
    check_positive_scalar,
    check_same_dim,
)
from helpers.kernels import _log_profile, _pairwise_distances, check_kernel


def _points_pair(x_train, x_query):
    x_train = as_points(x_train, "x_train")
    x_query = as_points(x_query, "x_query")
    check_same_dim(x_train, x_query, "x_train", "x_query")
    return x_train, x_query


def knn_weights(x_train, x_query, k: int) -> np.ndarray:
    r"""k-nearest-neighbour weights: :math:`1/k` on the k closest training points.

    .. math::  w_i(x_q) = \frac{1}{k}\,\mathbf{1}\{x_i \in N_k(x_q)\}

    Ties in distance are broken by the lower training index, as a stable sort
    does.

    Parameters
    ----------
    x_train : array_like of shape (n,) or (n, d)
    x_query : array_like of shape (m,) or (m, d)
    k : int
        Number of neighbours, 1 <= k <= n.

    Returns
    -------
    ndarray of shape (m, n)
        Rows are queries; each row has k entries equal to 1/k, the rest 0.

    Examples
    --------
    >>> knn_weights([0.0, 1.0, 5.0], [0.4], k=2).tolist()
    [[0.5, 0.5, 0.0]]
    """
    x_train, x_query = _points_pair(x_train, x_query)
    return _knn_weights(x_train, x_query, _check_k(k, x_train.shape[0]))


def _check_k(k, n: int) -> int:
    return check_positive_int(
        k, "k", maximum=n, maximum_name="the number of training points n"
    )


def _knn_weights(x_train: np.ndarray, x_query: np.ndarray, k: int) -> np.ndarray:
    """kNN weights of validated (n, d) and (m, d) points, 1 <= k <= n."""
    dist = _pairwise_distances(x_query, x_train)
    nearest = np.argsort(dist, axis=1, kind="stable")[:, :k]
    weights = np.zeros(dist.shape)
    np.put_along_axis(weights, nearest, 1.0 / k, axis=1)
    return weights


def knn_regress(x_train, y_train, x_query, k: int) -> np.ndarray:
    r"""k-nearest-neighbour regression: the mean target of the k closest points.

    .. math::  \hat m(x_q) = \frac{1}{k} \sum_{x_i \in N_k(x_q)} y_i

    Parameters
    ----------
    x_train : array_like of shape (n,) or (n, d)
    y_train : array_like of shape (n,) or (n, d_y)
    x_query : array_like of shape (m,) or (m, d)
    k : int
        Number of neighbours, 1 <= k <= n.

    Returns
    -------
    ndarray of shape (m,) or (m, d_y)

    Examples
    --------
    >>> knn_regress([0.0, 1.0, 5.0], [1.0, 3.0, 9.0], [0.4], k=2).tolist()
    [2.0]
    """
    x_train, x_query = _points_pair(x_train, x_query)
    y = as_targets(y_train, "y_train", x_train.shape[0], "x_train")
    return _knn_weights(x_train, x_query, _check_k(k, x_train.shape[0])) @ y


def nw_log_kernel(x_train, x_query, bandwidth: float, kernel="gaussian") -> np.ndarray:
    r"""Log-kernel matrix :math:`\log \kappa(x_q, x_i)` up to a constant per row.

    For a named profile, :math:`\log K(\lVert x_q - x_i \rVert / h)`; for a
    callable, ``kernel(x_query / h, x_train / h)`` (its log when the callable
    returns kernel values, as is when it was wrapped by
    :func:`helpers.kernels.as_log_kernel`). The Gaussian is computed as
    :math:`-\tfrac12 \frac{d - d_{\min}}{h}\frac{d + d_{\min}}{h}`, which
    differs from :math:`-d^2/(2h^2)` by a constant per row and cannot
    overflow for the nearest point, however small h is.

    Parameters
    ----------
    x_train : array_like of shape (n,) or (n, d)
    x_query : array_like of shape (m,) or (m, d)
    bandwidth : float
        h > 0.
    kernel : str or callable, default "gaussian"

    Returns
    -------
    ndarray of shape (m, n)
        Finite or ``-inf`` (weight 0); never NaN or ``+inf``.
    """
    x_train, x_query = _points_pair(x_train, x_query)
    h = check_positive_scalar(bandwidth, "bandwidth")
    return _nw_log_kernel(x_train, x_query, h, check_kernel(kernel))


def _nw_log_kernel(x_train, x_query, h: float, kernel) -> np.ndarray:
    """Log-kernel matrix of validated points, bandwidth and kernel."""
    if isinstance(kernel, str):
        return _named_log_kernel(_pairwise_distances(x_query, x_train), h, kernel)
    return _callable_log_kernel(kernel, x_query / h, x_train / h)


def _named_log_kernel(dist: np.ndarray, h: float, kernel: str) -> np.ndarray:
    """Log-weights of a named profile from a distance matrix (row constants dropped).

    ``dist`` may hold ``+inf`` for pairs that must get weight 0 (leave-one-out).
    The Gaussian is shifted so that each row's nearest point has log-weight 0.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        if kernel != "gaussian":
            return _log_profile(dist / h, kernel)
        d_min = dist.min(axis=1, keepdims=True)
        gap = (dist - d_min) / h
        return np.where(gap == 0.0, 0.0, -0.5 * gap * ((dist + d_min) / h))


def _callable_log_kernel(kernel, x_query, x_train) -> np.ndarray:
    is_log = bool(getattr(kernel, "is_log_kernel", False))
    values = np.asarray(kernel(x_query, x_train))
    shape = (x_query.shape[0], x_train.shape[0])
    if values.dtype.kind not in "iuf":
        raise TypeError(
            f"kernel returned an array of dtype {values.dtype}, not real numbers"
        )
    if values.shape != shape:
        raise ValueError(
            f"kernel returned shape {values.shape}; a kernel called as "
            f"kernel(x_query, x_train) must return (m, n) = {shape}"
        )
    values = values.astype(np.float64, copy=False)
    if np.isnan(values).any():
        raise ValueError("kernel returned NaN")
    if is_log:
        if np.isposinf(values).any():
            raise ValueError("kernel (a log-kernel) returned +inf")
        return values
    if (values < 0).any():
        raise ValueError(
            "kernel returned negative values; smoothing kernels must be >= 0"
        )
    if np.isinf(values).any():
        raise ValueError(
            "kernel returned inf (overflow); return log-kernel values and wrap the "
            "callable with helpers.kernels.as_log_kernel"
        )
    with np.errstate(divide="ignore"):
        return np.log(values)


ON_EMPTY = ("raise", "nan")
"""What :func:`nw_weights` and :func:`nadaraya_watson` do for a query whose window is empty."""


def _shown(rows: np.ndarray) -> str:
    """The first ten indices of ``rows`` and how many more there are."""
    more = "" if rows.size <= 10 else f" and {rows.size - 10} more"
    return f"{rows[:10].tolist()}{more}"


def _normalise_rows(logits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Softmax of each row of log-weights, and the indices of the empty rows.

    A row with no finite entry (an empty window) is left as NaN; the caller
    decides whether that is an error.
    """
    row_max = logits.max(axis=1, keepdims=True)
    is_empty = np.isneginf(row_max[:, 0])
    weights = np.full(logits.shape, np.nan)
    full = ~is_empty
    weights[full] = np.exp(logits[full] - row_max[full])
    weights[full] /= weights[full].sum(axis=1, keepdims=True)
    return weights, np.flatnonzero(is_empty)


def nw_weights(
    x_train, x_query, bandwidth: float, kernel="gaussian", on_empty: str = "raise"
) -> np.ndarray:
    r"""Nadaraya-Watson weights, normalised in log space.

    .. math::  w_i(x_q) = \frac{K(\lVert x_q - x_i \rVert / h)}
               {\sum_{j=1}^n K(\lVert x_q - x_j \rVert / h)}
               = \operatorname{softmax}_i\bigl(\log K(\lVert x_q - x_i\rVert/h)\bigr)

    The log-kernel values of each row are shifted by their maximum before
    exponentiating, so h = 1e-8 gives the 1-nearest-neighbour weights and
    h = 1e8 uniform weights 1/n, both exactly and without NaN.

    Parameters
    ----------
    x_train : array_like of shape (n,) or (n, d)
        Training inputs (the keys).
    x_query : array_like of shape (m,) or (m, d)
        Query inputs.
    bandwidth : float
        h > 0, the Gaussian's standard deviation (the half-width of the
        compact kernels).
    kernel : str or callable, default "gaussian"
        A name in :data:`helpers.kernels.KERNEL_NAMES`, or a pairwise kernel
        called as ``kernel(x_query / h, x_train / h)`` that returns the (m, n)
        kernel values (or log-values, see
        :func:`helpers.kernels.as_log_kernel`).
    on_empty : {"raise", "nan"}, default "raise"
        What to do for a query with no training point inside a compact
        kernel's window (every weight would be 0/0): ``"raise"`` a
        ``ValueError`` that names the rows, or give it a row of NaN
        (``"nan"``, for plotting: the fit has a gap there). A window holds
        the points with :math:`K(\lVert x_q - x_i\rVert / h) > 0`: strictly
        within h for the Epanechnikov, triangular and tricube kernels
        (K(1) = 0), within h including the boundary for the uniform kernel.

    Returns
    -------
    ndarray of shape (m, n)
        Non-negative; every row sums to 1 (or, with ``on_empty="nan"``, is
        all NaN for an empty window).

    Raises
    ------
    ValueError
        If a query has no training point inside a compact kernel's window
        and ``on_empty="raise"``, or for bad input.

    Examples
    --------
    >>> nw_weights([0.0, 1.0], [0.0], bandwidth=1.0).round(4).tolist()
    [[0.6225, 0.3775]]
    """
    return _nw_weights(*_nw_arguments(x_train, x_query, bandwidth, kernel, on_empty))


def _nw_arguments(x_train, x_query, bandwidth, kernel, on_empty) -> tuple:
    """The validated arguments of :func:`nw_weights`, in its order."""
    x_train, x_query = _points_pair(x_train, x_query)
    h = check_positive_scalar(bandwidth, "bandwidth")
    kernel = check_kernel(kernel)
    on_empty = check_choice(on_empty, "on_empty", ON_EMPTY)
    return x_train, x_query, h, kernel, on_empty


def _nw_weights(x_train, x_query, h: float, kernel, on_empty: str) -> np.ndarray:
    """NW weights of validated arguments; empty rows raise or are NaN."""
    weights, empty = _normalise_rows(_nw_log_kernel(x_train, x_query, h, kernel))
    if empty.size and on_empty == "raise":
        raise _empty_window_error(
            empty,
            h,
            kernel,
            "Widen the bandwidth, use a kernel with unbounded support such as "
            "'gaussian', or pass on_empty='nan' to leave NaN gaps there",
        )
    return weights


def _empty_window_error(
    empty,
    h: float,
    kernel,
    remedy: str = "Widen the bandwidth or use a kernel with unbounded support "
    "such as 'gaussian'",
) -> ValueError:
    """The error for queries whose kernel window holds no training point."""
    name = kernel if isinstance(kernel, str) else getattr(kernel, "__name__", "")
    return ValueError(
        f"x_query rows {_shown(empty)} have no training point with positive "
        f"kernel weight (bandwidth={h:g}, kernel={name or 'callable'!r}); their "
        f"weighted average is 0/0. {remedy}"
    )


def nadaraya_watson(
    x_train,
    y_train,
    x_query,
    bandwidth: float,
    kernel="gaussian",
    on_empty: str = "raise",
) -> np.ndarray:
    r"""Nadaraya-Watson kernel regression (Nadaraya 1964, Watson 1964).

    .. math::  \hat m_h(x_q) = \frac{\sum_{i=1}^n K(\lVert x_q - x_i \rVert / h)\, y_i}
               {\sum_{j=1}^n K(\lVert x_q - x_j \rVert / h)}

    Parameters
    ----------
    x_train : array_like of shape (n,) or (n, d)
    y_train : array_like of shape (n,) or (n, d_y)
    x_query : array_like of shape (m,) or (m, d)
    bandwidth : float
        h > 0.
    kernel : str or callable, default "gaussian"
        See :func:`nw_weights`.
    on_empty : {"raise", "nan"}, default "raise"
        For a query whose compact-kernel window holds no training point:
        raise a ``ValueError`` naming the rows, or (``"nan"``) predict NaN
        there, a gap in a plotted fit. See :func:`nw_weights`.

    Returns
    -------
    ndarray of shape (m,) or (m, d_y)

    Notes
    -----
    The Gaussian kernel takes a fast path that never forms the normalised
    weights: per chunk of queries, one matrix product gives the log-weights
    minus their row maximum, one ``exp``, and one product with
    :math:`[y, 1]` gives numerator and denominator together. It agrees with
    ``nw_weights(...) @ y`` to about 1e-15 and is used only while the
    expanded squares round to better than ~1e-13 (scaled radius
    :math:`\lVert x - c\rVert / (\sqrt 2 h) \le 32`); narrower bandwidths
    (down to h = 1e-8, the 1-nearest-neighbour limit) take the exact
    log-space path of :func:`nw_weights`.

    Examples
    --------
    >>> nadaraya_watson([0.0, 1.0], [0.0, 1.0], [0.5], bandwidth=1.0).tolist()
    [0.5]
    >>> nadaraya_watson([0.0, 1.0], [0.0, 1.0], [0.5, 3.0], bandwidth=1.0,
    ...                 kernel="uniform", on_empty="nan").tolist()
    [0.5, nan]
    """
    args = _nw_arguments(x_train, x_query, bandwidth, kernel, on_empty)
    y = as_targets(y_train, "y_train", args[0].shape[0], "x_train")
    if args[3] == "gaussian":
        fit = _gaussian_nw_fast(args[0], y, args[1], args[2])
        if fit is not None:
            return fit
    return _nw_weights(*args) @ y


_FAST_SCALE = 1024.0
"""Largest squared scaled radius ``max |x - c|^2 / (2 h^2)`` of the Gaussian fast path."""

_FAST_ROWS = 128
"""Queries per chunk of the Gaussian fast path (a chunk of weights stays in cache)."""


def _gaussian_nw_fast(x_train, y, x_query, h: float):
    r"""Gaussian NW with one matrix product and one ``exp`` per weight, or ``None``.

    With :math:`a = (x_q - c)/(\sqrt2 h)` and :math:`b = (x_i - c)/(\sqrt2 h)`
    (c the centre of the training points), the log-weight shifted by its row
    maximum is :math:`2 a^\top b - \lVert b\rVert^2 - \max_i(2 a^\top b_i -
    \lVert b_i\rVert^2)`: one product with k = d + 1, one subtraction of the
    row maximum (for d = 1 the maximum is the nearest training point, found by
    binary search, and folded into the product), one ``exp``, and one product
    with :math:`[y, 1]` gives numerator and denominator together. Chunks of
    queries keep the weights in cache. The rounding error of the expanded
    square is about :math:`\varepsilon \max(\lVert a\rVert^2, \lVert b
    \rVert^2)`, so the fast path is taken only when that is at most
    ``_FAST_SCALE`` (a relative error of the weights below ~1e-13); narrower
    bandwidths (h = 1e-8: the 1-nearest-neighbour limit) return ``None`` and
    go through the exact gap form of :func:`_named_log_kernel`.
    """
    centre = 0.5 * (x_train.min(axis=0) + x_train.max(axis=0))
    scale = 1.0 / (np.sqrt(2.0) * h)
    with np.errstate(over="ignore", invalid="ignore"):
        a = (x_query - centre) * scale
        b = (x_train - centre) * scale
        a2 = np.sum(a * a, axis=1)
        b2 = np.sum(b * b, axis=1)
    if not max(a2.max(), b2.max()) <= _FAST_SCALE:
        return None
    m, n = a.shape[0], b.shape[0]
    one_d = a.shape[1] == 1
    if one_d:
        # the row maximum is at the nearest training point: binary search
        b_sorted = np.sort(b[:, 0])
        idx = np.clip(np.searchsorted(b_sorted, a[:, 0]), 1, max(n - 1, 1))
        near = np.minimum(
            np.abs(a[:, 0] - b_sorted[idx - 1]), np.abs(a[:, 0] - b_sorted[idx % n])
        )
        # log-weight 2ab - b^2 + (d_min^2 - a^2) = d_min^2 - (a - b)^2 <= 0
        left = np.column_stack([a[:, 0], np.ones(m), near * near - a2])
        right = np.vstack([2.0 * b[:, 0], -b2, np.ones(n)])
    else:
        left = np.column_stack([a, np.ones(m)])
        right = np.vstack([2.0 * b.T, -b2])
    y_aug = np.column_stack([y.reshape(n, -1), np.ones(n)])
    sums = np.empty((m, y_aug.shape[1]))
    buffer = np.empty((min(m, _FAST_ROWS), n))
    # a shifted log-weight is >= -|a - b|^2 >= -(|a| + max |b|)^2: rows that
    # cannot go below _FLOOR need no clamp
    far = (np.sqrt(a2) + np.sqrt(b2.max())) ** 2 > -_FLOOR
    with np.errstate(under="ignore"):
        for start in range(0, m, _FAST_ROWS):
            rows = slice(start, min(start + _FAST_ROWS, m))
            w = buffer[: rows.stop - start]
            np.matmul(left[rows], right, out=w)
            if not one_d:
                np.subtract(w, w.max(axis=1, keepdims=True), out=w)
            if far[rows].any():
                np.maximum(w, _FLOOR, out=w)
            np.exp(w, out=w)
            np.matmul(w, y_aug, out=sums[rows])
    fit = sums[:, :-1] / sums[:, -1:]
    return fit[:, 0] if y.ndim == 1 else fit


_FLOOR = -700.0
"""Shifted log-weights below this are clamped to it before ``exp``.

The row's largest log-weight is 0, and :math:`e^{-700} < 10^{-304}`: the clamp
keeps ``exp`` away from its slow subnormal results and changes a fit by less
than n · 1e-304 relative."""


def loo_cv_error(x_train, y_train, bandwidths, kernel="gaussian") -> np.ndarray:
    r"""Mean squared leave-one-out error of Nadaraya-Watson, for each bandwidth.

    With the smoother matrix :math:`L = ` ``nw_weights(x, x, h)``, the fit
    without point i is available from the fit with it:

    .. math::  y_i - \hat m_h^{(-i)}(x_i) = \frac{y_i - \hat m_h(x_i)}{1 - L_{ii}},
               \qquad \mathrm{CV}(h) = \frac1n \sum_i
               \Bigl(\frac{y_i - \hat m_h(x_i)}{1 - L_{ii}}\Bigr)^2 .

    No refit loop. Because rows of L sum to 1, the numerator is
    :math:`\sum_{j\ne i} L_{ij}(y_i - y_j)` and the denominator
    :math:`\sum_{j \ne i} L_{ij}`; both are computed that way, from log-space
    weights rescaled by the largest off-diagonal one, so the ratio stays exact
    where :math:`L_{ii}` rounds to 1 (small h).

    Parameters
    ----------
    x_train : array_like of shape (n,) or (n, d)
        n >= 2.
    y_train : array_like of shape (n,) or (n, d_y)
    bandwidths : float or array_like of shape (b,)
        Bandwidths h > 0 to score.
    kernel : str or callable, default "gaussian"

    Returns
    -------
    ndarray of shape (b,)
        CV(h) for each bandwidth (averaged over outputs when y is 2-D).

    Raises
    ------
    ValueError
        If a training point has no other point inside a compact kernel's
        window at some bandwidth (its leave-one-out fit is 0/0), or for bad
        input.

    Examples
    --------
    >>> loo_cv_error([0.0, 1.0, 2.0], [0.0, 1.0, 2.0], [1e-3]).round(6).tolist()
    [0.666667]
    """
    x = as_points(x_train, "x_train")
    n = x.shape[0]
    if n < 2:
        raise ValueError("x_train must have at least 2 points for leave-one-out")
    y = as_targets(y_train, "y_train", n, "x_train")
    y2 = y.reshape(n, -1)
    hs = as_array(bandwidths, "bandwidths")
    if hs.dtype.kind not in "iuf":
        raise TypeError(f"bandwidths must hold real numbers, got dtype {hs.dtype}")
    if hs.ndim > 1:
        raise ValueError(f"bandwidths must be a number or 1-D, got shape {hs.shape}")
    hs = np.atleast_1d(hs).astype(np.float64)
    if hs.size == 0:
        raise ValueError("bandwidths is empty")
    bad = ~(np.isfinite(hs) & (hs > 0))
    if bad.any():
        raise ValueError(
            f"bandwidths must be finite and > 0; bandwidths[{int(np.argmax(bad))}] = "
            f"{hs[np.argmax(bad)]!r}"
        )
    kernel = check_kernel(kernel)
    errors = np.empty(hs.size)
    diag = np.eye(n, dtype=bool)
    if isinstance(kernel, str):
        # point i is infinitely far from itself: left out of its own average, and the
        # Gaussian's row shift is its nearest *other* point (tiny h: leave-one-out 1-NN)
        dist_loo = np.where(diag, np.inf, _pairwise_distances(x, x))
    for b, h in enumerate(hs):
        if isinstance(kernel, str):
            logits = _named_log_kernel(dist_loo, h, kernel)
        else:  # never write into a callable's output
            logits = np.where(diag, -np.inf, _nw_log_kernel(x, x, h, kernel))
        weights, empty = _normalise_rows(logits)
        if empty.size:
            raise ValueError(
                f"bandwidths[{b}]={h:g} is too small for leave-one-out: training points "
                f"{_shown(empty)} have no other training point with positive kernel "
                f"weight (bandwidth={h:g}, leaving each point out); their weighted "
                "average is 0/0. Widen the bandwidth or use a kernel with unbounded "
                "support such as 'gaussian'"
            )
        residuals = y2 - weights @ y2
        errors[b] = np.mean(residuals**2)
    return errors
