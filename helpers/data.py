"""The data sets the chapters use."""

from __future__ import annotations

import numpy as np

from helpers._validate import (
    as_real_array,
    check_int,
    check_positive_int,
    check_positive_scalar,
    check_real_scalar,
)


def noisy_sine(
    n: int = 40, seed: int = 42, low: float = 0.0, high: float = 6.0, noise: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    r"""Noisy samples of :math:`m(x) = 2\sin x`, the book's running example.

    .. math::  x_i \sim U[\text{low}, \text{high}], \qquad
               y_i = 2 \sin x_i + \varepsilon_i, \quad \varepsilon_i \sim N(0, \text{noise}^2)

    With the defaults it reproduces exactly the data of the post the book grew
    from: ``np.random.seed(42); x = np.random.uniform(0, 6, 40);
    y = 2*np.sin(x) + np.random.normal(size=40)``, without touching NumPy's
    global random state.

    Parameters
    ----------
    n : int, default 40
        Number of points, >= 1.
    seed : int, default 42
        Seed of the legacy ``RandomState`` generator (same stream as
        ``np.random.seed``), 0 <= seed < 2**32.
    low, high : float, default 0 and 6
        Interval the inputs are drawn from; ``low < high``.
    noise : float, default 1
        Standard deviation of the Gaussian noise, > 0.

    Returns
    -------
    x : ndarray of shape (n,)
    y : ndarray of shape (n,)

    Examples
    --------
    >>> x, y = noisy_sine()
    >>> x.shape, round(float(x[0]), 4)
    ((40,), 2.2472)
    """
    n = check_positive_int(n, "n")
    seed = check_int(seed, "seed")
    if not 0 <= seed < 2**32:
        raise ValueError(f"seed must be >= 0 and < 2**32, got {seed}")
    low = check_real_scalar(low, "low")
    high = check_real_scalar(high, "high")
    if not low < high:
        raise ValueError(f"low must be smaller than high, got low={low}, high={high}")
    noise = check_positive_scalar(noise, "noise")
    rng = np.random.RandomState(seed)
    x = rng.uniform(low, high, n)
    y = 2 * np.sin(x) + noise * rng.normal(size=n)
    return x, y


def true_function(x) -> np.ndarray:
    r"""The regression function :math:`m(x) = 2 \sin x` behind :func:`noisy_sine`.

    Parameters
    ----------
    x : array_like of real numbers, finite, any shape

    Returns
    -------
    ndarray of the same shape as ``x``

    Examples
    --------
    >>> true_function([0.0, np.pi / 2]).tolist()
    [0.0, 2.0]
    """
    return 2 * np.sin(as_real_array(x, "x", allow_empty=True))
