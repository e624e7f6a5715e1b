"""Argument checks shared by the public functions.

Public functions validate their arguments once, here, at the entry point, and
then call private cores that assume valid input. Every check raises
``TypeError`` (wrong kind of object) or ``ValueError`` (right kind, wrong
value) with a message that starts with the argument's name, so a reader can
act on it without reading the source.
"""

from __future__ import annotations

import numbers

import numpy as np


def as_array(x, name: str) -> np.ndarray:
    """``np.asarray(x)``, naming the argument when it is not rectangular (ragged lists)."""
    try:
        return np.asarray(x)
    except (ValueError, TypeError) as err:
        raise ValueError(
            f"{name} is not a rectangular array of numbers (ragged nested lists?): {err}"
        ) from None


def as_real_array(
    x,
    name: str,
    *,
    ndim: int | tuple[int, ...] | None = None,
    shape: str = "",
    min_ndim: int = 0,
    allow_empty: bool = False,
    finite: bool = True,
    kinds: str = "iuf",
) -> np.ndarray:
    """``x`` as a float64 array of real numbers, checked and named.

    Parameters
    ----------
    x : array_like
    name : str
        The argument's name, used in every message.
    ndim : int or tuple of int, optional
        Allowed numbers of dimensions.
    shape : str, optional
        How the message names the expected shape, e.g. ``"(m, n)"``.
    min_ndim : int, default 0
        Smallest allowed number of dimensions.
    allow_empty : bool, default False
    finite : bool, default True
        Reject NaN and infinite entries.
    kinds : str, default "iuf"
        Allowed dtype kinds (add ``"b"`` to accept booleans).
    """
    arr = as_array(x, name)
    if arr.dtype.kind not in kinds:
        raise TypeError(
            f"{name} must hold real numbers, got an array of dtype {arr.dtype}"
        )
    allowed = (ndim,) if isinstance(ndim, int) else ndim
    if allowed is not None and arr.ndim not in allowed:
        dims = " or ".join(f"{d}-D" for d in allowed)
        shape = f" {shape}" if shape else ""
        raise ValueError(f"{name} must be {dims}{shape}, got shape {arr.shape}")
    if arr.ndim < min_ndim:
        raise ValueError(
            f"{name} must have at least {min_ndim} dimensions, got shape {arr.shape}"
        )
    if arr.size == 0 and not allow_empty:
        raise ValueError(f"{name} is empty (shape {arr.shape})")
    arr = arr.astype(np.float64, copy=False)
    if finite:
        check_finite(arr, name)
    return arr


def _real_1d_or_2d(x, name: str, shape: str) -> np.ndarray:
    """``x`` as a finite, non-empty float64 array of 1 or 2 dimensions (``shape`` names them)."""
    arr = as_array(x, name)
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


def check_real_scalar(value, name: str) -> float:
    """Return ``value`` as a float; it must be a real, finite number (not a bool)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return value


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
    value = check_int(value, name)
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


def check_nonnegative_int(value, name: str) -> int:
    """Return ``value`` as an int; it must be an integer >= 0 (a seed, a count)."""
    value = check_int(value, name)
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    return value


def check_bool(value, name: str) -> bool:
    """Return ``value`` as a bool; it must be ``True`` or ``False`` (NumPy's too)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a bool, got {type(value).__name__}")
    return bool(value)


def check_choice(value, name: str, choices: tuple[str, ...]) -> str:
    """Return ``value``; it must be one of the strings ``choices``."""
    if not isinstance(value, str):
        raise TypeError(
            f"{name} must be a string, one of {', '.join(map(repr, choices))}; "
            f"got {type(value).__name__}"
        )
    if value not in choices:
        raise ValueError(
            f"{name}={value!r} is not one of {', '.join(map(repr, choices))}"
        )
    return value


def check_str(value, name: str) -> str:
    """Return ``value``; it must be a string."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    return value
