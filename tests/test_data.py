"""Tests of helpers.data: the noisy sine, its regression function and the toy sentence."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from helpers import data


def test_noisy_sine_reproduces_the_seed_data_exactly(seed_data):
    x_ref, y_ref = seed_data
    x, y = data.noisy_sine()
    np.testing.assert_array_equal(x, x_ref)
    np.testing.assert_array_equal(y, y_ref)


def test_noisy_sine_does_not_touch_the_global_random_state(global_rng):
    np.random.seed(7)  # noqa: NPY002
    before = np.random.get_state()  # noqa: NPY002
    data.noisy_sine(n=25, seed=3)
    after = np.random.get_state()  # noqa: NPY002
    assert before[0] == after[0]
    np.testing.assert_array_equal(before[1], after[1])
    assert before[2:] == after[2:]


def test_noisy_sine_shapes_types_and_range():
    x, y = data.noisy_sine(n=7, seed=1, low=-2.0, high=3.0, noise=0.5)
    assert x.shape == y.shape == (7,)
    assert x.dtype == y.dtype == np.float64
    assert np.all((x >= -2.0) & (x < 3.0))


def test_noisy_sine_seed_changes_the_draw_and_same_seed_repeats_it():
    a = data.noisy_sine(n=10, seed=1)
    b = data.noisy_sine(n=10, seed=1)
    c = data.noisy_sine(n=10, seed=2)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def test_noisy_sine_accepts_numpy_scalars():
    x, _ = data.noisy_sine(
        n=np.int64(5), seed=np.int32(3), low=np.float32(0), high=np.int64(2)
    )
    assert x.shape == (5,)
    assert np.all((x >= 0) & (x < 2))


@given(
    n=st.integers(1, 60),
    seed=st.integers(0, 2**32 - 1),
    low=st.floats(-100, 100),
    width=st.floats(1e-3, 100),
    noise=st.floats(1e-3, 10),
)
def test_noisy_sine_matches_an_independent_random_state(n, seed, low, width, noise):
    high = low + width
    x, y = data.noisy_sine(n=n, seed=seed, low=low, high=high, noise=noise)
    rng = np.random.RandomState(seed)
    x_ref = rng.uniform(low, high, n)
    eps = rng.normal(size=n)
    np.testing.assert_array_equal(x, x_ref)
    np.testing.assert_allclose(
        y, 2 * np.sin(x_ref) + noise * eps, rtol=1e-15, atol=1e-13
    )
    assert np.all((x >= low) & (x <= high))
    assert np.isfinite(y).all()


def test_true_function_known_values():
    np.testing.assert_allclose(
        data.true_function([0.0, np.pi / 2, np.pi, 3 * np.pi / 2]),
        [0.0, 2.0, 0.0, -2.0],
        atol=1e-15,
    )


def test_true_function_keeps_shape_and_accepts_integers():
    out = data.true_function(np.zeros((2, 3), dtype=int))
    assert out.shape == (2, 3)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, 0.0)


def test_true_function_is_the_mean_of_noisy_sine():
    x, y = data.noisy_sine(n=20000, seed=5, noise=1.0)
    residual = y - data.true_function(x)
    assert abs(residual.mean()) < 4 / np.sqrt(20000)  # 4 standard errors
    assert abs(residual.std() - 1.0) < 0.03


@given(
    hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=0, max_dims=2, max_side=6),
        elements=st.floats(-1e6, 1e6),
    )
)
def test_true_function_is_two_sine(x):
    out = data.true_function(x)
    assert out.shape == np.shape(x)
    np.testing.assert_array_equal(out, 2 * np.sin(x))
    assert np.all(np.abs(out) <= 2)


# ------------------------------------------------------------ the toy sentence


def test_toy_sentence_tokens_and_shape():
    tokens, X = data.toy_sentence()
    assert tokens == ["The", "cat", "sat", "on", "the", "mat"]
    assert X.shape == (6, 8)
    assert X.dtype == np.float64
    _, X3 = data.toy_sentence(d_model=3, seed=5)
    assert X3.shape == (6, 3)


def test_toy_sentence_returns_a_new_token_list_each_call():
    tokens, _ = data.toy_sentence()
    tokens.append("!")
    assert data.toy_sentence()[0] == ["The", "cat", "sat", "on", "the", "mat"]


def test_toy_sentence_is_deterministic_and_the_seed_matters():
    _, a = data.toy_sentence(d_model=8, seed=11)
    _, b = data.toy_sentence(d_model=8, seed=11)
    _, c = data.toy_sentence(d_model=8, seed=12)
    np.testing.assert_array_equal(a, b)
    assert not np.any(np.isclose(a, c))


def test_toy_sentence_equal_words_get_equal_rows_and_only_they():
    tokens, X = data.toy_sentence(d_model=16, seed=3)
    words = [t.lower() for t in tokens]
    for i in range(6):
        for j in range(6):
            if words[i] == words[j]:
                np.testing.assert_array_equal(X[i], X[j])
            else:
                assert np.abs(X[i] - X[j]).max() > 1e-3, (tokens[i], tokens[j])


def test_toy_sentence_matches_an_independent_generator():
    # the documented recipe: a table of the 5 words in order of first appearance
    rng = np.random.default_rng(2017)
    table = rng.normal(size=(5, 8))
    _, X = data.toy_sentence()
    np.testing.assert_array_equal(X, table[[0, 1, 2, 3, 0, 4]])


def test_toy_sentence_entries_are_standard_normal():
    _, X = data.toy_sentence(d_model=20_000, seed=0)
    # 5 distinct rows: 100,000 draws; standard errors 0.003 (mean), 0.0045 (variance)
    distinct = X[[0, 1, 2, 3, 5]]
    assert abs(distinct.mean()) < 0.015
    assert abs(distinct.var() - 1) < 0.02


def test_toy_projections_continue_the_sentence_generator():
    rng = np.random.default_rng(2017)
    rng.normal(size=(5, 8))
    expected = [rng.normal(scale=1 / np.sqrt(8), size=(8, 4)) for _ in range(3)]
    for got, want in zip(data.toy_projections(), expected, strict=True):
        np.testing.assert_array_equal(got, want)


def test_toy_projections_shapes_and_default_d_v():
    W_q, W_k, W_v = data.toy_projections(d_model=6, d_k=3, seed=1)
    assert W_q.shape == W_k.shape == W_v.shape == (6, 3)
    *_, W_v5 = data.toy_projections(d_model=6, d_k=3, d_v=5, seed=1)
    assert W_v5.shape == (6, 5)


def test_toy_projections_are_deterministic_distinct_and_independent_of_the_embeddings():
    a = data.toy_projections(seed=4)
    b = data.toy_projections(seed=4)
    c = data.toy_projections(seed=5)
    for x, y, z in zip(a, b, c, strict=True):
        np.testing.assert_array_equal(x, y)
        assert not np.any(np.isclose(x, z))
    assert not np.array_equal(a[0], a[1]) and not np.array_equal(a[1], a[2])
    # no number of the embedding table is reused in a projection
    _, X = data.toy_sentence(seed=4)
    projected = np.concatenate([w.ravel() * np.sqrt(8) for w in a])
    assert not np.any(np.isin(np.round(projected, 12), np.round(X, 12)))


def test_toy_projections_have_variance_one_over_d_model():
    W_q, W_k, W_v = data.toy_projections(d_model=400, d_k=100, seed=0)
    # 120,000 entries: standard error of the variance about 0.4%
    entries = np.concatenate([W_q.ravel(), W_k.ravel(), W_v.ravel()])
    np.testing.assert_allclose(entries.var() * 400, 1.0, rtol=0.02)


def test_toy_world_does_not_touch_the_global_random_state(global_rng):
    np.random.seed(7)  # noqa: NPY002
    before = np.random.get_state()  # noqa: NPY002
    data.toy_sentence()
    data.toy_projections()
    after = np.random.get_state()  # noqa: NPY002
    np.testing.assert_array_equal(before[1], after[1])


@pytest.mark.parametrize(
    ("func", "kwargs", "error", "name"),
    [
        (data.toy_sentence, {"d_model": 2.5}, TypeError, "d_model"),
        (data.toy_sentence, {"d_model": True}, TypeError, "d_model"),
        (data.toy_sentence, {"d_model": 0}, ValueError, "d_model"),
        (data.toy_sentence, {"seed": -1}, ValueError, "seed"),
        (data.toy_sentence, {"seed": "2017"}, TypeError, "seed"),
        (data.toy_projections, {"d_model": -3}, ValueError, "d_model"),
        (data.toy_projections, {"d_k": 0}, ValueError, "d_k"),
        (data.toy_projections, {"d_k": 4.0}, TypeError, "d_k"),
        (data.toy_projections, {"d_v": 0}, ValueError, "d_v"),
        (data.toy_projections, {"seed": -5}, ValueError, "seed"),
    ],
)
def test_toy_world_rejects_bad_arguments_naming_them(func, kwargs, error, name):
    with pytest.raises(error) as info:
        func(**kwargs)
    assert str(info.value).startswith(name)
