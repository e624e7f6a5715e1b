"""Tests of helpers.attention against independent references."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from helpers import masks
from helpers.attention import (
    attention_log_kernel,
    attention_scores,
    attention_weights,
    scaled_dot_product_attention,
    softmax,
)
from helpers.smoothers import nadaraya_watson

finite = st.floats(-20, 20, allow_nan=False, allow_infinity=False)


def loop_attention(Q, K, V, mask=None):
    """Attention one query and one key at a time, by the textbook formula."""
    m, n = Q.shape[0], K.shape[0]
    out = np.zeros((m, V.shape[1]))
    for i in range(m):
        num, den = np.zeros(V.shape[1]), 0.0
        scores = [Q[i] @ K[j] / np.sqrt(Q.shape[1]) for j in range(n)]
        top = max(s for j, s in enumerate(scores) if mask is None or mask[i, j])
        for j in range(n):
            if mask is None or mask[i, j]:
                w = np.exp(scores[j] - top)
                num += w * V[j]
                den += w
        out[i] = num / den
    return out


@pytest.fixture
def qkv():
    rng = np.random.default_rng(3)
    return rng.normal(size=(5, 4)), rng.normal(size=(7, 4)), rng.normal(size=(7, 3))


def test_attention_equals_loop(qkv):
    Q, K, V = qkv
    np.testing.assert_allclose(
        scaled_dot_product_attention(Q, K, V),
        loop_attention(Q, K, V),
        rtol=0,
        atol=1e-12,
    )


@pytest.mark.parametrize(
    "mask",
    [masks.full(5, 7), masks.random(7, 2, seed=4, m=5), masks.sliding_window(7, 1)[:5]],
)
def test_masked_attention_equals_loop_over_visible_keys(qkv, mask):
    Q, K, V = qkv
    got = scaled_dot_product_attention(Q, K, V, mask=mask)
    np.testing.assert_allclose(got, loop_attention(Q, K, V, mask), rtol=0, atol=1e-12)
    weights = attention_weights(Q, K, mask=mask)
    assert np.all(weights[~mask] == 0.0)


def test_masked_attention_is_nw_over_the_visible_subset(qkv):
    Q, K, V = qkv
    mask = masks.random(7, 3, seed=1, m=5)
    got = scaled_dot_product_attention(Q, K, V, mask=mask)
    for i in range(5):
        visible = mask[i]
        kern = attention_log_kernel(np.eye(4), np.eye(4))
        ref = nadaraya_watson(K[visible], V[visible], Q[i : i + 1], 1.0, kernel=kern)
        np.testing.assert_allclose(got[i], ref[0], rtol=0, atol=1e-12)


def test_attention_is_nadaraya_watson_with_the_attention_kernel():
    rng = np.random.default_rng(0)
    X, Xq = rng.normal(size=(6, 8)), rng.normal(size=(3, 8))
    Wq, Wk, Wv = (rng.normal(size=(8, 4)) for _ in range(3))
    kern = attention_log_kernel(Wq, Wk)
    for queries in (X, Xq):  # self- and cross-attention
        att = scaled_dot_product_attention(queries @ Wq, X @ Wk, X @ Wv)
        nw = nadaraya_watson(X, X @ Wv, queries, 1.0, kernel=kern)
        np.testing.assert_allclose(att, nw, rtol=0, atol=1e-12)


def test_bandwidth_of_the_attention_kernel_is_a_temperature():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(5, 3))
    tau = 2.5
    nw = nadaraya_watson(
        X, X, X, np.sqrt(tau), kernel=attention_log_kernel(np.eye(3), np.eye(3))
    )
    scores = X @ X.T / np.sqrt(3) / tau
    ref = np.exp(scores - scores.max(1, keepdims=True))
    np.testing.assert_allclose(nw, (ref / ref.sum(1, keepdims=True)) @ X, atol=1e-12)


def test_batch_and_head_dimensions_broadcast():
    rng = np.random.default_rng(2)
    Q, K, V = (
        rng.normal(size=(2, 3, 4, 5)),
        rng.normal(size=(2, 3, 6, 5)),
        rng.normal(size=(6, 2)),
    )
    out = scaled_dot_product_attention(Q, K, V, mask=masks.causal(6)[:4])
    assert out.shape == (2, 3, 4, 2)
    for b in range(2):
        for h in range(3):
            ref = loop_attention(Q[b, h], K[b, h], V, masks.causal(6)[:4])
            np.testing.assert_allclose(out[b, h], ref, atol=1e-12)


def test_key_padding_mask_broadcasts_over_queries():
    rng = np.random.default_rng(5)
    Q, K = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 5, 4))
    w = attention_weights(Q, K, mask=masks.key_padding([2, 5], 5))
    assert w.shape == (2, 3, 5)
    assert np.all(w[0, :, 2:] == 0) and np.all(w[1] > 0)
    np.testing.assert_allclose(w.sum(-1), 1.0, atol=1e-12)


def test_large_logits_give_hard_attention_and_stay_finite():
    w = softmax(np.array([[1e4, 0.0, 3.0], [-1e300, 1e300, 0.0]]))
    assert np.array_equal(w, [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    Q = 1e4 * np.eye(3)
    assert np.array_equal(attention_weights(Q, np.eye(3)), np.eye(3))


def test_softmax_matches_definition_and_axis():
    s = np.array([[0.5, -1.0, 2.0], [3.0, 3.0, 0.0]])
    ref = np.exp(s) / np.exp(s).sum(axis=0, keepdims=True)
    np.testing.assert_allclose(softmax(s, axis=0), ref, atol=1e-15)
    np.testing.assert_allclose(softmax(s, axis=-1).sum(-1), 1.0)


def test_minus_inf_scores_are_the_same_as_a_mask():
    s = np.array([[0.5, -np.inf, 2.0]])
    np.testing.assert_allclose(
        softmax(s),
        softmax(np.array([[0.5, 7.0, 2.0]]), mask=np.array([[True, False, True]])),
    )


@given(
    hnp.arrays(
        np.float64, st.tuples(st.integers(1, 4), st.integers(1, 6)), elements=finite
    ),
    st.floats(-1e6, 1e6),
)
def test_softmax_properties(scores, shift):
    w = softmax(scores)
    assert np.all(w >= 0) and np.all(np.isfinite(w))
    np.testing.assert_allclose(w.sum(-1), 1.0, atol=1e-12)
    # adding a constant to a row changes nothing
    np.testing.assert_allclose(softmax(scores + shift), w, atol=1e-9)


@given(st.integers(0, 2**31 - 1), st.integers(1, 5), st.integers(1, 7))
def test_permuting_keys_with_values_changes_nothing(seed, m, n):
    rng = np.random.default_rng(seed)
    Q, K, V = rng.normal(size=(m, 3)), rng.normal(size=(n, 3)), rng.normal(size=(n, 2))
    mask = masks.random(n, max(1, n // 2), seed=seed % 1000, m=m)
    perm = rng.permutation(n)
    a = scaled_dot_product_attention(Q, K, V, mask=mask)
    b = scaled_dot_product_attention(Q, K[perm], V[perm], mask=mask[:, perm])
    np.testing.assert_allclose(a, b, atol=1e-12)
    w = attention_weights(Q, K, mask=mask)
    assert np.all(w[~mask] == 0.0)
    np.testing.assert_allclose(w.sum(-1), 1.0, atol=1e-12)


def test_scores_are_scaled_by_sqrt_dk():
    Q, K = np.ones((1, 4)), np.ones((2, 4))
    np.testing.assert_allclose(attention_scores(Q, K), [[2.0, 2.0]])


# -- bad input ---------------------------------------------------------------
GOOD_Q, GOOD_K, GOOD_V = np.zeros((2, 3)), np.zeros((4, 3)), np.zeros((4, 2))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"Q": np.zeros((2, 5))}, ValueError, "d_k"),
        ({"V": np.zeros((3, 2))}, ValueError, "V has 3"),
        ({"mask": np.ones((3, 4), bool)}, ValueError, "mask of shape"),
        ({"mask": np.ones((2, 4))}, TypeError, "mask must be a boolean"),
        (
            {"mask": np.zeros((2, 4), bool)},
            ValueError,
            r"query rows \[0, 1\] see no key",
        ),
        ({"Q": np.array([[np.nan, 0, 0]])}, ValueError, "Q contains"),
        ({"K": np.full((4, 3), np.inf)}, ValueError, "K contains"),
        ({"V": np.full((4, 2), np.nan)}, ValueError, "V contains"),
        ({"K": np.zeros((0, 3)), "V": np.zeros((0, 2))}, ValueError, "K is empty"),
        ({"Q": np.zeros((0, 3))}, ValueError, "Q is empty"),
        ({"Q": np.zeros(3)}, ValueError, "Q must have at least 2"),
        ({"Q": np.array([["a", "b", "c"]])}, TypeError, "Q must hold real numbers"),
        (
            {"Q": np.zeros((2, 2, 3)), "K": np.zeros((3, 4, 3))},
            ValueError,
            "do not broadcast",
        ),
    ],
)
def test_bad_input(kwargs, error, match):
    args = {"Q": GOOD_Q, "K": GOOD_K, "V": GOOD_V, "mask": None} | kwargs
    with pytest.raises(error, match=match):
        scaled_dot_product_attention(**args)


@pytest.mark.parametrize(
    ("scores", "kwargs", "error", "match"),
    [
        ([[np.nan, 0.0]], {}, ValueError, "NaN or \\+inf"),
        ([[np.inf, 0.0]], {}, ValueError, "NaN or \\+inf"),
        ([[-np.inf, -np.inf]], {}, ValueError, "see no key"),
        ([[0.0, 1.0]], {"axis": 2}, ValueError, "axis=2"),
        ([[0.0, 1.0]], {"axis": 1.0}, TypeError, "axis must be an integer"),
        (np.zeros((2, 0)), {}, ValueError, "key set is empty"),
        ("ab", {}, TypeError, "scores must hold real numbers"),
    ],
)
def test_softmax_bad_input(scores, kwargs, error, match):
    with pytest.raises(error, match=match):
        softmax(scores, **kwargs)


@pytest.mark.parametrize(
    ("wq", "wk", "match"),
    [
        (np.ones((3, 2)), np.ones((3, 3)), "W_q has shape"),
        (np.ones(3), np.ones(3), "W_q must be a non-empty 2-D"),
        (np.full((2, 2), np.nan), np.ones((2, 2)), "W_q contains"),
    ],
)
def test_attention_log_kernel_bad_input(wq, wk, match):
    with pytest.raises(ValueError, match=match):
        attention_log_kernel(wq, wk)


def test_attention_log_kernel_checks_input_dimension():
    kern = attention_log_kernel(np.eye(3), np.eye(3))
    with pytest.raises(ValueError, match="W_q and W_k expect d = 3"):
        nadaraya_watson(
            np.zeros((2, 2)), np.zeros(2), np.zeros((1, 2)), 1.0, kernel=kern
        )


# ------------------------------------------------------- temperature of the kernel


def test_attention_log_kernel_temperature_divides_the_raw_dot_product():
    rng = np.random.default_rng(5)
    Wq, Wk = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    xq, xk = rng.normal(size=(2, 3)), rng.normal(size=(5, 3))
    raw = np.array([[(a @ Wq) @ (b @ Wk) for b in xk] for a in xq])
    for tau in (0.3, 1.0, 7.0):
        got = attention_log_kernel(Wq, Wk, temperature=tau)(xq, xk)
        np.testing.assert_allclose(got, raw / tau, rtol=1e-12, atol=0)
    # None is standard attention: tau = sqrt(d_k) = 2
    np.testing.assert_allclose(
        attention_log_kernel(Wq, Wk)(xq, xk), raw / 2.0, rtol=1e-12, atol=0
    )


@pytest.mark.parametrize(("tau", "h"), [(0.5, 1.0), (2.0, 0.7), (1.0, 3.0)])
def test_effective_temperature_with_a_bandwidth_is_tau_h_squared(tau, h):
    rng = np.random.default_rng(6)
    X, V = rng.normal(size=(6, 2)), rng.normal(size=(6, 2))
    kern = attention_log_kernel(np.eye(2), np.eye(2), temperature=tau)
    got = nadaraya_watson(X, V, X, h, kernel=kern)
    scores = X @ X.T / (tau * h**2)
    ref = np.exp(scores - scores.max(1, keepdims=True))
    np.testing.assert_allclose(got, (ref / ref.sum(1, keepdims=True)) @ V, atol=1e-12)


def gaussian_weights(q, k, tau, prior=None):
    """Gaussian NW weights exp(-|q - k|^2 / (2 tau)), optionally times a per-key prior."""
    log_w = -((q[:, None, :] - k[None, :, :]) ** 2).sum(-1) / (2 * tau)
    w = np.exp(log_w - log_w.max(1, keepdims=True))
    if prior is not None:
        w = w * prior[None, :]
    return w / w.sum(1, keepdims=True)


def test_temperature_is_a_bandwidth_only_up_to_a_key_norm_prior():
    rng = np.random.default_rng(8)
    tau = 1.5
    q, k = rng.normal(size=(4, 3)), rng.normal(size=(6, 3))
    k[0] *= 3.0  # one long key: unequal norms
    dot = softmax(q @ k.T / tau)
    plain = gaussian_weights(q, k, tau)
    # softmax(q.k / tau) is NOT Gaussian NW with h^2 = tau when key norms differ ...
    assert np.abs(dot - plain).max() > 0.05
    # ... it is Gaussian NW weighted by the per-key prior exp(|k|^2 / (2 tau))
    prior = np.exp((k**2).sum(1) / (2 * tau))
    np.testing.assert_allclose(dot, gaussian_weights(q, k, tau, prior), atol=1e-12)
    # and with keys of one norm the prior is constant and drops out
    k_unit = k / np.linalg.norm(k, axis=1, keepdims=True)
    np.testing.assert_allclose(
        softmax(q @ k_unit.T / tau), gaussian_weights(q, k_unit, tau), atol=1e-12
    )


@pytest.mark.parametrize(
    ("temperature", "error"),
    [
        (0.0, ValueError),
        (-1.0, ValueError),
        (np.inf, ValueError),
        (np.nan, ValueError),
        ("2", TypeError),
        (True, TypeError),
        ([1.0], TypeError),
    ],
)
def test_attention_log_kernel_bad_temperature(temperature, error):
    with pytest.raises(error, match=r"^temperature must be"):
        attention_log_kernel(np.eye(2), np.eye(2), temperature=temperature)
