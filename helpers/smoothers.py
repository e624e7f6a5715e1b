r"""Local averaging regression: k-nearest neighbours and Nadaraya-Watson.

Both estimators predict a weighted average of the training targets,

.. math::  \hat m(x_q) = \sum_{i=1}^n w_i(x_q)\, y_i, \qquad
           w_i(x_q) \ge 0, \quad \sum_i w_i(x_q) = 1,

and differ only in the weights: :math:`1/k` on the k nearest points for kNN,
:math:`K(\lVert x_q - x_i \rVert / h) / \sum_j K(\lVert x_q - x_j \rVert / h)`
for Nadaraya-Watson. Weight matrices are (m, n): rows are queries, columns are
training points (keys).

Inputs ``x`` are (n,) or (n, d) with Euclidean distance; targets ``y`` are
(n,) or (n, d_y). The bandwidth h is the Gaussian's standard deviation, the
same h as statsmodels' ``KernelReg(bw=[h])`` and h = 1/sqrt(2 gamma) for
scikit-learn's ``rbf_kernel(gamma)``.
"""

from __future__ import annotations

import numpy as np

from helpers._validate import (
    as_points,
    as_targets,
    check_positive_int,
    check_positive_scalar,
    check_same_dim,
)
from helpers.kernels import check_kernel, log_profile, pairwise_distances


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
    n = x_train.shape[0]
    k = check_positive_int(
        k, "k", maximum=n, maximum_name="the number of training points n"
    )
    nearest = np.argsort(pairwise_distances(x_query, x_train), axis=1, kind="stable")[
        :, :k
    ]
    weights = np.zeros((x_query.shape[0], n))
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
    x_train_arr = as_points(x_train, "x_train")
    y = as_targets(y_train, "y_train", x_train_arr.shape[0], "x_train")
    return knn_weights(x_train_arr, x_query, k) @ y


def nw_log_kernel(x_train, x_query, bandwidth: float, kernel="gaussian") -> np.ndarray:
    r"""Log-kernel matrix :math:`\log k(x_q, x_i)` up to a constant per row.

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
    kernel = check_kernel(kernel)
    if isinstance(kernel, str):
        return _named_log_kernel(pairwise_distances(x_query, x_train), h, kernel)
    return _callable_log_kernel(kernel, x_query / h, x_train / h)


def _named_log_kernel(dist: np.ndarray, h: float, kernel: str) -> np.ndarray:
    """Log-weights of a named profile from a distance matrix (row constants dropped).

    ``dist`` may hold ``+inf`` for pairs that must get weight 0 (leave-one-out).
    The Gaussian is shifted so that each row's nearest point has log-weight 0.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        if kernel != "gaussian":
            return log_profile(dist / h, kernel)
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


def _normalise_rows(logits: np.ndarray, context: str) -> np.ndarray:
    """Softmax of each row of log-weights; error for a row with no finite entry."""
    row_max = logits.max(axis=1, keepdims=True)
    empty = np.flatnonzero(np.isneginf(row_max[:, 0]))
    if empty.size:
        shown = empty[:10].tolist()
        more = "" if empty.size <= 10 else f" and {empty.size - 10} more"
        raise ValueError(
            f"x_query rows {shown}{more} have no training point with positive "
            f"kernel weight ({context}); their weighted average is 0/0. Widen the "
            "bandwidth or use a kernel with unbounded support such as 'gaussian'"
        )
    weights = np.exp(logits - row_max)
    weights /= weights.sum(axis=1, keepdims=True)
    return weights


def nw_weights(x_train, x_query, bandwidth: float, kernel="gaussian") -> np.ndarray:
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

    Returns
    -------
    ndarray of shape (m, n)
        Non-negative; every row sums to 1.

    Raises
    ------
    ValueError
        If a query has no training point inside a compact kernel's window
        (the estimator would be 0/0), or for bad input.

    Examples
    --------
    >>> nw_weights([0.0, 1.0], [0.0], bandwidth=1.0).round(4).tolist()
    [[0.6225, 0.3775]]
    """
    h = check_positive_scalar(bandwidth, "bandwidth")
    logits = nw_log_kernel(x_train, x_query, h, kernel)
    name = (
        kernel if isinstance(kernel, str) else getattr(kernel, "__name__", "callable")
    )
    return _normalise_rows(logits, f"bandwidth={h:g}, kernel={name!r}")


def nadaraya_watson(
    x_train, y_train, x_query, bandwidth: float, kernel="gaussian"
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

    Returns
    -------
    ndarray of shape (m,) or (m, d_y)

    Examples
    --------
    >>> nadaraya_watson([0.0, 1.0], [0.0, 1.0], [0.5], bandwidth=1.0).tolist()
    [0.5]
    """
    x_train_arr = as_points(x_train, "x_train")
    y = as_targets(y_train, "y_train", x_train_arr.shape[0], "x_train")
    return nw_weights(x_train_arr, x_query, bandwidth, kernel) @ y


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
    hs = np.asarray(bandwidths)
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
    check_kernel(kernel)
    errors = np.empty(hs.size)
    diag = np.eye(n, dtype=bool)
    if isinstance(kernel, str):
        # point i is infinitely far from itself: left out of its own average, and the
        # Gaussian's row shift is its nearest *other* point (tiny h: leave-one-out 1-NN)
        dist_loo = np.where(diag, np.inf, pairwise_distances(x, x))
    for b, h in enumerate(hs):
        if isinstance(kernel, str):
            logits = _named_log_kernel(dist_loo, h, kernel)
        else:  # never write into a callable's output
            logits = np.where(diag, -np.inf, nw_log_kernel(x, x, h, kernel))
        try:
            weights = _normalise_rows(
                logits, f"bandwidth={h:g}, leaving each point out"
            )
        except ValueError as err:
            raise ValueError(
                f"bandwidths[{b}]={h:g} is too small for leave-one-out: "
                + str(err).replace("x_query rows", "training points", 1)
            ) from None
        residuals = y2 - weights @ y2
        errors[b] = np.mean(residuals**2)
    return errors
