"""Argument checks shared by the public functions.

Every check raises ``TypeError`` (wrong kind of object) or ``ValueError``
(right kind, wrong value) with a message that starts with the argument's name,
so a reader can act on it without reading the source.
"""

from __future__ import annotations

import numbers

import numpy as np


def _asarray(x, name: str) -> np.ndarray:
    """``np.asarray(x)``, naming the argument when it is not array-like (ragged lists)."""
    try:
        return np.asarray(x)
    except ValueError as err:
        raise ValueError(
            f"{name} is not a rectangular array of numbers: {err}"
        ) from None


def _real_1d_or_2d(x, name: str, shape: str) -> np.ndarray:
    """``x`` as a finite, non-empty float64 array of 1 or 2 dimensions (``shape`` names them)."""
    arr = _asarray(x, name)
    if arr.dtype.kind not in "iuf":
        raise TypeError(
            f"{name} must hold real numbers, got an array of dtype {arr.dtype}"
        )
    if arr.ndim == 0 or arr.ndim > 2:
        raise ValueError(
            f"{name} must be 1-D (n,) or 2-D {shape}, got {arr.ndim}-D with shape {arr.shape}"
        )
    if arr.size == 0:
        raise ValueError(
            f"{name} is empty (shape {arr.shape}); give at least one point"
        )
    arr = arr.astype(np.float64, copy=False)
    check_finite(arr, name)
    return arr


def as_points(x, name: str) -> np.ndarray:
    """Return ``x`` as a float array of shape (n, d); 1-D input is (n, 1).

    Rejects ragged, non-numeric, boolean, empty, more than 2-D, NaN and infinite input.
    """
    arr = _real_1d_or_2d(x, name, "(n, d)")
    return arr.reshape(-1, 1) if arr.ndim == 1 else arr


def as_targets(y, name: str, n: int, n_name: str) -> np.ndarray:
    """Return ``y`` as a float array of shape (n,) or (n, d_y), length-checked."""
    arr = _real_1d_or_2d(y, name, "(n, d_y)")
    if arr.shape[0] != n:
        raise ValueError(
            f"{name} has {arr.shape[0]} rows but {n_name} has {n} points; "
            "they must have the same length"
        )
    return arr


def check_finite(arr: np.ndarray, name: str) -> None:
    """Raise if ``arr`` holds NaN or infinity, naming how many and where."""
    bad = ~np.isfinite(arr)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{name} contains {int(bad.sum())} NaN or infinite value(s), the first at index {first}"
        )


def check_same_dim(a: np.ndarray, b: np.ndarray, a_name: str, b_name: str) -> None:
    """Raise if two (n, d) point sets live in spaces of different dimension."""
    if a.shape[1] != b.shape[1]:
        raise ValueError(
            f"{b_name} has dimension {b.shape[1]} but {a_name} has dimension "
            f"{a.shape[1]}; queries and training points must live in the same space"
        )


def check_positive_scalar(value, name: str) -> float:
    """Return ``value`` as a float; it must be a real, finite number > 0."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return value


def check_positive_int(
    value, name: str, *, maximum: int | None = None, maximum_name: str = ""
) -> int:
    """Return ``value`` as an int; it must be an integer >= 1 (and <= maximum)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be an integer, got {type(value).__name__} {value!r}"
        )
    value = int(value)
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name}={value} exceeds {maximum_name} ({maximum})")
    return value


def check_int(value, name: str) -> int:
    """Return ``value`` as an int; any integer (not bool) is accepted."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be an integer, got {type(value).__name__} {value!r}"
        )
    return int(value)
