r"""Linear attention: a finite feature map turns the kernel smoother linear in n.

Attention is Nadaraya-Watson with the kernel :math:`\kappa(q, k) = e^{q^\top k}`.
If a kernel is a dot product of finite, non-negative features,
:math:`\kappa(q, k) = \varphi(q)^\top \varphi(k)` with :math:`\varphi: \mathbb R^d
\to \mathbb R^r`, the sums can be reordered,

.. math::  \hat v(q_i) = \frac{\sum_j \varphi(q_i)^\top \varphi(k_j)\, v_j^\top}
                              {\sum_j \varphi(q_i)^\top \varphi(k_j)}
           = \frac{\varphi(q_i)^\top \bigl(\varphi(K)^\top V\bigr)}
                  {\varphi(q_i)^\top \bigl(\varphi(K)^\top \mathbf 1\bigr)},

so the (m, n) matrix is never formed: the cost is O((m + n)·r·d_v) instead of
O(m·n·d) (Katharopoulos et al. 2020). The causal form is a recurrence, an RNN
with state :math:`S_t = S_{t-1} + \varphi(k_t) v_t^\top`,
:math:`z_t = z_{t-1} + \varphi(k_t)`.

Feature maps here: :func:`elu_feature_map`, :math:`\operatorname{elu}(x) + 1`
(Katharopoulos et al. 2020), and :func:`positive_random_features`, the
Performer's unbiased positive features of :math:`e^{q^\top k}` (Choromanski
et al. 2021).
"""

from __future__ import annotations

import numpy as np

from helpers._validate import (
    as_real_array,
    check_bool,
    check_choice,
    check_nonnegative_int,
    check_positive_int,
)
from helpers.attention import _check_matching_shapes

CAUSAL_METHODS = ("recurrence", "cumsum")
"""How :func:`linear_attention` computes the causal form."""


def elu_feature_map(x) -> np.ndarray:
    r"""The feature map :math:`\varphi(x) = \operatorname{elu}(x) + 1` (Katharopoulos et al. 2020).

    .. math::  \varphi(x)_i = \begin{cases} x_i + 1 & x_i > 0 \\ e^{x_i} & x_i \le 0
               \end{cases}

    Applied entry by entry; every feature is positive (down to underflow at
    :math:`x_i < -745`), so the linear-attention normaliser is positive.

    Parameters
    ----------
    x : array_like of shape (..., d)

    Returns
    -------
    ndarray, same shape as ``x``

    Examples
    --------
    >>> elu_feature_map([-1.0, 0.0, 2.0]).round(4).tolist()
    [0.3679, 1.0, 3.0]
    """
    x = as_real_array(x, "x", min_ndim=1)
    return np.where(x > 0, x + 1.0, np.exp(np.minimum(x, 0.0)))


def _random_directions(d: int, n_features: int, seed: int, orthogonal: bool):
    """The (n_features, d) matrix W of :func:`positive_random_features`."""
    rng = np.random.default_rng(seed)
    if not orthogonal:
        return rng.standard_normal((n_features, d))
    blocks = []
    for _ in range(-(-n_features // d)):
        q, r = np.linalg.qr(rng.standard_normal((d, d)))
        # sign fix: Haar-distributed rows (QR alone is not uniform)
        q = q * np.sign(np.diag(r))
        norms = np.linalg.norm(rng.standard_normal((d, d)), axis=1)
        blocks.append(q.T * norms[:, None])
    return np.concatenate(blocks)[:n_features]


def positive_random_features(
    x, n_features: int, seed: int, orthogonal: bool = False
) -> np.ndarray:
    r"""Positive random features of the softmax kernel :math:`e^{q^\top k}` (Performer, FAVOR+).

    .. math::  \varphi(x) = \frac{1}{\sqrt r}\, e^{-\lVert x \rVert^2 / 2}
               \bigl[e^{w_1^\top x}, \dots, e^{w_r^\top x}\bigr], \qquad
               w_i \sim \mathcal N(0, I_d),

    so that :math:`\mathbb E[\varphi(q)^\top \varphi(k)] = e^{q^\top k}`
    exactly (Choromanski et al. 2021), every feature is positive, and the
    variance of the estimate is
    :math:`e^{2 q^\top k}\bigl(e^{\lVert q + k \rVert^2} - 1\bigr) / r`: its
    relative error shrinks like :math:`1/\sqrt r` and vanishes where the
    kernel is small. For the scaled kernel :math:`e^{q^\top k/\sqrt{d}}` of
    attention, pass :math:`x / d^{1/4}` for both queries and keys.

    **The same W for queries and keys.** The estimate is unbiased only when
    queries and keys use the *same* directions :math:`w_i`. There is no hidden
    state: W is drawn from ``np.random.default_rng(seed)`` and depends only
    on (``seed``, d, ``n_features``, ``orthogonal``), so two calls with the
    same seed (and the same d) give the same W. ``seed`` has no default, so a
    call cannot silently draw fresh directions. The idiom is one feature map
    for both, ``phi = lambda x: positive_random_features(x, 256, seed=0)``,
    passed to :func:`linear_attention`, which applies it to Q and to K. The
    i.i.d. W of ``n_features = r`` is the first r rows of the one for a larger
    r with the same seed.

    Parameters
    ----------
    x : array_like of shape (..., d)
        Points, one per row (the last axis is the feature axis).
    n_features : int
        r >= 1, the number of random features.
    seed : int
        >= 0; fixes W (see above).
    orthogonal : bool, default False
        Draw the directions in blocks of d mutually orthogonal rows (the QR
        factor of a Gaussian matrix, sign-fixed so it is Haar distributed),
        each row rescaled by an independent chi(d)-distributed length (the
        norm of a fresh :math:`\mathcal N(0, I_d)` vector), so each
        :math:`w_i` is still :math:`\mathcal N(0, I_d)` (the estimate stays
        unbiased) but within a block they are exactly orthogonal, which
        lowers the variance (Choromanski et al. 2021). r need not be a
        multiple of d: the last block is cut.

    Returns
    -------
    ndarray of shape (..., n_features)
        Positive features.

    Examples
    --------
    >>> q = np.array([[0.3, -0.2]]); k = np.array([[0.1, 0.4]])
    >>> phi = lambda x: positive_random_features(x, 20000, seed=0)
    >>> bool(abs((phi(q) @ phi(k).T)[0, 0] / np.exp(q @ k.T)[0, 0] - 1) < 0.03)
    True
    """
    x = as_real_array(x, "x", min_ndim=1)
    r = check_positive_int(n_features, "n_features")
    seed = check_nonnegative_int(seed, "seed")
    orthogonal = check_bool(orthogonal, "orthogonal")
    w = _random_directions(x.shape[-1], r, seed, orthogonal)
    with np.errstate(over="ignore", invalid="ignore"):
        exponent = x @ w.T - 0.5 * np.sum(x * x, axis=-1, keepdims=True)
    if not np.isfinite(exponent).all():
        raise ValueError(
            "x is too large: w·x - |x|^2/2 overflows; scale the inputs down"
        )
    with np.errstate(under="ignore"):
        return np.exp(exponent) / np.sqrt(r)


def _features(feature_map, x: np.ndarray, name: str) -> np.ndarray:
    """``feature_map(x)`` checked: 2-D (rows of x, r), real, finite, non-negative."""
    out = np.asarray(feature_map(x))
    if out.dtype.kind not in "iuf":
        raise TypeError(
            f"feature_map returned dtype {out.dtype} for {name}, not real numbers"
        )
    if out.ndim != 2 or out.shape[0] != x.shape[0]:
        raise ValueError(
            f"feature_map returned shape {out.shape} for {name} of shape {x.shape}; "
            f"it must return one row of features per row, ({x.shape[0]}, r)"
        )
    out = out.astype(np.float64, copy=False)
    if not np.isfinite(out).all():
        raise ValueError(f"feature_map returned NaN or inf for {name}")
    if (out < 0).any():
        raise ValueError(
            f"feature_map returned negative values for {name} (the smallest is "
            f"{out.min():.3g}); linear attention needs non-negative features so that "
            "its normaliser phi(q)·sum_j phi(k_j) is a sum of positive weights. "
            "Use elu_feature_map or positive_random_features"
        )
    return out


def linear_attention(
    Q, K, V, feature_map, causal: bool = False, method: str = "recurrence"
) -> np.ndarray:
    r"""Attention with the kernel :math:`\varphi(q)^\top \varphi(k)`, in O(n) time.

    .. math::  \hat v_i = \frac{\varphi(q_i)^\top \bigl(\sum_j \varphi(k_j) v_j^\top\bigr)}
                             {\varphi(q_i)^\top \sum_j \varphi(k_j)}

    computed as :math:`\varphi(Q)(\varphi(K)^\top V)` over
    :math:`\varphi(Q)(\varphi(K)^\top \mathbf 1)`, never forming the (m, n)
    matrix :math:`\varphi(Q)\varphi(K)^\top` (Katharopoulos et al. 2020). With
    ``causal=True`` the sums run over j <= i, as the recurrence (an RNN)

    .. math::  S_i = S_{i-1} + \varphi(k_i) v_i^\top, \quad
               z_i = z_{i-1} + \varphi(k_i), \quad
               \hat v_i = \frac{\varphi(q_i)^\top S_i}{\varphi(q_i)^\top z_i}.

    The feature map is applied to queries and keys alike (the same map: see
    :func:`positive_random_features` for why that matters). No scaling by
    :math:`\sqrt{d_k}` is applied: scale Q and K inside ``feature_map`` if
    you want it.

    Parameters
    ----------
    Q : array_like of shape (m, d)
    K : array_like of shape (n, d)
    V : array_like of shape (n,) or (n, d_v)
    feature_map : callable
        ``feature_map(X)`` maps an (n, d) array to (n, r) non-negative
        features, e.g. :func:`elu_feature_map`.
    causal : bool, default False
        Query i sees keys j <= i; needs m == n.
    method : {"recurrence", "cumsum"}, default "recurrence"
        The causal form as an explicit loop over positions (memory
        O(r · d_v)), or as cumulative sums of the outer products
        :math:`\varphi(k_j) v_j^\top` (vectorised, memory O(n · r · d_v)).
        Ignored when ``causal=False``.

    Returns
    -------
    ndarray of shape (m,) or (m, d_v)

    Raises
    ------
    ValueError
        If ``feature_map`` returns negative values, NaN, or the wrong shape,
        if a normaliser is 0 (a query with zero weight on every key), or for
        bad input.

    Examples
    --------
    >>> Q = [[0.0, 0.0]]; K = [[1.0, 0.0], [0.0, 1.0]]; V = [[1.0], [3.0]]
    >>> linear_attention(Q, K, V, elu_feature_map).tolist()
    [[2.0]]
    """
    q = as_real_array(Q, "Q", ndim=2, shape="(m, d)")
    k = as_real_array(K, "K", ndim=2, shape="(n, d)")
    v = as_real_array(V, "V", ndim=(1, 2), shape="(n, d_v)")
    _check_matching_shapes(q, k, v[:, None] if v.ndim == 1 else v)
    if not callable(feature_map):
        raise TypeError(
            f"feature_map must be callable, got {type(feature_map).__name__}"
        )
    causal = check_bool(causal, "causal")
    method = check_choice(method, "method", CAUSAL_METHODS)
    if causal and q.shape[0] != k.shape[0]:
        raise ValueError(
            f"causal=True needs as many queries as keys (self-attention), got "
            f"m={q.shape[0]} and n={k.shape[0]}"
        )
    phi_q = _features(feature_map, q, "Q")
    phi_k = _features(feature_map, k, "K")
    if phi_q.shape[1] != phi_k.shape[1]:
        raise ValueError(
            f"feature_map returned {phi_q.shape[1]} features for Q but "
            f"{phi_k.shape[1]} for K; it must map both to the same r"
        )
    v2 = v.reshape(v.shape[0], -1)
    if not causal:
        num, den = _linear_sums(phi_q, phi_k, v2)
    elif method == "recurrence":
        num, den = _causal_recurrence(phi_q, phi_k, v2)
    else:
        num, den = _causal_cumsum(phi_q, phi_k, v2)
    zero = np.flatnonzero(den <= 0)
    if zero.size:
        raise ValueError(
            f"feature_map gives query rows {zero[:10].tolist()} a normaliser "
            "phi(q)·sum_j phi(k_j) of 0 (every feature product underflowed or is 0): "
            "their weighted average is 0/0"
        )
    out = num / den[:, None]
    return out[:, 0] if v.ndim == 1 else out


def _linear_sums(phi_q, phi_k, v):
    """Numerators (m, d_v) and normalisers (m,) of non-causal linear attention."""
    return phi_q @ (phi_k.T @ v), phi_q @ phi_k.sum(axis=0)


def _causal_recurrence(phi_q, phi_k, v):
    """The RNN: one state update and one read-out per position."""
    n, r = phi_k.shape
    state = np.zeros((r, v.shape[1]))
    z = np.zeros(r)
    num = np.empty((n, v.shape[1]))
    den = np.empty(n)
    for t in range(n):
        state += np.outer(phi_k[t], v[t])
        z += phi_k[t]
        num[t] = phi_q[t] @ state
        den[t] = phi_q[t] @ z
    return num, den


def _causal_cumsum(phi_q, phi_k, v):
    """The same sums as cumulative sums of the outer products (vectorised)."""
    states = np.cumsum(phi_k[:, :, None] * v[:, None, :], axis=0)
    num = np.einsum("tr,trv->tv", phi_q, states)
    return num, np.einsum("tr,tr->t", phi_q, np.cumsum(phi_k, axis=0))
