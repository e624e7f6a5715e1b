r"""Streaming softmax: attention and Nadaraya-Watson in one pass over blocks of keys.

Attention and Nadaraya-Watson are the ratio of two sums over the keys,

.. math::  \hat v(x_q) = \frac{\sum_j \kappa(x_q, x_j)\, v_j}{\sum_j \kappa(x_q, x_j)},
           \qquad \kappa = e^{s}, \; s = \log \kappa,

and both sums can be accumulated one block of keys at a time (the online
softmax of Milakov & Gimelshein 2018, the core of FlashAttention, Dao et al.
2022). Per query, keep a running maximum :math:`\mu` of the log-weights seen
so far, the running sum :math:`\ell = \sum_j e^{s_j - \mu}` and the running
output :math:`o = \sum_j e^{s_j - \mu} v_j`. For a new block with scores
:math:`s`:

.. math::  \mu' = \max(\mu, \max_j s_j), \quad \alpha = e^{\mu - \mu'}, \quad
           p_j = e^{s_j - \mu'},

.. math::  \ell \leftarrow \alpha \ell + \sum_j p_j, \quad
           o \leftarrow \alpha o + \sum_j p_j v_j,

and the answer is :math:`o / \ell`. A query that has seen no visible key yet
has :math:`\mu = -\infty`; it is guarded (its shift is 0, so hidden keys get
:math:`e^{-\infty} = 0` and nothing becomes NaN). Queries are tiled too, so the
largest temporary is one (query block × key block) tile: memory is
:math:`O((m + b)\, d)` for the state and the current blocks plus one
:math:`b \times b` tile, never the :math:`m \times n` matrix. Tiles that the
mask hides entirely are skipped without computing their scores.
"""

from __future__ import annotations

import numpy as np

from helpers._validate import (
    as_array,
    as_real_array,
    as_targets,
    check_bool,
    check_positive_int,
    check_positive_scalar,
)
from helpers.attention import _check_matching_shapes, _empty_rows_error
from helpers.kernels import _pairwise_distances, check_kernel
from helpers.smoothers import _empty_window_error, _nw_log_kernel, _points_pair


def _check_blocks(block_size, query_block_size) -> tuple[int, int]:
    """Keys and queries per tile: positive integers; queries default to ``block_size``."""
    block_k = check_positive_int(block_size, "block_size")
    if query_block_size is None:
        return block_k, block_k
    return block_k, check_positive_int(query_block_size, "query_block_size")


def _check_mask(mask, m: int, n: int):
    """``None``, a boolean array broadcast to (m, n), or a callable rule ``mask(i, j)``."""
    if mask is None or callable(mask):
        return mask
    arr = as_array(mask, "mask")
    if arr.dtype != np.bool_:
        raise TypeError(
            f"mask must be a boolean array (True = visible) or a callable mask(i, j), "
            f"got dtype {arr.dtype}"
        )
    try:
        return np.broadcast_to(arr, (m, n))
    except ValueError:
        raise ValueError(
            f"mask of shape {arr.shape} cannot be broadcast to (m, n) = {(m, n)}"
        ) from None


def _tile_visibility(mask, causal: bool, rows: slice, cols: slice):
    """Visibility of one tile: ``None`` (all visible), ``False`` (all hidden) or a bool array."""
    visible = None
    if causal:
        if cols.start > rows.stop - 1:
            return False
        if cols.stop - 1 > rows.start:
            visible = (
                np.arange(cols.start, cols.stop)[None, :]
                <= np.arange(rows.start, rows.stop)[:, None]
            )
    if mask is not None:
        if callable(mask):
            tile = np.asarray(
                mask(
                    np.arange(rows.start, rows.stop)[:, None],
                    np.arange(cols.start, cols.stop)[None, :],
                )
            )
            if tile.dtype != np.bool_:
                raise TypeError(f"mask(i, j) must return booleans, got {tile.dtype}")
            tile = np.broadcast_to(
                tile, (rows.stop - rows.start, cols.stop - cols.start)
            )
        else:
            tile = mask[rows, cols]
        if visible is not None:
            tile = tile & visible
        if not tile.any():
            return False
        visible = None if tile.all() else tile
    return visible


class _OnlineSoftmax:
    """Running max, sum and output of m queries (the state of the one pass)."""

    def __init__(self, m: int, d_v: int):
        self.mu = np.full(m, -np.inf)
        self.ell = np.zeros(m)
        self.out = np.zeros((m, d_v))

    def update(self, rows: slice, s: np.ndarray, v: np.ndarray) -> None:
        """Fold one tile of log-weights ``s`` (``-inf`` = hidden) and its values in."""
        mu_old = self.mu[rows]
        mu_new = np.maximum(mu_old, s.max(axis=1))
        # rows with no visible key yet keep mu = -inf; shift them by 0 instead
        shift = np.where(np.isneginf(mu_new), 0.0, mu_new)
        self.fold(rows, np.exp(mu_old - shift), np.exp(s - shift[:, None]), v)
        self.mu[rows] = mu_new

    def fold(
        self, rows: slice, alpha: np.ndarray, p: np.ndarray, v: np.ndarray
    ) -> None:
        """Rescale the running sums by ``alpha`` and add the weights ``p`` of values ``v``."""
        self.ell[rows] = alpha * self.ell[rows] + p.sum(axis=1)
        self.out[rows] = alpha[:, None] * self.out[rows] + p @ v

    def result(self) -> tuple[np.ndarray, np.ndarray]:
        """The outputs o / l, and which rows (a boolean per row) saw no key."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return self.out / self.ell[:, None], self.ell == 0.0


def _blocks(n: int, size: int):
    return [slice(start, min(start + size, n)) for start in range(0, n, size)]


def streaming_attention(
    Q,
    K,
    V,
    block_size: int,
    mask=None,
    causal: bool = False,
    *,
    query_block_size: int | None = None,
    return_stats: bool = False,
):
    r"""Scaled dot-product attention in one pass over blocks of keys (online softmax).

    .. math::  \operatorname{softmax}\Bigl(\frac{QK^\top}{\sqrt{d_k}}\Bigr)V,

    accumulated block by block:

    .. math::  \mu' = \max(\mu, \max_j s_j), \quad
               \ell \leftarrow e^{\mu-\mu'}\ell + \textstyle\sum_j e^{s_j-\mu'}, \quad
               o \leftarrow e^{\mu-\mu'}o + \textstyle\sum_j e^{s_j-\mu'} v_j,

    and the answer is :math:`o/\ell` (Milakov & Gimelshein 2018; Dao et al.
    2022). Equal to :func:`helpers.attention.scaled_dot_product_attention`
    up to rounding, without ever storing the (m, n) score matrix: the largest
    temporary is one (query block × key block) tile, so memory is
    O((m + block_size) · d) plus one tile. Tiles that the mask (or the causal
    rule) hides entirely are skipped.

    Parameters
    ----------
    Q : array_like of shape (m, d_k)
    K : array_like of shape (n, d_k)
    V : array_like of shape (n, d_v)
    block_size : int
        Keys per block, >= 1 (a block larger than n is one block).
    mask : array_like of bool or callable, optional
        ``True`` = visible. Either an array broadcastable to (m, n) or, to
        avoid storing even the mask, a rule ``mask(i, j)`` called on integer
        arrays of shape (b_q, 1) and (1, b_k) (query and key positions) that
        returns booleans, as in :func:`helpers.masks.from_predicate`.
    causal : bool, default False
        Query i sees keys j <= i (combined with ``mask`` by "and").
    query_block_size : int, optional
        Queries per tile; defaults to ``block_size``.
    return_stats : bool, default False
        Also return a dict with ``"tiles"`` (the number of query-block ×
        key-block tiles), ``"skipped"`` (tiles hidden entirely, never
        computed) and ``"computed"``.

    Returns
    -------
    ndarray of shape (m, d_v), or (ndarray, dict) with ``return_stats=True``

    Raises
    ------
    ValueError
        If a query sees no key (the same error as the dense helpers), or for
        bad input; ``TypeError`` for a block size that is not an integer.

    Examples
    --------
    >>> Q = [[0.0, 0.0]]; K = [[1.0, 0.0], [0.0, 1.0]]; V = [[1.0], [3.0]]
    >>> streaming_attention(Q, K, V, block_size=1).tolist()
    [[2.0]]
    """
    q = as_real_array(Q, "Q", ndim=2, shape="(m, d_k)")
    k = as_real_array(K, "K", ndim=2, shape="(n, d_k)")
    v = as_real_array(V, "V", ndim=2, shape="(n, d_v)")
    _check_matching_shapes(q, k, v)
    block_k, block_q = _check_blocks(block_size, query_block_size)
    causal = check_bool(causal, "causal")
    return_stats = check_bool(return_stats, "return_stats")
    m, n = q.shape[0], k.shape[0]
    mask = _check_mask(mask, m, n)
    out, stats = _streaming_attention(q, k, v, block_q, block_k, mask, causal)
    return (out, stats) if return_stats else out


def _streaming_attention(q, k, v, block_q, block_k, mask, causal):
    """The one pass over key blocks, for validated input."""
    m, n = q.shape[0], k.shape[0]
    q = q / np.sqrt(q.shape[1])
    state = _OnlineSoftmax(m, v.shape[1])
    row_blocks = _blocks(m, block_q)
    tiles = skipped = 0
    with np.errstate(over="ignore", under="ignore"):
        for cols in _blocks(n, block_k):
            k_blk, v_blk = k[cols], v[cols]
            for rows in row_blocks:
                tiles += 1
                visible = _tile_visibility(mask, causal, rows, cols)
                if visible is False:
                    skipped += 1
                    continue
                s = q[rows] @ k_blk.T
                if visible is not None:
                    s = np.where(visible, s, -np.inf)
                state.update(rows, s, v_blk)
    out, empty = state.result()
    if empty.any():
        raise _empty_rows_error(empty, n)
    stats = {"tiles": tiles, "skipped": skipped, "computed": tiles - skipped}
    return out, stats


def streaming_nadaraya_watson(
    x_train,
    y_train,
    x_query,
    bandwidth: float,
    kernel="gaussian",
    block_size: int = 1024,
    *,
    query_block_size: int | None = None,
):
    r"""Nadaraya-Watson regression in one pass over blocks of training points.

    .. math::  \hat m_h(x_q) = \frac{\sum_i K(\lVert x_q - x_i\rVert/h)\, y_i}
               {\sum_i K(\lVert x_q - x_i\rVert/h)},

    both sums accumulated block by block with a running maximum log-weight
    (see the module docstring), so memory is O((m + block_size) · d) plus one
    tile, never O(m · n). Equal to :func:`helpers.smoothers.nadaraya_watson`
    up to rounding. For the Gaussian the running maximum is the running
    nearest distance :math:`d_\ast` and the log-weights are computed as
    :math:`-\tfrac12 \frac{d - d_\ast}{h}\frac{d + d_\ast}{h}`, as the dense
    helper does, so h = 1e-8 gives the 1-nearest-neighbour fit and h = 1e8
    the mean, exactly.

    Parameters
    ----------
    x_train : array_like of shape (n,) or (n, d)
    y_train : array_like of shape (n,) or (n, d_y)
    x_query : array_like of shape (m,) or (m, d)
    bandwidth : float
        h > 0.
    kernel : str or callable, default "gaussian"
        As in :func:`helpers.smoothers.nw_weights`; a callable is called on
        one tile at a time, ``kernel(x_query_block / h, x_train_block / h)``.
    block_size : int, default 1024
        Training points per block, >= 1.
    query_block_size : int, optional
        Queries per tile; defaults to ``block_size``.

    Returns
    -------
    ndarray of shape (m,) or (m, d_y)

    Raises
    ------
    ValueError
        If a query has no training point with positive kernel weight (the
        same error as :func:`helpers.smoothers.nadaraya_watson`), or for bad
        input.

    Examples
    --------
    >>> streaming_nadaraya_watson([0.0, 1.0], [0.0, 1.0], [0.5], 1.0, block_size=1).tolist()
    [0.5]
    """
    x, xq = _points_pair(x_train, x_query)
    y = as_targets(y_train, "y_train", x.shape[0], "x_train")
    h = check_positive_scalar(bandwidth, "bandwidth")
    kernel = check_kernel(kernel)
    block_k, block_q = _check_blocks(block_size, query_block_size)
    out = _streaming_nw(x, y.reshape(x.shape[0], -1), xq, h, kernel, block_q, block_k)
    return out[:, 0] if y.ndim == 1 else out


def _streaming_nw(x, y, xq, h, kernel, block_q, block_k):
    """The one pass over training blocks, for validated input."""
    m = xq.shape[0]
    state = _OnlineSoftmax(m, y.shape[1])
    # Gaussian: the running nearest distance plays the running maximum
    d_near = np.full(m, np.inf)
    row_blocks = _blocks(m, block_q)
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        for cols in _blocks(x.shape[0], block_k):
            x_blk, y_blk = x[cols], y[cols]
            for rows in row_blocks:
                if kernel == "gaussian":
                    dist = _pairwise_distances(xq[rows], x_blk)
                    d_old = d_near[rows]
                    d_new = np.minimum(d_old, dist.min(axis=1))
                    alpha = np.exp(-0.5 * ((d_old - d_new) / h) * ((d_old + d_new) / h))
                    alpha[np.isinf(d_old)] = 0.0
                    gap = (dist - d_new[:, None]) / h
                    p = np.exp(-0.5 * gap * ((dist + d_new[:, None]) / h))
                    p[gap == 0.0] = 1.0
                    state.fold(rows, alpha, p, y_blk)
                    d_near[rows] = d_new
                else:
                    s = _nw_log_kernel(x_blk, xq[rows], h, kernel)
                    state.update(rows, s, y_blk)
    out, empty = state.result()
    if empty.any():
        raise _empty_window_error(np.flatnonzero(empty), h, kernel)
    return out
