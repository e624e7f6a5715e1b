r"""Scaled dot-product attention, and the kernel view of it.

.. math::  \operatorname{Attention}(Q, K, V) = \operatorname{softmax}\Bigl(
           \frac{Q K^\top}{\sqrt{d_k}}\Bigr) V

with a boolean mask (``True`` = this key is visible to this query, as a
boolean ``attn_mask`` in PyTorch) that removes keys from each query's softmax.
Row i of the (m, n) weight matrix is the Nadaraya-Watson weight vector of
query i under the kernel :math:`\kappa(q, k) = \exp(q^\top k / \sqrt{d_k})`
restricted to the visible keys :math:`M(x_q, S)` (Tsai et al. 2019).

Shapes: ``Q`` (..., m, d_k), ``K`` (..., n, d_k), ``V`` (..., n, d_v), ``mask``
broadcastable to (..., m, n); leading batch and head dimensions broadcast.
"""

from __future__ import annotations

import numpy as np

from helpers._validate import (
    as_array,
    as_real_array,
    check_finite,
    check_positive_scalar,
)
from helpers.kernels import as_log_kernel


def _as_float_array(arr, name: str, min_ndim: int = 0) -> np.ndarray:
    """Real numbers as float64 (ragged, non-numeric input named); NaN is checked later."""
    return as_real_array(arr, name, min_ndim=min_ndim, allow_empty=True, finite=False)


def _as_mask(mask, shape: tuple) -> np.ndarray:
    """A boolean mask broadcast together with scores of ``shape``.

    Leading (batch) dimensions may grow, e.g. a key-padding mask (B, 1, n)
    with scores (m, n); the trailing (m, n) must broadcast.
    """
    arr = as_array(mask, "mask")
    if arr.dtype != np.bool_:
        raise TypeError(
            f"mask must be a boolean array (True = visible), got dtype {arr.dtype}; "
            "additive float masks are not accepted, use -inf scores or a boolean mask"
        )
    try:
        return np.broadcast_to(arr, np.broadcast_shapes(arr.shape, shape))
    except ValueError:
        raise ValueError(
            f"mask of shape {arr.shape} cannot be broadcast to the scores' shape {shape}"
        ) from None


def _empty_rows_error(empty: np.ndarray, axis_len: int) -> ValueError:
    idx = [tuple(int(i) for i in row) for row in np.argwhere(empty)[:10]]
    shown = [i[0] if len(i) == 1 else i for i in idx]
    where = (
        ""
        if empty.ndim == 1
        else " (indices: leading batch/head dimensions, then the query)"
    )
    more = "" if empty.sum() <= 10 else f" and {int(empty.sum()) - 10} more"
    return ValueError(
        f"query rows {shown}{more}{where} see no key: every one of their {axis_len} keys is masked "
        "(or has score -inf), so their weighted average is an empty sum 0/0. "
        "Give every query at least one visible key"
    )


def softmax(scores, mask=None, axis: int = -1) -> np.ndarray:
    r"""Numerically stable softmax, :math:`e^{s_j - \max s} / \sum_{j'} e^{s_{j'} - \max s}`.

    Entries where ``mask`` is False (and scores equal to ``-inf``) get weight
    exactly 0. Subtracting the maximum of the visible scores first keeps every
    step finite for scores anywhere in [-1e300, 1e300]; large scores give
    hard (argmax) weights.

    Parameters
    ----------
    scores : array_like
        Real scores (logits). ``-inf`` means "not visible"; NaN and ``+inf``
        are errors.
    mask : array_like of bool, optional
        Broadcastable to ``scores``; ``True`` = visible.
    axis : int, default -1
        The axis that is normalised (the keys).

    Returns
    -------
    ndarray, same shape as ``scores`` (after broadcasting with ``mask``)
        Non-negative, summing to 1 along ``axis``.

    Raises
    ------
    ValueError
        If a row has no visible entry (its softmax is 0/0), or for NaN/+inf
        scores.

    Examples
    --------
    >>> softmax([1e300, 0.0, -1e300]).tolist()
    [1.0, 0.0, 0.0]
    >>> softmax([0.0, 0.0, 5.0], mask=[True, True, False]).tolist()
    [0.5, 0.5, 0.0]
    """
    s = _as_float_array(scores, "scores", min_ndim=1)
    if np.isnan(s).any() or np.isposinf(s).any():
        raise ValueError(
            "scores contains NaN or +inf; only finite scores or -inf are allowed"
        )
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"axis must be an integer, got {type(axis).__name__}")
    if not -s.ndim <= axis < s.ndim:
        raise ValueError(
            f"axis={axis} is out of range for scores with {s.ndim} dimensions"
        )
    visible = None if mask is None else _as_mask(mask, s.shape)
    return _softmax(s, visible, axis)


def _softmax(s: np.ndarray, visible, axis: int = -1) -> np.ndarray:
    """Softmax of validated scores over ``axis``, hidden entries (``visible`` False) 0."""
    if visible is not None:
        s = np.where(visible, s, -np.inf)
    if s.shape[axis] == 0:
        raise ValueError("scores has no key along axis: the key set is empty")
    row_max = s.max(axis=axis, keepdims=True)
    empty = np.isneginf(row_max)
    if empty.any():
        raise _empty_rows_error(np.squeeze(empty, axis=axis), s.shape[axis])
    with np.errstate(over="ignore", under="ignore"):
        e = np.exp(s - row_max)
    return e / e.sum(axis=axis, keepdims=True)


def _check_matching_shapes(q: np.ndarray, k: np.ndarray, v=None) -> None:
    """Queries and keys share d_k (last axis); keys and values share n (axis -2)."""
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(
            f"Q has d_k={q.shape[-1]} features but K has {k.shape[-1]}; "
            "queries and keys must have the same dimension d_k"
        )
    if v is not None and v.shape[-2] != k.shape[-2]:
        raise ValueError(
            f"K has n={k.shape[-2]} keys but V has {v.shape[-2]} values; "
            "every key needs exactly one value"
        )


def _check_qkv(Q, K, V=None):
    q = _as_float_array(Q, "Q", min_ndim=2)
    k = _as_float_array(K, "K", min_ndim=2)
    for arr, name in ((q, "Q"), (k, "K")):
        check_finite(arr, name)
    _check_matching_shapes(q, k)
    if q.shape[-1] == 0:
        raise ValueError("Q and K have d_k = 0 features")
    if k.shape[-2] == 0:
        raise ValueError("K is empty: the key set has n = 0 keys")
    if q.shape[-2] == 0:
        raise ValueError("Q is empty: there are m = 0 queries")
    try:
        np.broadcast_shapes(q.shape[:-2], k.shape[:-2])
    except ValueError:
        raise ValueError(
            f"leading (batch, head) dimensions of Q {q.shape[:-2]} and K {k.shape[:-2]} "
            "do not broadcast"
        ) from None
    if V is None:
        return q, k, None
    v = _as_float_array(V, "V", min_ndim=2)
    check_finite(v, "V")
    _check_matching_shapes(q, k, v)
    try:
        np.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    except ValueError:
        raise ValueError(
            f"leading (batch, head) dimensions of Q {q.shape[:-2]}, K {k.shape[:-2]} and "
            f"V {v.shape[:-2]} do not broadcast"
        ) from None
    return q, k, v


def attention_scores(Q, K) -> np.ndarray:
    r"""Scaled dot-product scores :math:`Q K^\top / \sqrt{d_k}`, shape (..., m, n).

    Parameters
    ----------
    Q : array_like of shape (..., m, d_k)
    K : array_like of shape (..., n, d_k)

    Returns
    -------
    ndarray of shape (..., m, n)

    Examples
    --------
    >>> attention_scores([[1.0, 1.0]], [[2.0, 0.0], [0.0, 0.0]]).round(4).tolist()
    [[1.4142, 0.0]]
    """
    q, k, _ = _check_qkv(Q, K)
    return _scores(q, k)


def _scores(q: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Scaled dot products of validated queries and keys."""
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    check_finite(scores, "scores QK^T/sqrt(d_k) (overflow)")
    return scores


def attention_weights(Q, K, mask=None) -> np.ndarray:
    r"""Attention weights :math:`\operatorname{softmax}(Q K^\top / \sqrt{d_k})`.

    .. math::  A_{ij} = \frac{\exp(q_i^\top k_j / \sqrt{d_k})\,\mathbf 1\{M_{ij}\}}
               {\sum_{j'} \exp(q_i^\top k_{j'} / \sqrt{d_k})\,\mathbf 1\{M_{ij'}\}}

    Parameters
    ----------
    Q : array_like of shape (..., m, d_k)
        Queries, one per row.
    K : array_like of shape (..., n, d_k)
        Keys, one per row.
    mask : array_like of bool, optional
        Broadcastable to (..., m, n); ``True`` = key j is visible to query i.

    Returns
    -------
    ndarray of shape (..., m, n)
        Rows are queries, columns keys; every row sums to 1 and masked
        entries are exactly 0.

    Raises
    ------
    ValueError
        If a query sees no key, d_k of Q and K differ, the mask does not
        broadcast, or the input holds NaN or inf.

    Examples
    --------
    >>> attention_weights([[0.0, 0.0]], [[1.0, 0.0], [0.0, 1.0]]).tolist()
    [[0.5, 0.5]]
    """
    q, k, _ = _check_qkv(Q, K)
    scores = _scores(q, k)
    visible = None if mask is None else _as_mask(mask, scores.shape)
    return _softmax(scores, visible)


def scaled_dot_product_attention(Q, K, V, mask=None) -> np.ndarray:
    r"""Scaled dot-product attention (Vaswani et al. 2017).

    .. math::  \operatorname{Attention}(Q, K, V) =
               \operatorname{softmax}\Bigl(\frac{Q K^\top}{\sqrt{d_k}}\Bigr) V

    The semantics of PyTorch's ``scaled_dot_product_attention`` with a
    boolean ``attn_mask`` (``True`` = visible), except for a query that sees
    no key: its weighted average is an empty sum 0/0, and here it is an
    error (``torch.softmax`` gives a row of NaN for it, and recent PyTorch
    attention silently returns zeros).

    Parameters
    ----------
    Q : array_like of shape (..., m, d_k)
    K : array_like of shape (..., n, d_k)
    V : array_like of shape (..., n, d_v)
    mask : array_like of bool, optional
        Broadcastable to (..., m, n); ``True`` = visible.

    Returns
    -------
    ndarray of shape (..., m, d_v)

    Examples
    --------
    >>> Q = [[0.0, 0.0]]; K = [[1.0, 0.0], [0.0, 1.0]]; V = [[1.0], [3.0]]
    >>> scaled_dot_product_attention(Q, K, V).tolist()
    [[2.0]]
    """
    q, k, v = _check_qkv(Q, K, V)
    scores = _scores(q, k)
    visible = None if mask is None else _as_mask(mask, scores.shape)
    return _softmax(scores, visible) @ v


def attention_log_kernel(W_q, W_k, temperature=None):
    r"""The kernel of attention, as a log-kernel that Nadaraya-Watson accepts.

    .. math::  \log \kappa(x_q, x_k) = \frac{\langle x_q W_q,\; x_k W_k \rangle}{\tau},
               \qquad \tau = \sqrt{d_k} \text{ by default},

    so that, with values :math:`v(x_k) = x_k W_v`,
    ``helpers.smoothers.nadaraya_watson(X_k, X_k @ W_v, X_q, bandwidth=1.0,
    kernel=attention_log_kernel(W_q, W_k))`` equals
    ``scaled_dot_product_attention(X_q @ W_q, X_k @ W_k, X_k @ W_v)``. It
    returns log-values, so the weights are normalised in log space and never
    overflow.

    **Temperature and bandwidth.** The smoother calls the kernel on
    :math:`x_q / h` and :math:`x_k / h`, so with ``bandwidth=h`` the scores are
    :math:`q^\top k / (\tau h^2)` (with :math:`q = x_q W_q`, :math:`k = x_k W_k`):
    the effective temperature is :math:`\tau h^2`. A temperature is a Gaussian
    bandwidth only when all keys have one norm. In general

    .. math::  \frac{q^\top k}{\tau} = -\frac{\lVert q - k \rVert^2}{2\tau}
               + \frac{\lVert k \rVert^2}{2\tau} + \frac{\lVert q \rVert^2}{2\tau}:

    the last term is the same for every key and cancels in the softmax, the
    first is a Gaussian kernel of bandwidth :math:`\sqrt{\tau}` in the
    projected space, and the middle one is a per-key prior weight
    :math:`e^{\lVert k \rVert^2 / (2\tau)}`. So
    :math:`\operatorname{softmax}(q^\top k/\tau)` is Gaussian Nadaraya-Watson
    with :math:`h^2 = \tau` weighted by that prior, and equals plain Gaussian NW
    exactly when :math:`\lVert k \rVert` is the same for all keys. Changing
    :math:`\tau` changes both the bandwidth and the prior; and since
    :math:`q^\top k / \tau = (\lVert q \rVert / \tau)\, \hat q^\top k`, the
    query's norm acts as a per-row inverse temperature.

    Parameters
    ----------
    W_q : array_like of shape (d, d_k)
        Query projection.
    W_k : array_like of shape (d, d_k)
        Key projection.
    temperature : float, optional
        :math:`\tau > 0`, dividing the raw dot product; ``None`` (the default)
        means :math:`\tau = \sqrt{d_k}`, standard scaled dot-product attention.

    Returns
    -------
    callable
        ``kernel(x_query, x_train) -> (m, n)`` log-kernel values, marked with
        ``is_log_kernel = True``.

    Examples
    --------
    >>> kern = attention_log_kernel([[1.0]], [[1.0]])
    >>> kern(np.array([[2.0]]), np.array([[3.0]])).tolist()
    [[6.0]]
    >>> attention_log_kernel([[1.0]], [[1.0]], temperature=4.0)(
    ...     np.array([[2.0]]), np.array([[3.0]])).tolist()
    [[1.5]]
    """
    wq = _as_float_array(W_q, "W_q")
    wk = _as_float_array(W_k, "W_k")
    for arr, name in ((wq, "W_q"), (wk, "W_k")):
        if arr.ndim != 2 or arr.size == 0:
            raise ValueError(
                f"{name} must be a non-empty 2-D (d, d_k) matrix, got shape {arr.shape}"
            )
        check_finite(arr, name)
    if wq.shape != wk.shape:
        raise ValueError(
            f"W_q has shape {wq.shape} but W_k has {wk.shape}; both map d inputs to d_k features"
        )
    if temperature is None:
        tau = float(np.sqrt(wq.shape[1]))
    else:
        tau = check_positive_scalar(temperature, "temperature")

    def attention_kernel(x_query, x_train):
        x_query = np.asarray(x_query, dtype=float)
        x_train = np.asarray(x_train, dtype=float)
        if x_query.shape[-1] != wq.shape[0] or x_train.shape[-1] != wk.shape[0]:
            raise ValueError(
                f"inputs have {x_query.shape[-1]} and {x_train.shape[-1]} features but "
                f"W_q and W_k expect d = {wq.shape[0]}"
            )
        return (x_query @ wq) @ (x_train @ wk).T / tau

    return as_log_kernel(attention_kernel)
