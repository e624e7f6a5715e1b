"""Tests of helpers.linear_attention: reordered sums, the RNN view, Performer features."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import attention, masks
from helpers.linear_attention import (
    elu_feature_map,
    linear_attention,
    positive_random_features,
)

RNG = np.random.default_rng(0)
N, D = 40, 6
X = RNG.normal(size=(N, D))
Q, K = RNG.normal(size=(25, D)), RNG.normal(size=(N, D))
V = RNG.normal(size=(N, 3))


def quadratic(q, k, v, phi, mask=None):
    """The (m, n) kernel matrix phi(Q) phi(K)^T, masked, then row-normalised."""
    a = phi(q) @ phi(k).T
    if mask is not None:
        a = np.where(mask, a, 0.0)
    return (a @ v) / a.sum(axis=1, keepdims=True)


def prf(x):
    return positive_random_features(x, 64, seed=3)


@pytest.mark.parametrize("phi", [elu_feature_map, prf])
def test_reordered_sums_equal_the_quadratic_form(phi):
    got = linear_attention(Q, K, V, phi)
    assert np.max(np.abs(got - quadratic(Q, K, V, phi))) <= 1e-12


@pytest.mark.parametrize("phi", [elu_feature_map, prf])
@pytest.mark.parametrize("method", ["recurrence", "cumsum"])
def test_causal_recurrence_equals_the_masked_quadratic_form(phi, method):
    got = linear_attention(X, X, V, phi, causal=True, method=method)
    want = quadratic(X, X, V, phi, masks.causal(N))
    assert np.max(np.abs(got - want)) <= 1e-12


def test_causal_row_t_only_sees_the_prefix():
    got = linear_attention(X, X, V, elu_feature_map, causal=True)
    for t in (0, 7, N - 1):
        prefix = linear_attention(X[: t + 1], X[: t + 1], V[: t + 1], elu_feature_map)
        assert np.max(np.abs(got[t] - prefix[t])) <= 1e-12


def test_one_dimensional_values():
    got = linear_attention(Q, K, V[:, 0], elu_feature_map)
    assert got.shape == (25,)
    want = linear_attention(Q, K, V, elu_feature_map)[:, 0]
    assert np.max(np.abs(got - want)) <= 1e-15


@given(st.integers(1, 12), st.integers(1, 5), st.integers(0, 3))
def test_weights_are_an_average(n, d, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d))
    v = rng.normal(size=(n, 1))
    out = linear_attention(x, x, v, elu_feature_map, causal=True)
    assert np.all(out >= v.min() - 1e-12) and np.all(out <= v.max() + 1e-12)


# ---------------------------------------------------------------- feature maps


def test_elu_feature_map_definition_and_positivity():
    x = np.linspace(-30, 30, 601)
    want = np.array([t + 1 if t > 0 else np.exp(t) for t in x])
    np.testing.assert_array_equal(elu_feature_map(x), want)
    assert np.all(elu_feature_map(RNG.normal(size=(50, 4)) * 10) > 0)


def test_positive_random_features_are_positive_and_shaped():
    phi = positive_random_features(X, 17, seed=0)
    assert phi.shape == (N, 17) and np.all(phi > 0)
    assert positive_random_features(X[0], 5, seed=0).shape == (5,)


def test_the_definition():
    w = np.random.default_rng(7).standard_normal((9, D))
    want = np.exp(X @ w.T - 0.5 * np.sum(X**2, axis=1, keepdims=True)) / 3.0
    got = positive_random_features(X, 9, seed=7)
    np.testing.assert_allclose(got, want, rtol=1e-13)


def test_same_seed_same_directions_for_queries_and_keys():
    a = positive_random_features(Q, 32, seed=5)
    b = positive_random_features(np.vstack([K, Q]), 32, seed=5)[N:]
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, positive_random_features(Q, 32, seed=6))
    # iid features are nested in r
    big = positive_random_features(Q, 64, seed=5) * np.sqrt(64)
    np.testing.assert_allclose(a * np.sqrt(32), big[:, :32], rtol=1e-14)


@pytest.mark.parametrize("orthogonal", [False, True])
def test_performer_estimate_is_unbiased(orthogonal):
    q = np.array([[0.3, -0.2, 0.5]])
    k = np.array([[0.1, 0.4, -0.3]])
    seeds = 3000
    est = np.array(
        [
            (
                positive_random_features(q, 8, s, orthogonal)
                @ positive_random_features(k, 8, s, orthogonal).T
            )[0, 0]
            for s in range(seeds)
        ]
    )
    exact = np.exp(q @ k.T)[0, 0]
    stderr = est.std() / np.sqrt(seeds)
    assert abs(est.mean() - exact) < 4 * stderr
    if not orthogonal:
        # the theoretical variance of the average of r = 8 features
        var = np.exp(2 * (q @ k.T)[0, 0]) * (np.exp(np.sum((q + k) ** 2)) - 1) / 8
        assert abs(est.var() / var - 1) < 0.1


def test_orthogonal_directions_are_orthogonal_with_gaussian_lengths():
    d = 4
    x = np.eye(d)
    # phi(e_i)_j * sqrt(r) * e^{1/2} = e^{w_j,i}: recover W from unit inputs
    feats = positive_random_features(x, 10, seed=2, orthogonal=True)
    w = np.log(feats * np.sqrt(10) * np.exp(0.5)).T
    gram = w[:4] @ w[:4].T
    assert np.max(np.abs(gram - np.diag(np.diag(gram)))) < 1e-10
    gram2 = w[4:8] @ w[4:8].T
    assert np.max(np.abs(gram2 - np.diag(np.diag(gram2)))) < 1e-10


def test_orthogonal_features_have_lower_variance():
    d = 32
    rng = np.random.default_rng(4)
    qk = rng.normal(size=(2, d))
    qk *= 0.6 / np.linalg.norm(qk, axis=1, keepdims=True)

    def variance(orthogonal):
        est = []
        for s in range(2000):
            phi = positive_random_features(qk, d, s, orthogonal)
            est.append(phi[0] @ phi[1])
        return np.var(est)

    theory = np.exp(2 * qk[0] @ qk[1]) * (np.exp(np.sum(qk.sum(0) ** 2)) - 1) / d
    iid, orth = variance(False), variance(True)
    assert abs(iid / theory - 1) < 0.1
    assert orth < 0.9 * iid


def test_performer_attention_approaches_softmax_attention():
    d = 4
    q, k = 0.5 * RNG.normal(size=(10, d)), 0.5 * RNG.normal(size=(30, d))
    v = RNG.normal(size=(30, 2))
    exact = attention.scaled_dot_product_attention(q, k, v)

    def err(r):
        phi = lambda x: positive_random_features(x / d**0.25, r, seed=0)  # noqa: E731
        return np.max(np.abs(linear_attention(q, k, v, phi) - exact))

    assert err(16384) < 0.03
    assert err(16384) < err(16) / 5


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("value", "error", "start"),
    [
        (0, ValueError, "n_features"),
        (-2, ValueError, "n_features"),
        (3.0, TypeError, "n_features"),
        (True, TypeError, "n_features"),
    ],
)
def test_bad_n_features(value, error, start):
    with pytest.raises(error, match="^" + start):
        positive_random_features(X, value, seed=0)


@pytest.mark.parametrize(
    ("kwargs", "error", "start"),
    [
        ({"seed": -1}, ValueError, "seed"),
        ({"seed": 1.5}, TypeError, "seed"),
        ({"seed": None}, TypeError, "seed"),
        ({"orthogonal": "yes"}, TypeError, "orthogonal"),
        ({"x": [[np.nan, 1.0]]}, ValueError, "x"),
        ({"x": 3.0}, ValueError, "x"),
        ({"x": [[1e200, 0.0]]}, ValueError, "x is too large"),
    ],
)
def test_bad_random_feature_input(kwargs, error, start):
    args = {"x": X, "n_features": 4, "seed": 0} | kwargs
    with pytest.raises(error, match="^" + start):
        positive_random_features(**args)


def test_negative_features_are_rejected_naming_feature_map():
    with pytest.raises(ValueError, match=r"^feature_map returned negative values"):
        linear_attention(Q, K, V, lambda x: x)
    with pytest.raises(ValueError, match=r"^feature_map returned negative"):
        linear_attention(Q, K, V, lambda x: np.cos(x), causal=False)


def test_zero_normaliser_is_an_error():
    with pytest.raises(ValueError, match=r"^feature_map gives query rows"):
        linear_attention(Q, K, V, lambda x: np.zeros((x.shape[0], 3)))


@pytest.mark.parametrize(
    ("kwargs", "error", "start"),
    [
        ({"feature_map": "elu"}, TypeError, "feature_map must be callable"),
        ({"feature_map": lambda x: x[:, 0]}, ValueError, "feature_map returned shape"),
        ({"feature_map": lambda x: np.abs(x) * np.nan}, ValueError, "feature_map"),
        ({"feature_map": lambda x: x.astype(str)}, TypeError, "feature_map"),
        (
            {"feature_map": lambda x: np.ones((x.shape[0], x.shape[0]))},
            ValueError,
            "feature_map returned 25 features",
        ),
        ({"Q": Q[:, :2]}, ValueError, "Q has d_k=2"),
        ({"Q": Q[0]}, ValueError, "Q must be 2-D"),
        ({"V": V[:3]}, ValueError, "K has n=40"),
        ({"K": np.where(K > 0, np.inf, K)}, ValueError, "K contains"),
        ({"causal": True}, ValueError, "causal=True needs"),
        ({"causal": "no"}, TypeError, "causal"),
        ({"method": "loop"}, ValueError, "method"),
    ],
)
def test_bad_linear_attention_input(kwargs, error, start):
    args = {"Q": Q, "K": K, "V": V, "feature_map": elu_feature_map} | kwargs
    with pytest.raises(error, match="^" + start):
        linear_attention(**args)
