"""Shared by the tests: hypothesis strategies (bounded sizes, fast) and independent references."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

KERNELS = ("gaussian", "epanechnikov", "uniform", "triangular", "tricube")

coordinates = st.floats(-10.0, 10.0, allow_nan=False, allow_infinity=False, width=64)
"""A finite coordinate of moderate size."""

bandwidths = st.floats(-8.0, 8.0).map(lambda e: float(10.0**e))
"""Bandwidths spread evenly in log scale over 1e-8 .. 1e8."""

moderate_bandwidths = st.floats(-1.0, 1.3).map(lambda e: float(10.0**e))
"""Bandwidths 0.1 .. 20, where the naive formula neither underflows nor overflows."""


@st.composite
def train_query(draw, max_n=12, max_m=5, max_d=3, min_n=1, one_d=None):
    """``(x_train, x_query)`` with (n, d) / (m, d) or, sometimes, 1-D arrays."""
    n = draw(st.integers(min_n, max_n))
    m = draw(st.integers(1, max_m))
    flat = draw(st.booleans()) if one_d is None else one_d
    d = 1 if flat else draw(st.integers(1, max_d))
    shape_train = (n,) if flat else (n, d)
    shape_query = (m,) if flat else (m, d)
    x_train = draw(hnp.arrays(np.float64, shape_train, elements=coordinates))
    x_query = draw(hnp.arrays(np.float64, shape_query, elements=coordinates))
    return x_train, x_query


def targets(n, d_y=None):
    """Targets of shape (n,) or (n, d_y)."""
    shape = (n,) if d_y is None else (n, d_y)
    return hnp.arrays(np.float64, shape, elements=coordinates)


def sorted_distances(x_train, x_query):
    """Distances of every query to every training point, sorted along each row."""
    a = np.asarray(x_query, dtype=float).reshape(len(x_query), -1)
    b = np.asarray(x_train, dtype=float).reshape(len(x_train), -1)
    dist = np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=-1))
    return np.sort(dist, axis=1)


def as_2d(x):
    """(n,) -> (n, 1); (n, d) unchanged."""
    x = np.asarray(x, dtype=float)
    return x.reshape(-1, 1) if x.ndim == 1 else x


def reference_profile(u, kernel):
    """The five smoothing profiles, written from their textbook formulas."""
    u = np.abs(np.asarray(u, dtype=float))
    inside = u <= 1
    with np.errstate(over="ignore", invalid="ignore"):
        if kernel == "gaussian":
            return np.exp(-(u**2) / 2)
        if kernel == "epanechnikov":
            return np.where(inside, 1 - u**2, 0.0)
        if kernel == "uniform":
            return np.where(inside, 1.0, 0.0)
        if kernel == "triangular":
            return np.where(inside, 1 - u, 0.0)
        if kernel == "tricube":
            return np.where(inside, (1 - u**3) ** 3, 0.0)
    raise AssertionError(kernel)
