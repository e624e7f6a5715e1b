r"""Kernel functions: smoothing profiles, distances, Gram matrices, feature maps.

Two meanings of "kernel" meet in this book, and this module holds both.

*Smoothing kernels* are similarity profiles :math:`K(u)` of a scaled distance
:math:`u = \lVert x - x' \rVert / h`. Every profile here has :math:`K(0) = 1`
(the normalising constant cancels in Nadaraya-Watson weights):

==================  ===============================================  ============
name                :math:`K(u)`                                     support
==================  ===============================================  ============
``"gaussian"``      :math:`\exp(-u^2/2)`                             all u
``"epanechnikov"``  :math:`(1 - u^2)_+` (the quadratic one)          ``|u| <= 1``
``"uniform"``       :math:`\mathbf{1}\{|u| \le 1\}` (boxcar)         ``|u| <= 1``
``"triangular"``    :math:`(1 - |u|)_+`                              ``|u| <= 1``
``"tricube"``       :math:`(1 - |u|^3)_+^3`                          ``|u| <= 1``
==================  ===============================================  ============

*Positive semi-definite kernels* are generalised dot products
:math:`\kappa(x, y) = \varphi(x)^\top \varphi(y)`: the polynomial kernel with its
explicit feature map, and random Fourier features for the Gaussian kernel.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from helpers._validate import (
    as_points,
    as_real_array,
    check_finite,
    check_nonnegative_int,
    check_positive_int,
    check_positive_scalar,
    check_same_dim,
)

KERNEL_NAMES = ("gaussian", "epanechnikov", "uniform", "triangular", "tricube")
"""Names of the smoothing-kernel profiles, in the order the book draws them."""


def _log_gaussian(u):
    return -0.5 * u * u


def _log_epanechnikov(u):
    return np.log(np.clip(1.0 - u * u, 0.0, None))


def _log_uniform(u):
    return np.where(u <= 1.0, 0.0, -np.inf)


def _log_triangular(u):
    return np.log(np.clip(1.0 - u, 0.0, None))


def _log_tricube(u):
    return 3.0 * np.log(np.clip(1.0 - u**3, 0.0, None))


_LOG_PROFILES = {
    "gaussian": _log_gaussian,
    "epanechnikov": _log_epanechnikov,
    "uniform": _log_uniform,
    "triangular": _log_triangular,
    "tricube": _log_tricube,
}


def check_kernel(kernel, name: str = "kernel"):
    """Return a validated kernel: a known profile name or a callable.

    Raises ``ValueError`` for an unknown name and ``TypeError`` for anything
    that is neither a string nor callable.
    """
    if isinstance(kernel, str):
        if kernel not in _LOG_PROFILES:
            raise ValueError(
                f"{name}={kernel!r} is not a known kernel; choose one of "
                f"{', '.join(repr(k) for k in KERNEL_NAMES)} or pass a callable"
            )
        return kernel
    if callable(kernel):
        return kernel
    raise TypeError(
        f"{name} must be a kernel name or a callable, got {type(kernel).__name__}"
    )


def _profile_name(kernel, name: str = "kernel") -> str:
    """A validated profile name (callables are not profiles)."""
    kernel = check_kernel(kernel, name)
    if not isinstance(kernel, str):
        raise TypeError(f"{name} must be a kernel name here, not a callable")
    return kernel


def _scaled_distances(u, name: str = "u") -> np.ndarray:
    """|u| as floats; ``inf`` is allowed (weight 0), NaN is not."""
    arr = np.abs(as_real_array(u, name, allow_empty=True, finite=False))
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN")
    return arr


def _log_profile(u: np.ndarray, kernel: str) -> np.ndarray:
    """log K(u) for validated, non-negative scaled distances ``u``."""
    with np.errstate(divide="ignore", over="ignore"):
        return _LOG_PROFILES[kernel](u)


def log_profile(u, kernel: str = "gaussian") -> np.ndarray:
    r"""Logarithm of a smoothing-kernel profile, :math:`\log K(|u|)`.

    Working with :math:`\log K` keeps Nadaraya-Watson weights finite at any
    bandwidth: outside a compact kernel's support the value is ``-inf``
    (weight exactly 0), never NaN.

    Parameters
    ----------
    u : array_like
        Scaled distances :math:`\lVert x - x' \rVert / h`; the sign is ignored,
        ``inf`` is allowed (it gives ``-inf``).
    kernel : str, default "gaussian"
        One of :data:`KERNEL_NAMES`.

    Returns
    -------
    ndarray, same shape as ``u``

    Examples
    --------
    >>> log_profile([0.0, 2.0]).tolist()
    [-0.0, -2.0]
    """
    kernel = _profile_name(kernel)
    return _log_profile(_scaled_distances(u), kernel)


def profile(u, kernel: str = "gaussian") -> np.ndarray:
    r"""A smoothing-kernel profile :math:`K(|u|)`, with :math:`K(0) = 1`.

    See the module docstring for the five formulas.

    Parameters
    ----------
    u : array_like
        Scaled distances; the sign is ignored.
    kernel : str, default "gaussian"
        One of :data:`KERNEL_NAMES`.

    Returns
    -------
    ndarray, same shape as ``u``, values in [0, 1]

    Examples
    --------
    >>> profile([0.0, 0.5, 1.0], "epanechnikov").tolist()
    [1.0, 0.75, 0.0]
    """
    kernel = _profile_name(kernel)
    return np.exp(_log_profile(_scaled_distances(u), kernel))


def pairwise_distances(a, b=None) -> np.ndarray:
    r"""Euclidean distances :math:`D_{ij} = \lVert a_i - b_j \rVert`.

    Computed from the differences (not from :math:`\lVert a\rVert^2 +
    \lVert b\rVert^2 - 2 a^\top b`), so :math:`D_{ii} = 0` exactly and no
    distance is negative.

    Parameters
    ----------
    a : array_like of shape (m,) or (m, d)
        Rows are points (queries). 1-D input means d = 1.
    b : array_like of shape (n,) or (n, d), optional
        Rows are points (keys). Defaults to ``a``.

    Returns
    -------
    ndarray of shape (m, n)

    Examples
    --------
    >>> pairwise_distances([0.0, 3.0], [1.0]).tolist()
    [[1.0], [2.0]]
    """
    a, b = _point_sets(a, b)
    return _pairwise_distances(a, b)


def _point_sets(a, b) -> tuple[np.ndarray, np.ndarray]:
    """``a`` and ``b`` (default ``a``) as (m, d) and (n, d) float arrays."""
    a = as_points(a, "a")
    b = a if b is None else as_points(b, "b")
    check_same_dim(a, b, "a", "b")
    return a, b


def _pairwise_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Euclidean distances of validated (m, d) and (n, d) point sets."""
    if a.shape[1] == 1:
        return np.abs(a - b.T)
    diff = a[:, None, :] - b[None, :, :]
    with np.errstate(over="ignore"):
        return np.sqrt(np.einsum("mnd,mnd->mn", diff, diff))


def gram_matrix(
    a, b=None, bandwidth: float = 1.0, kernel: str = "gaussian"
) -> np.ndarray:
    r"""Kernel matrix :math:`G_{ij} = K(\lVert a_i - b_j \rVert / h)`.

    Parameters
    ----------
    a : array_like of shape (m,) or (m, d)
    b : array_like of shape (n,) or (n, d), optional
        Defaults to ``a`` (then G is square and, for the Gaussian, symmetric
        positive semi-definite).
    bandwidth : float, default 1
        h > 0.
    kernel : str, default "gaussian"
        One of :data:`KERNEL_NAMES`.

    Returns
    -------
    ndarray of shape (m, n)

    Examples
    --------
    >>> gram_matrix([0.0, 1.0], bandwidth=1.0).round(4).tolist()
    [[1.0, 0.6065], [0.6065, 1.0]]
    """
    a, b = _point_sets(a, b)
    h = check_positive_scalar(bandwidth, "bandwidth")
    kernel = _profile_name(kernel)
    with np.errstate(over="ignore"):
        u = _pairwise_distances(a, b) / h
    return np.exp(_log_profile(u, kernel))


def _multi_indices(n_vars: int, degree: int):
    """All exponent vectors of n_vars variables that sum to ``degree``."""
    for combo in itertools.combinations_with_replacement(range(n_vars), degree):
        alpha = [0] * n_vars
        for var in combo:
            alpha[var] += 1
        yield tuple(alpha)


def polynomial_kernel(a, b=None, degree: int = 2, coef0: float = 1.0) -> np.ndarray:
    r"""Polynomial kernel :math:`\kappa(x, y) = (x^\top y + c)^p`.

    Parameters
    ----------
    a : array_like of shape (m,) or (m, d)
    b : array_like of shape (n,) or (n, d), optional
        Defaults to ``a``.
    degree : int, default 2
        p >= 1.
    coef0 : float, default 1
        c >= 0 (so that the kernel has a real feature map).

    Returns
    -------
    ndarray of shape (m, n)

    Examples
    --------
    >>> polynomial_kernel([[1.0, 2.0]], [[3.0, 4.0]], degree=2, coef0=1.0).tolist()
    [[144.0]]
    """
    a, b = _point_sets(a, b)
    degree = check_positive_int(degree, "degree")
    coef0 = _check_coef0(coef0)
    return (a @ b.T + coef0) ** degree


def _check_coef0(coef0) -> float:
    if isinstance(coef0, bool) or not isinstance(
        coef0, (int, float, np.integer, np.floating)
    ):
        raise TypeError(f"coef0 must be a real number, got {type(coef0).__name__}")
    coef0 = float(coef0)
    if not np.isfinite(coef0) or coef0 < 0:
        raise ValueError(f"coef0 must be a finite number >= 0, got {coef0!r}")
    return coef0


def polynomial_features(x, degree: int = 2, coef0: float = 1.0) -> np.ndarray:
    r"""Explicit feature map :math:`\varphi` of the polynomial kernel.

    By the multinomial theorem

    .. math::  (x^\top y + c)^p = \sum_{|\alpha| + \alpha_0 = p}
               \frac{p!}{\alpha_0!\,\alpha_1!\cdots\alpha_d!}\, c^{\alpha_0}
               \prod_i x_i^{\alpha_i} y_i^{\alpha_i},

    so :math:`\varphi_\alpha(x) = \sqrt{p!\,c^{\alpha_0} / (\alpha_0!\cdots
    \alpha_d!)}\,\prod_i x_i^{\alpha_i}` has
    :math:`\varphi(x)^\top \varphi(y) = (x^\top y + c)^p`, one feature for
    each of the :math:`\binom{d + p}{p}` monomials of degree at most p.

    Parameters
    ----------
    x : array_like of shape (n,) or (n, d)
    degree : int, default 2
        p >= 1.
    coef0 : float, default 1
        c >= 0.

    Returns
    -------
    ndarray of shape (n, comb(d + p, p))

    Examples
    --------
    >>> phi = polynomial_features([[1.0, 2.0], [3.0, 4.0]], degree=2)
    >>> phi.shape, round(float(phi[0] @ phi[1]), 6)
    ((2, 6), 144.0)
    """
    x = as_points(x, "x")
    degree = check_positive_int(degree, "degree")
    coef0 = _check_coef0(coef0)
    d = x.shape[1]
    columns = []
    for alpha in _multi_indices(d + 1, degree):
        alpha0, rest = alpha[0], alpha[1:]
        coef = math.factorial(degree) * coef0**alpha0
        for a_i in alpha:
            coef /= math.factorial(a_i)
        columns.append(math.sqrt(coef) * np.prod(x ** np.array(rest), axis=1))
    return np.column_stack(columns)


def random_fourier_features(
    x, n_features: int, bandwidth: float = 1.0, seed: int = 0
) -> np.ndarray:
    r"""Random Fourier features of the Gaussian kernel (Rahimi & Recht 2007).

    .. math::  z(x) = \sqrt{2/D}\,\cos(W x + b), \qquad
               W_{ij} \sim N(0, h^{-2}), \quad b_i \sim U[0, 2\pi],

    so that :math:`E[z(x)^\top z(y)] = \exp(-\lVert x - y \rVert^2 / (2h^2))`
    with error :math:`O(D^{-1/2})`. The draw of W and b depends only on
    ``seed``, ``n_features``, ``bandwidth`` and the dimension: call it with the
    same seed for the two point sets you want to compare (or stack them).

    Parameters
    ----------
    x : array_like of shape (n,) or (n, d)
    n_features : int
        D >= 1.
    bandwidth : float, default 1
        h > 0, the Gaussian kernel's bandwidth.
    seed : int, default 0
        Seed of the random draw, >= 0.

    Returns
    -------
    ndarray of shape (n, n_features)

    Examples
    --------
    >>> z = random_fourier_features([[0.0], [1.0]], n_features=20000, seed=1)
    >>> bool(abs(z[0] @ z[1] - np.exp(-0.5)) < 0.03)  # error ~ D**-0.5
    True
    """
    x = as_points(x, "x")
    n_features = check_positive_int(n_features, "n_features")
    h = check_positive_scalar(bandwidth, "bandwidth")
    seed = check_nonnegative_int(seed, "seed")
    rng = np.random.default_rng(seed)
    w = rng.normal(scale=1.0 / h, size=(x.shape[1], n_features))
    b = rng.uniform(0.0, 2.0 * np.pi, size=n_features)
    z = np.sqrt(2.0 / n_features) * np.cos(x @ w + b)
    check_finite(z, "random Fourier features")
    return z


def as_log_kernel(func):
    r"""Mark a pairwise kernel callable as returning :math:`\log \kappa`, not :math:`\kappa`.

    :func:`helpers.smoothers.nw_weights` calls a callable kernel as
    ``kernel(x_query / h, x_train / h)`` and expects the (m, n) matrix of kernel
    values :math:`\kappa(x_q, x_k) \ge 0`. A kernel such as
    :math:`\exp(q^\top k / \sqrt{d_k})` overflows for large scores; wrap a
    function that returns the exponent instead, and the weights are normalised
    in log space (the exponent may be ``-inf`` for weight 0, never NaN or
    ``+inf``).

    Parameters
    ----------
    func : callable
        ``func(x_query, x_train) -> ndarray of shape (m, n)`` of log-kernel
        values.

    Returns
    -------
    callable
        A wrapper with the same call signature and ``is_log_kernel = True``.

    Examples
    --------
    >>> dot = as_log_kernel(lambda q, k: q @ k.T)
    >>> dot.is_log_kernel
    True
    """
    if not callable(func):
        raise TypeError(f"func must be callable, got {type(func).__name__}")

    def log_kernel(x_query, x_train):
        return func(x_query, x_train)

    log_kernel.is_log_kernel = True
    log_kernel.__name__ = getattr(func, "__name__", "log_kernel")
    log_kernel.__doc__ = func.__doc__
    return log_kernel
