"""Tests of helpers.positions against independent transcriptions of the papers' formulas.

- sinusoidal: a loop over math.sin / math.cos of t / base**(2i/d) (Vaswani et al. 2017);
- alibi_slopes: a transcription of ``get_slopes`` from the ALiBi reference code
  (github.com/ofirpress/attention_with_linear_biases, fairseq/models/transformer.py),
  and a hand-written table of exponents;
- rope: explicit 2x2 rotation matrices in a loop (RoFormer, Su et al. 2021), and an
  independent half-split (``rotate_half``) implementation.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import positions
from helpers.attention import softmax
from helpers.masks import causal
from helpers.positions import alibi_bias, alibi_slopes, rope, sinusoidal

# ----------------------------------------------------------- independent code


def sinusoidal_loop(n, d, base=10000.0):
    """Vaswani et al. (2017), eq. in section 3.5, written as a loop with division."""
    out = np.zeros((n, d))
    for t in range(n):
        for i in range(d // 2):
            out[t, 2 * i] = math.sin(t / base ** (2 * i / d))
            out[t, 2 * i + 1] = math.cos(t / base ** (2 * i / d))
    return out


def reference_get_slopes(n):
    """Transcription of ``get_slopes`` in the ALiBi reference code (Press et al. 2022)."""

    def get_slopes_power_of_2(n):
        start = 2 ** (-(2 ** -(math.log2(n) - 3)))
        ratio = start
        return [start * ratio**i for i in range(n)]

    if math.log2(n).is_integer():
        return get_slopes_power_of_2(n)
    closest_power_of_2 = 2 ** math.floor(math.log2(n))
    return (
        get_slopes_power_of_2(closest_power_of_2)
        + reference_get_slopes(2 * closest_power_of_2)[0::2][: n - closest_power_of_2]
    )


# log2 of 1/slope, by hand from the rule in the paper (section 3 and its footnote)
SLOPE_EXPONENTS = {
    1: [8],
    2: [4, 8],
    3: [4, 8, 2],
    4: [2, 4, 6, 8],
    5: [2, 4, 6, 8, 1],
    6: [2, 4, 6, 8, 1, 3],
    8: [1, 2, 3, 4, 5, 6, 7, 8],
    12: [1, 2, 3, 4, 5, 6, 7, 8, 0.5, 1.5, 2.5, 3.5],
    16: [0.5 * h for h in range(1, 17)],
}


def rotation_matrix(t, d, base=10000.0):
    """Block-diagonal matrix of 2x2 rotations by t * base**(-2i/d), built entry by entry."""
    R = np.zeros((d, d))
    for i in range(d // 2):
        a = t * base ** (-2 * i / d)
        R[2 * i, 2 * i], R[2 * i, 2 * i + 1] = math.cos(a), -math.sin(a)
        R[2 * i + 1, 2 * i], R[2 * i + 1, 2 * i + 1] = math.sin(a), math.cos(a)
    return R


def rope_half_split(x, t, base=10000.0):
    """The half-split convention (GPT-NeoX, Hugging Face ``rotate_half``): x_i pairs x_{i+d/2}."""
    d = x.shape[-1]
    theta = 1.0 / base ** (np.arange(d // 2) * 2.0 / d)
    angles = np.outer(t, theta)
    cos = np.concatenate([np.cos(angles), np.cos(angles)], axis=-1)
    sin = np.concatenate([np.sin(angles), np.sin(angles)], axis=-1)
    rotated_half = np.concatenate([-x[..., d // 2 :], x[..., : d // 2]], axis=-1)
    return x * cos + rotated_half * sin


# ----------------------------------------------------------------- sinusoidal


@pytest.mark.parametrize(
    ("n", "d", "base"), [(1, 2, 1e4), (50, 16, 1e4), (300, 64, 1e4), (20, 6, 100.0)]
)
def test_sinusoidal_matches_the_loop(n, d, base):
    P = sinusoidal(n, d, base=base)
    assert P.shape == (n, d) and P.dtype == np.float64
    np.testing.assert_allclose(P, sinusoidal_loop(n, d, base), rtol=0, atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(P, axis=1), np.sqrt(d / 2), rtol=1e-14)


@pytest.mark.parametrize(("n", "d"), [(200, 64), (64, 8), (30, 2)])
def test_sinusoidal_dot_products_depend_on_the_offset_only(n, d):
    P = sinusoidal(n, d)
    S = P @ P.T
    omega = 1e4 ** (-np.arange(0, d, 2) / d)
    offset = np.arange(n)[:, None] - np.arange(n)[None, :]
    closed_form = np.cos(offset[..., None] * omega).sum(-1)
    # S[i, j] = sum_i cos(omega_i (i - j)): a function of i - j, so S is Toeplitz
    np.testing.assert_allclose(S, closed_form, rtol=0, atol=1e-12 * d)
    for s in (1, 7, n // 2):
        np.testing.assert_allclose(S[s:, s:], S[:-s, :-s], rtol=0, atol=1e-12 * d)


def test_sinusoidal_projected_scores_are_not_stationary_in_general():
    # with W_q != W_k in between, p_i W_q W_k^T p_j is no longer a function of i - j
    rng = np.random.default_rng(0)
    P = sinusoidal(20, 8)
    W_q, W_k = rng.normal(size=(8, 8)), rng.normal(size=(8, 8))
    S = P @ W_q @ W_k.T @ P.T
    assert np.abs(S[1:, 1:] - S[:-1, :-1]).max() > 0.1


# ---------------------------------------------------------------------- ALiBi


@pytest.mark.parametrize("H", [1, 2, 3, 5, 6, 8, 12, 16])
def test_alibi_slopes_match_the_reference_code_and_the_table(H):
    got = alibi_slopes(H)
    assert got.shape == (H,)
    np.testing.assert_allclose(got, reference_get_slopes(H), rtol=1e-14, atol=0)
    np.testing.assert_array_equal(got, 2.0 ** -np.array(SLOPE_EXPONENTS[H]))


@given(st.integers(1, 200))
def test_alibi_slopes_against_the_reference_for_any_number_of_heads(H):
    got = alibi_slopes(H)
    np.testing.assert_allclose(got, reference_get_slopes(H), rtol=1e-13, atol=0)
    assert ((got > 0) & (got < 1)).all()
    assert len(np.unique(got)) == H
    if H & (H - 1) == 0:
        # a geometric sequence from 2^(-8/H) down to 2^(-8)
        np.testing.assert_allclose(got[1:] / got[:-1], 2 ** (-8 / H), rtol=1e-14)
        assert got[-1] == 2.0**-8


def test_alibi_bias_values_shape_and_sign():
    slopes = alibi_slopes(4)
    for m, n in [(5, 5), (3, 7), (7, 3), (1, 1)]:
        B = alibi_bias(m, n, slopes)
        assert B.shape == (4, m, n)
        loop = np.array(
            [
                [[-slopes[h] * abs(i - j) for j in range(n)] for i in range(m)]
                for h in range(4)
            ]
        )
        np.testing.assert_array_equal(B, loop)
        assert (B <= 0).all()
        assert (np.diagonal(B, axis1=1, axis2=2) == 0).all()
    # queries at the end of the key sequence (incremental decoding): the documented slice
    tail = alibi_bias(6, 6, slopes)[:, -2:]
    ij = np.abs(np.arange(4, 6)[:, None] - np.arange(6)[None, :])
    np.testing.assert_array_equal(tail, -slopes[:, None, None] * ij)
    assert (alibi_bias(3, 3, [0.0]) == 0).all()


def test_alibi_is_nw_with_a_product_kernel():
    # softmax(s + bias) under a causal mask = NW with kernel exp(s) * exp(-m |i - j|)
    rng = np.random.default_rng(1)
    n, H = 9, 4
    scores = rng.normal(size=(n, n))
    slopes = alibi_slopes(H)
    got = softmax(scores + alibi_bias(n, n, slopes), mask=causal(n))
    for h in range(H):
        for i in range(n):
            kern = [
                math.exp(scores[i, j]) * math.exp(-slopes[h] * abs(i - j))
                for j in range(i + 1)
            ]
            np.testing.assert_allclose(
                got[h, i, : i + 1], np.array(kern) / sum(kern), rtol=1e-13
            )
            assert (got[h, i, i + 1 :] == 0).all()
    # the reference code's bias m*j (rows identical) gives the same causal softmax
    reference = softmax(scores + slopes[:, None, None] * np.arange(n), mask=causal(n))
    np.testing.assert_allclose(got, reference, rtol=1e-13, atol=1e-300)


# ----------------------------------------------------------------------- RoPE


def test_rope_matches_explicit_rotation_matrices():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(6, 8))
    t = np.array([0, 1, 2, 5, 17.5, 1000])
    got = rope(x, t)
    for row in range(6):
        expected = rotation_matrix(t[row], 8) @ x[row]
        np.testing.assert_allclose(got[row], expected, rtol=0, atol=1e-13)
    np.testing.assert_array_equal(rope(x[:1], [0]), x[:1])
    np.testing.assert_allclose(
        rope(x, t, base=50.0)[4], rotation_matrix(17.5, 8, 50.0) @ x[4], atol=1e-13
    )


def test_rope_is_a_rotation():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 3, 40, 16))
    t = rng.uniform(0, 5000, size=40)
    y = rope(x, t)
    # every pair keeps its length, so the whole row does
    pair_x = np.hypot(x[..., 0::2], x[..., 1::2])
    pair_y = np.hypot(y[..., 0::2], y[..., 1::2])
    np.testing.assert_allclose(pair_y, pair_x, rtol=1e-12)
    np.testing.assert_allclose(
        np.linalg.norm(y, axis=-1), np.linalg.norm(x, axis=-1), rtol=1e-12
    )
    # leading (batch, head) dimensions are independent copies of the 2-D map
    np.testing.assert_array_equal(y[1, 2], rope(x[1, 2], t))
    # rotations compose: rope(rope(x, s), t) = rope(x, s + t)
    np.testing.assert_allclose(
        rope(rope(x[0, 0], t), t[::-1]), rope(x[0, 0], t + t[::-1]), atol=1e-12
    )


@pytest.mark.parametrize("d", [2, 8, 64])
def test_rope_scores_depend_on_the_offset_only(d):
    rng = np.random.default_rng(d)
    q, k = rng.normal(size=(1, d)), rng.normal(size=(1, d))
    scale = np.linalg.norm(q) * np.linalg.norm(k)
    worst = 0.0
    for i, j in [(0, 0), (0, 3), (5, 2), (10, 40), (37, 1)]:
        base_score = (rope(q, [i]) @ rope(k, [j]).T).item()
        # q^T R_{j - i} k, the offset form, from explicit matrices
        offset_form = q[0] @ rotation_matrix(j - i, d) @ k[0]
        assert abs(base_score - offset_form) <= 1e-12 * scale
        for shift in range(1, 1001):
            shifted = (rope(q, [i + shift]) @ rope(k, [j + shift]).T).item()
            worst = max(worst, abs(shifted - base_score) / scale)
    assert worst <= 1e-12, worst


def test_rope_many_positions_at_once_gives_a_toeplitz_score_matrix():
    rng = np.random.default_rng(4)
    n, d = 300, 32
    q, k = rng.normal(size=d), rng.normal(size=d)
    t = np.arange(n)
    S = rope(np.tile(q, (n, 1)), t) @ rope(np.tile(k, (n, 1)), t).T
    scale = np.linalg.norm(q) * np.linalg.norm(k)
    for s in (1, 10, 299):
        np.testing.assert_allclose(S[s:, s:], S[:-s, :-s], rtol=0, atol=1e-12 * scale)


@pytest.mark.parametrize("d", [2, 4, 16, 64])
def test_half_split_convention_is_the_same_map_after_a_permutation(d):
    rng = np.random.default_rng(5)
    x = rng.normal(size=(3, 7, d))
    t = rng.uniform(0, 2000, size=7)
    perm = np.concatenate([np.arange(0, d, 2), np.arange(1, d, 2)])
    np.testing.assert_allclose(
        rope_half_split(x[..., perm], t), rope(x, t)[..., perm], rtol=0, atol=1e-12
    )
    # and it is a different map without the permutation (for d >= 4)
    if d >= 4:
        assert np.abs(rope_half_split(x, t) - rope(x, t)).max() > 0.1


def test_rope_uses_the_sinusoidal_frequencies():
    # rotating (1, 0) by t*theta_i gives (cos, sin); sinusoidal rows are (sin, cos)
    n, d = 25, 12
    ones = np.tile([1.0, 0.0], (n, d // 2))
    y = rope(ones, np.arange(n))
    P = sinusoidal(n, d)
    np.testing.assert_allclose(y[:, 0::2], P[:, 1::2], atol=1e-15)
    np.testing.assert_allclose(y[:, 1::2], P[:, 0::2], atol=1e-15)


# ------------------------------------------------------------------ bad input

X4 = np.ones((3, 4))

BAD = [
    (sinusoidal, {"n_positions": 0, "d": 4}, ValueError, "n_positions"),
    (sinusoidal, {"n_positions": 3.0, "d": 4}, TypeError, "n_positions"),
    (sinusoidal, {"n_positions": True, "d": 4}, TypeError, "n_positions"),
    (sinusoidal, {"n_positions": 3, "d": 5}, ValueError, "d"),
    (sinusoidal, {"n_positions": 3, "d": 0}, ValueError, "d"),
    (sinusoidal, {"n_positions": 3, "d": 4.5}, TypeError, "d"),
    (sinusoidal, {"n_positions": 3, "d": 4, "base": 0.0}, ValueError, "base"),
    (sinusoidal, {"n_positions": 3, "d": 4, "base": np.nan}, ValueError, "base"),
    (sinusoidal, {"n_positions": 3, "d": 4, "base": "e"}, TypeError, "base"),
    (alibi_slopes, {"n_heads": 0}, ValueError, "n_heads"),
    (alibi_slopes, {"n_heads": -8}, ValueError, "n_heads"),
    (alibi_slopes, {"n_heads": 8.0}, TypeError, "n_heads"),
    (
        alibi_bias,
        {"n_queries": 0, "n_keys": 3, "slopes": [1.0]},
        ValueError,
        "n_queries",
    ),
    (alibi_bias, {"n_queries": 2, "n_keys": 0, "slopes": [1.0]}, ValueError, "n_keys"),
    (
        alibi_bias,
        {"n_queries": 2.5, "n_keys": 3, "slopes": [1.0]},
        TypeError,
        "n_queries",
    ),
    (alibi_bias, {"n_queries": 2, "n_keys": 3, "slopes": [-1.0]}, ValueError, "slopes"),
    (
        alibi_bias,
        {"n_queries": 2, "n_keys": 3, "slopes": [np.nan]},
        ValueError,
        "slopes",
    ),
    (alibi_bias, {"n_queries": 2, "n_keys": 3, "slopes": 0.5}, ValueError, "slopes"),
    (alibi_bias, {"n_queries": 2, "n_keys": 3, "slopes": []}, ValueError, "slopes"),
    (
        alibi_bias,
        {"n_queries": 2, "n_keys": 3, "slopes": [[0.5]]},
        ValueError,
        "slopes",
    ),
    (alibi_bias, {"n_queries": 2, "n_keys": 3, "slopes": ["a"]}, TypeError, "slopes"),
    (alibi_bias, {"n_queries": 2, "n_keys": 3, "slopes": [True]}, TypeError, "slopes"),
    (rope, {"x": np.ones((3, 5)), "positions": [0, 1, 2]}, ValueError, "x"),
    (rope, {"x": np.ones(4), "positions": [0]}, ValueError, "x"),
    (rope, {"x": np.ones((0, 4)), "positions": []}, ValueError, "x"),
    (rope, {"x": [["a", "b"]], "positions": [0]}, TypeError, "x"),
    (rope, {"x": X4 * np.inf, "positions": [0, 1, 2]}, ValueError, "x"),
    (rope, {"x": X4, "positions": [0, 1]}, ValueError, "positions"),
    (rope, {"x": X4, "positions": [[0, 1, 2]]}, ValueError, "positions"),
    (rope, {"x": X4, "positions": [0, np.nan, 2]}, ValueError, "positions"),
    (rope, {"x": X4, "positions": [0, 1, np.inf]}, ValueError, "positions"),
    (rope, {"x": X4, "positions": [True, False, True]}, TypeError, "positions"),
    (rope, {"x": X4, "positions": [0, 1, 2], "base": -1.0}, ValueError, "base"),
]


@pytest.mark.parametrize(
    ("func", "kwargs", "error", "name"),
    BAD,
    ids=[f"{f.__name__}-{name}-{i}" for i, (f, _, _, name) in enumerate(BAD)],
)
def test_bad_input_names_the_argument(func, kwargs, error, name):
    with pytest.raises(error) as info:
        func(**kwargs)
    assert str(info.value).split()[0].split("=")[0].split("[")[0] == name, info.value


def test_fractional_positions_are_accepted_by_rope_only():
    np.testing.assert_allclose(
        rope(X4, [0.5, 1.5, 2.5]),
        rope(rope(X4, [0.0, 1.0, 2.0]), [0.5] * 3),
        atol=1e-14,
    )
    np.testing.assert_array_equal(
        rope(X4, np.array([0, 1, 2], dtype=np.uint8)), rope(X4, [0, 1, 2])
    )


def test_each_argument_is_validated_once(monkeypatch):
    names = []
    original = positions.as_real_array

    def counting(value, name, *args, **kwargs):
        names.append(name)
        return original(value, name, *args, **kwargs)

    monkeypatch.setattr(positions, "as_real_array", counting)
    rope(X4, [0, 1, 2])
    alibi_bias(2, 3, [0.5])
    sinusoidal(3, 4)
    alibi_slopes(3)
    assert names == ["x", "positions", "slopes"]
