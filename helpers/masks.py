r"""Masks: the set filter :math:`M(x_q, S)` of which keys a query may see.

Every mask is a boolean array with ``True`` = "this key is visible to this
query" (the sense of a boolean ``attn_mask`` in PyTorch's
``scaled_dot_product_attention``; ``nn.MultiheadAttention`` uses the opposite
sense, ``True`` = hidden), shaped (m, n):
rows are queries, columns are keys. Attention with a mask is Nadaraya-Watson
smoothing over the visible subset only (Tsai et al. 2019):

.. math::  \hat v(x_q) = \sum_{x_k \in M(x_q, S)}
           \frac{\kappa(x_q, x_k)}{\sum_{x_{k'} \in M(x_q, S)} \kappa(x_q, x_{k'})}\, v(x_k).

Positions are 0-based: query i and key j.
"""

from __future__ import annotations

import numpy as np

from helpers._validate import (
    as_array,
    check_bool,
    check_int,
    check_nonnegative_int,
    check_positive_int,
)


def _size(n, name: str = "n") -> int:
    n = check_int(n, name)
    if n < 1:
        raise ValueError(
            f"{name} must be >= 1 (a sequence needs at least one position), got {n}"
        )
    return n


def from_predicate(predicate, m: int, n: int | None = None) -> np.ndarray:
    r"""Build a mask from a rule :math:`M(i, j)` on query position i and key position j.

    Parameters
    ----------
    predicate : callable
        Called once as ``predicate(i, j)`` with integer arrays of shape (m, 1)
        and (1, n); must return booleans broadcastable to (m, n).
    m : int
        Number of queries, >= 1.
    n : int, optional
        Number of keys, >= 1; defaults to ``m`` (self-attention).

    Returns
    -------
    ndarray of bool, shape (m, n)

    Examples
    --------
    >>> from_predicate(lambda i, j: j <= i, 3).astype(int).tolist()
    [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
    """
    if not callable(predicate):
        raise TypeError(f"predicate must be callable, got {type(predicate).__name__}")
    m = _size(m, "m")
    n = m if n is None else _size(n, "n")
    return _from_predicate(predicate, m, n)


def _from_predicate(predicate, m: int, n: int) -> np.ndarray:
    """The (m, n) mask of a callable rule, for validated sizes."""
    i = np.arange(m)[:, None]
    j = np.arange(n)[None, :]
    out = np.asarray(predicate(i, j))
    if out.dtype != np.bool_:
        raise TypeError(f"predicate must return booleans, got dtype {out.dtype}")
    try:
        return np.array(np.broadcast_to(out, (m, n)))
    except ValueError:
        raise ValueError(
            f"predicate returned shape {out.shape}, which does not broadcast to (m, n) = {(m, n)}"
        ) from None


def full(m: int, n: int | None = None) -> np.ndarray:
    """Every key visible to every query: encoder self-attention and encoder-decoder attention.

    Examples
    --------
    >>> full(2, 3).all()
    np.True_
    """
    m = _size(m, "m")
    n = m if n is None else _size(n, "n")
    return np.ones((m, n), dtype=bool)


def causal(n: int) -> np.ndarray:
    r"""Decoder self-attention: query i sees keys :math:`j \le i` (lower triangle with diagonal).

    Examples
    --------
    >>> causal(3).astype(int).tolist()
    [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
    """
    n = _size(n)
    return np.tri(n, dtype=bool)


def key_padding(lengths, n: int) -> np.ndarray:
    r"""Padding mask from sequence lengths: keys j < lengths[b] of sequence b are visible.

    Parameters
    ----------
    lengths : array_like of int, shape (B,)
        True length of each sequence of a padded batch, 1 <= length <= n.
    n : int
        Padded length (number of keys).

    Returns
    -------
    ndarray of bool, shape (B, 1, n)
        Broadcasts against scores of shape (B, m, n), or (B, H, m, n) after
        ``[:, None]``.

    Examples
    --------
    >>> key_padding([2, 3], 3).astype(int).tolist()
    [[[1, 1, 0]], [[1, 1, 1]]]
    """
    n = _size(n)
    arr = as_array(lengths, "lengths")
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(
            f"lengths must be a non-empty 1-D array (B,), got shape {arr.shape}"
        )
    if arr.dtype.kind not in "iu":
        raise TypeError(f"lengths must hold integers, got dtype {arr.dtype}")
    bad = (arr < 1) | (arr > n)
    if bad.any():
        b = int(np.argmax(bad))
        raise ValueError(
            f"lengths[{b}] = {int(arr[b])} is outside 1..n = {n}; every sequence needs at "
            "least one real token and cannot be longer than the padded length"
        )
    return (np.arange(n)[None, :] < arr[:, None])[:, None, :]


def sliding_window(n: int, window: int, causal: bool = False) -> np.ndarray:
    r"""Local attention: query i sees keys within ``window`` positions.

    Two-sided: :math:`|i - j| \le w`; causal: :math:`0 \le i - j \le w`
    (Beltagy et al. 2020).

    Examples
    --------
    >>> sliding_window(4, 1).astype(int).tolist()
    [[1, 1, 0, 0], [1, 1, 1, 0], [0, 1, 1, 1], [0, 0, 1, 1]]
    >>> sliding_window(3, 1, causal=True).astype(int).tolist()
    [[1, 0, 0], [1, 1, 0], [0, 1, 1]]
    """
    n = _size(n)
    window = check_nonnegative_int(window, "window")
    causal = check_bool(causal, "causal")
    return _sliding_window(n, window, causal)


def _sliding_window(n: int, window: int, causal: bool) -> np.ndarray:
    if causal:
        return _from_predicate(lambda i, j: (i - j >= 0) & (i - j <= window), n, n)
    return _from_predicate(lambda i, j: np.abs(i - j) <= window, n, n)


def strided(n: int, stride: int, causal: bool = True) -> np.ndarray:
    r"""Strided attention: query i sees keys j with :math:`(i - j) \bmod s = 0`.

    Together with a causal sliding window (Child et al. 2019 use
    :math:`0 \le i - j \le s`) this is the factorised pattern of the Sparse
    Transformer: every earlier key is reachable in two steps. With ``causal``
    (the default) only :math:`j \le i`.

    Examples
    --------
    >>> strided(5, 2).astype(int).tolist()
    [[1, 0, 0, 0, 0], [0, 1, 0, 0, 0], [1, 0, 1, 0, 0], [0, 1, 0, 1, 0], [1, 0, 1, 0, 1]]
    """
    n = _size(n)
    stride = check_positive_int(stride, "stride")
    causal = check_bool(causal, "causal")
    if causal:
        return _from_predicate(lambda i, j: (j <= i) & ((i - j) % stride == 0), n, n)
    return _from_predicate(lambda i, j: (i - j) % stride == 0, n, n)


def global_local(n: int, window: int, global_tokens) -> np.ndarray:
    r"""Longformer / BigBird pattern: a two-sided sliding window plus global tokens.

    Global positions g see every key, and every query sees them
    (Beltagy et al. 2020; Zaheer et al. 2020).

    Parameters
    ----------
    n : int
    window : int
        Half-width of the local window, >= 0.
    global_tokens : array_like of int
        Positions in 0..n-1 that are global (may be empty).

    Examples
    --------
    >>> global_local(4, 0, [0]).astype(int).tolist()
    [[1, 1, 1, 1], [1, 1, 0, 0], [1, 0, 1, 0], [1, 0, 0, 1]]
    """
    n = _size(n)
    window = check_nonnegative_int(window, "window")
    g = as_array(global_tokens, "global_tokens")
    if g.size and g.dtype.kind not in "iu":
        raise TypeError(f"global_tokens must hold integers, got dtype {g.dtype}")
    g = g.astype(int).ravel()
    bad = (g < 0) | (g >= n)
    if bad.any():
        raise ValueError(
            f"global_tokens holds position {int(g[np.argmax(bad)])}, outside 0..{n - 1}"
        )
    mask = _sliding_window(n, window, causal=False)
    mask[g, :] = True
    mask[:, g] = True
    return mask


def random(n: int, n_random: int, seed: int = 0, m: int | None = None) -> np.ndarray:
    r"""Random attention: each query sees ``n_random`` keys drawn without replacement.

    The random part of BigBird (Zaheer et al. 2020); seeded, so the same
    arguments give the same mask. Every row has exactly ``n_random`` visible
    keys, so no query is left with an empty set.

    Parameters
    ----------
    n : int
        Number of keys.
    n_random : int
        Keys per query, 1 <= n_random <= n.
    seed : int, default 0
    m : int, optional
        Number of queries; defaults to ``n``.

    Examples
    --------
    >>> random(6, 2, seed=1).sum(axis=1).tolist()
    [2, 2, 2, 2, 2, 2]
    """
    n = _size(n)
    m = n if m is None else _size(m, "m")
    n_random = check_positive_int(n_random, "n_random", maximum=n, maximum_name="n")
    seed = check_nonnegative_int(seed, "seed")
    rng = np.random.default_rng(seed)
    keys = np.argsort(rng.random((m, n)), axis=1)[:, :n_random]
    mask = np.zeros((m, n), dtype=bool)
    np.put_along_axis(mask, keys, True, axis=1)
    return mask
