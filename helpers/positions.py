r"""Positions: the kernel on time, :math:`\kappa_T(t_q, t_k)`.

Attention sees an input x = (f, t), content and position (Tsai et al. 2019).
This module gives the three standard ways a position enters the score:

- :func:`sinusoidal` (Vaswani et al. 2017): a vector :math:`p_t` added to the
  content; the raw product :math:`p_i \cdot p_j = \sum_k \cos(\omega_k (i - j))`
  depends on the offset i - j alone (a stationary kernel on time).
- :func:`alibi_slopes` and :func:`alibi_bias` (Press et al. 2022): an additive
  logit bias :math:`-m_h |i - j|`, so the kernel is
  :math:`\exp(q \cdot k) \cdot \exp(-m_h |i - j|)`, a content kernel times a
  Laplace kernel on positions with bandwidth :math:`1/m_h`.
- :func:`rope` (Su et al. 2021): rotate queries and keys by position-dependent
  angles, so :math:`\operatorname{rope}(q, i) \cdot \operatorname{rope}(k, j)`
  depends on the positions only through i - j, for any q and k.

Positions are 0-based: query i and key j, as in :mod:`helpers.masks`. Sizes
(``n_positions``, ``d``, ``n_heads``, ``n_queries``, ``n_keys``) must be
integers >= 1; RoPE's ``positions`` may be any finite real numbers.
"""

from __future__ import annotations

import numpy as np

from helpers._validate import (
    as_real_array,
    check_positive_int,
    check_positive_scalar,
)


def _even_dim(d, name: str = "d") -> int:
    d = check_positive_int(d, name)
    if d % 2:
        raise ValueError(
            f"{name} must be even (coordinates come in (sin, cos) / rotation pairs), got {d}"
        )
    return d


def _frequencies(d: int, base: float) -> np.ndarray:
    r"""The d/2 angular frequencies :math:`\omega_i = \mathrm{base}^{-2i/d}`, i = 0..d/2-1."""
    return base ** (-np.arange(0, d, 2) / d)


# ---------------------------------------------------------------- sinusoidal


def sinusoidal(n_positions: int, d: int, base: float = 10000.0) -> np.ndarray:
    r"""Sinusoidal position vectors of Vaswani et al. (2017), one row per position.

    .. math::  P_{t, 2i} = \sin(t\, \omega_i), \quad
               P_{t, 2i+1} = \cos(t\, \omega_i), \quad
               \omega_i = \mathrm{base}^{-2i/d},

    for positions t = 0, ..., n_positions - 1 and i = 0, ..., d/2 - 1: sin on
    the even columns, cos on the odd ones. Every row has norm
    :math:`\sqrt{d/2}`, and the raw dot product

    .. math::  p_s \cdot p_t = \sum_{i} \cos\bigl(\omega_i (s - t)\bigr)

    depends on the offset s - t alone. ``d`` must be even: an odd d would
    leave a last sin column without its cos partner, and that column's
    product :math:`\sin(\omega s)\sin(\omega t)` is not a function of s - t.

    Parameters
    ----------
    n_positions : int
        Number of positions n, >= 1.
    d : int
        Dimension, even and >= 2.
    base : float, default 10000.0
        Finite and > 0; the frequencies run geometrically from 1 down to
        :math:`\mathrm{base}^{-(d-2)/d}`.

    Returns
    -------
    ndarray, shape (n_positions, d)

    Examples
    --------
    >>> P = sinusoidal(3, 4)
    >>> P.round(4).tolist()
    [[0.0, 1.0, 0.0, 1.0], [0.8415, 0.5403, 0.01, 1.0], [0.9093, -0.4161, 0.02, 0.9998]]
    >>> bool(np.isclose(P[1] @ P[2], P[0] @ P[1], rtol=0, atol=1e-12))
    True
    """
    n_positions = check_positive_int(n_positions, "n_positions")
    d = _even_dim(d)
    base = check_positive_scalar(base, "base")
    return _sinusoidal(n_positions, d, base)


def _sinusoidal(n: int, d: int, base: float) -> np.ndarray:
    angles = np.arange(n)[:, None] * _frequencies(d, base)[None, :]
    out = np.empty((n, d))
    out[:, 0::2] = np.sin(angles)
    out[:, 1::2] = np.cos(angles)
    return out


# --------------------------------------------------------------------- ALiBi


def alibi_slopes(n_heads: int) -> np.ndarray:
    r"""The ALiBi slopes :math:`m_1, \dots, m_H` of Press et al. (2022), one per head.

    For H a power of two, the geometric sequence

    .. math::  m_h = 2^{-8h/H}, \quad h = 1, \dots, H,

    (for H = 8: 1/2, 1/4, ..., 1/256). Otherwise, the rule of the paper's
    reference code: the H' slopes of the closest power of two below,
    :math:`H' = 2^{\lfloor \log_2 H \rfloor}`, followed by the first H - H'
    of every other slope of 2H' (its 1st, 3rd, 5th, ...:
    :math:`2^{-4h/H'}` for odd h). Each slope :math:`m_h` is the inverse
    bandwidth of head h's Laplace kernel :math:`\exp(-m_h |i - j|)` on
    positions.

    Parameters
    ----------
    n_heads : int
        Number of heads H, >= 1.

    Returns
    -------
    ndarray, shape (n_heads,)
        Slopes in (0, 1), in the reference code's order (for a power of two,
        decreasing).

    Examples
    --------
    >>> (1 / alibi_slopes(8)).tolist()
    [2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0]
    >>> (1 / alibi_slopes(3)).tolist()
    [16.0, 256.0, 4.0]
    """
    n_heads = check_positive_int(n_heads, "n_heads")
    return _alibi_slopes(n_heads)


def _power_of_two_slopes(n: int) -> np.ndarray:
    return np.exp2(-8.0 * np.arange(1, n + 1) / n)


def _alibi_slopes(n_heads: int) -> np.ndarray:
    closest = 1 << (n_heads.bit_length() - 1)
    if closest == n_heads:
        return _power_of_two_slopes(n_heads)
    extra = _power_of_two_slopes(2 * closest)[0::2][: n_heads - closest]
    return np.concatenate([_power_of_two_slopes(closest), extra])


def alibi_bias(n_queries: int, n_keys: int, slopes) -> np.ndarray:
    r"""The ALiBi additive logit bias, :math:`B_{h, i, j} = -m_h\, |i - j|`.

    Added to the scores :math:`q_i \cdot k_j / \sqrt{d_k}` of head h, it
    multiplies the kernel by :math:`\exp(-m_h |i - j|)`: softmax(scores + B)
    is Nadaraya-Watson with the product kernel
    :math:`\kappa_F(q, k)\, \kappa_T(i, j)`, whose position factor is a
    Laplace kernel of bandwidth :math:`1/m_h`. Queries sit at positions
    i = 0, ..., n_queries - 1 and keys at j = 0, ..., n_keys - 1: both start
    at 0, whatever their numbers. (For queries at the *end* of a longer key
    sequence, as in incremental decoding, take
    ``alibi_bias(n_keys, n_keys, slopes)[:, -n_queries:]``.)

    A causal mask is applied separately (a boolean mask, :mod:`helpers.masks`),
    as in the paper. On the visible keys j <= i the bias is
    :math:`m_h j - m_h i`, which differs from the reference code's
    :math:`m_h j` by a constant per row; the softmax does not see the
    difference.

    Parameters
    ----------
    n_queries : int
        Number of queries m, >= 1.
    n_keys : int
        Number of keys n, >= 1.
    slopes : array_like, shape (H,)
        One slope per head, finite and >= 0 (0 = no position bias), e.g.
        :func:`alibi_slopes`.

    Returns
    -------
    ndarray, shape (H, n_queries, n_keys)
        Non-positive, 0 on the diagonal i = j; it broadcasts against scores
        of shape (B, H, m, n).

    Examples
    --------
    >>> alibi_bias(2, 3, [0.5, 0.25]).tolist()
    [[[-0.0, -0.5, -1.0], [-0.5, -0.0, -0.5]], [[-0.0, -0.25, -0.5], [-0.25, -0.0, -0.25]]]
    """
    n_queries = check_positive_int(n_queries, "n_queries")
    n_keys = check_positive_int(n_keys, "n_keys")
    m = as_real_array(slopes, "slopes", ndim=1, shape="(H,)")
    negative = m < 0
    if negative.any():
        h = int(np.argmax(negative))
        raise ValueError(
            f"slopes[{h}] = {m[h]!r} is negative; a slope is an inverse bandwidth, "
            ">= 0 (a negative one would favour distant keys)"
        )
    return _alibi_bias(n_queries, n_keys, m)


def _alibi_bias(m: int, n: int, slopes: np.ndarray) -> np.ndarray:
    distance = np.abs(np.arange(m)[:, None] - np.arange(n)[None, :])
    return -slopes[:, None, None] * distance[None, :, :]


# ---------------------------------------------------------------------- RoPE


def rope(x, positions, base: float = 10000.0) -> np.ndarray:
    r"""Rotary position embedding (RoFormer, Su et al. 2021) of the last axis of ``x``.

    Each pair :math:`(x_{2i}, x_{2i+1})` of the row at position t is
    rotated by the angle :math:`t\, \theta_i`,
    :math:`\theta_i = \mathrm{base}^{-2i/d}`, i = 0, ..., d/2 - 1:

    .. math::  \begin{pmatrix} x'_{2i} \\ x'_{2i+1} \end{pmatrix} =
               \begin{pmatrix} \cos t\theta_i & -\sin t\theta_i \\
                               \sin t\theta_i & \cos t\theta_i \end{pmatrix}
               \begin{pmatrix} x_{2i} \\ x_{2i+1} \end{pmatrix}.

    This is RoFormer's interleaved convention. Rotations preserve norms, and
    :math:`R_s^\top R_t = R_{t-s}`, so for any q and k

    .. math::  \operatorname{rope}(q, s) \cdot \operatorname{rope}(k, t)
               = q^\top R_{t - s}\, k

    depends on the positions only through the offset t - s. The half-split
    convention of some libraries (GPT-NeoX, Hugging Face's ``rotate_half``),
    which pairs :math:`x_i` with :math:`x_{i + d/2}`, is the same map up to a
    permutation of coordinates: with ``perm = [0, 2, 4, ..., 1, 3, 5, ...]``,
    ``half_split(x[..., perm]) == rope(x)[..., perm]``.

    Parameters
    ----------
    x : array_like, shape (..., n, d)
        Queries or keys, one row per position; d even; leading (batch, head)
        dimensions are kept.
    positions : array_like, shape (n,)
        Position of each row: finite real numbers (integers in the usual
        use; fractional positions, as in position interpolation, are allowed).
    base : float, default 10000.0
        Finite and > 0.

    Returns
    -------
    ndarray, shape (..., n, d)

    Examples
    --------
    >>> rope([[1.0, 0.0], [1.0, 0.0]], [0, 1]).round(4).tolist()
    [[1.0, 0.0], [0.5403, 0.8415]]
    >>> q, k = np.array([[1.0, 2.0, 3.0, 4.0]]), np.array([[0.5, -1.0, 2.0, 0.0]])
    >>> s1 = rope(q, [3]) @ rope(k, [5]).T
    >>> s2 = rope(q, [103]) @ rope(k, [105]).T
    >>> bool(np.isclose(s1, s2, rtol=0, atol=1e-12).all())
    True
    """
    arr = as_real_array(x, "x", min_ndim=2)
    d = arr.shape[-1]
    if d % 2:
        raise ValueError(
            f"x must have an even last dimension d (rotation pairs), got shape {arr.shape}"
        )
    t = as_real_array(positions, "positions", ndim=1, shape="(n,)")
    if t.shape[0] != arr.shape[-2]:
        raise ValueError(
            f"positions has {t.shape[0]} entries but x has {arr.shape[-2]} rows "
            f"(shape {arr.shape}, rows on axis -2); give one position per row"
        )
    base = check_positive_scalar(base, "base")
    return _rope(arr, t, base)


def _rope(x: np.ndarray, t: np.ndarray, base: float) -> np.ndarray:
    angles = t[:, None] * _frequencies(x.shape[-1], base)[None, :]
    cos, sin = np.cos(angles), np.sin(angles)
    even, odd = x[..., 0::2], x[..., 1::2]
    out = np.empty(x.shape)
    out[..., 0::2] = even * cos - odd * sin
    out[..., 1::2] = even * sin + odd * cos
    return out
