"""Tests of helpers.masks: each pattern against its definition on positions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import masks


def by_loop(rule, m, n):
    return np.array([[bool(rule(i, j)) for j in range(n)] for i in range(m)])


@given(st.integers(1, 12), st.integers(0, 5))
def test_patterns_match_their_definitions(n, w):
    assert np.array_equal(masks.causal(n), by_loop(lambda i, j: j <= i, n, n))
    assert np.array_equal(masks.full(n, n + 1), np.ones((n, n + 1), bool))
    assert np.array_equal(
        masks.sliding_window(n, w), by_loop(lambda i, j: abs(i - j) <= w, n, n)
    )
    assert np.array_equal(
        masks.sliding_window(n, w, causal=True),
        by_loop(lambda i, j: 0 <= i - j <= w, n, n),
    )
    s = w + 1
    assert np.array_equal(
        masks.strided(n, s), by_loop(lambda i, j: j <= i and (i - j) % s == 0, n, n)
    )
    assert np.array_equal(
        masks.strided(n, s, causal=False), by_loop(lambda i, j: (i - j) % s == 0, n, n)
    )


@given(st.integers(1, 12), st.integers(0, 3), st.data())
def test_global_local(n, w, data):
    g = data.draw(st.lists(st.integers(0, n - 1), max_size=3, unique=True))
    got = masks.global_local(n, w, g)
    ref = by_loop(lambda i, j: abs(i - j) <= w or i in g or j in g, n, n)
    assert np.array_equal(got, ref)


def test_every_pattern_leaves_no_query_without_a_key():
    n = 9
    for mask in (
        masks.causal(n),
        masks.sliding_window(n, 2),
        masks.sliding_window(n, 0, causal=True),
        masks.strided(n, 3),
        masks.global_local(n, 1, [0]),
        masks.random(n, 2, seed=3),
        masks.key_padding([1, 9], n)[:, 0],
    ):
        assert mask.dtype == np.bool_
        assert mask.any(axis=-1).all()


def test_key_padding():
    got = masks.key_padding([1, 3, 4], 4)
    assert got.shape == (3, 1, 4)
    assert np.array_equal(got[:, 0], by_loop(lambda b, j: j < [1, 3, 4][b], 3, 4))


@given(st.integers(1, 15), st.integers(1, 15), st.integers(0, 10**6))
def test_random_has_n_random_keys_per_row_and_is_seeded(n, k, seed):
    k = min(k, n)
    a = masks.random(n, k, seed=seed, m=4)
    assert a.shape == (4, n)
    assert np.all(a.sum(axis=1) == k)
    assert np.array_equal(a, masks.random(n, k, seed=seed, m=4))


def test_random_differs_between_seeds():
    assert not np.array_equal(masks.random(30, 5, seed=1), masks.random(30, 5, seed=2))


def test_from_predicate_cross_shape():
    got = masks.from_predicate(lambda i, j: 2 * j <= i, 4, 3)
    assert np.array_equal(got, by_loop(lambda i, j: 2 * j <= i, 4, 3))


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: masks.causal(-1), ValueError, "n must be >= 1"),
        (lambda: masks.causal(0), ValueError, "n must be >= 1"),
        (lambda: masks.causal(2.0), TypeError, "n must be an integer"),
        (lambda: masks.full(3, -2), ValueError, "n must be >= 1"),
        (lambda: masks.sliding_window(4, -1), ValueError, "window must be >= 0"),
        (
            lambda: masks.sliding_window(4, 1, causal=1),
            TypeError,
            "causal must be a bool",
        ),
        (lambda: masks.strided(4, 0), ValueError, "stride must be >= 1"),
        (
            lambda: masks.global_local(4, 1, [4]),
            ValueError,
            "global_tokens holds position 4",
        ),
        (
            lambda: masks.global_local(4, 1, [0.5]),
            TypeError,
            "global_tokens must hold integers",
        ),
        (lambda: masks.key_padding([0, 2], 3), ValueError, r"lengths\[0\] = 0"),
        (lambda: masks.key_padding([2, 4], 3), ValueError, r"lengths\[1\] = 4"),
        (lambda: masks.key_padding([1.5], 3), TypeError, "lengths must hold integers"),
        (lambda: masks.key_padding([], 3), ValueError, "lengths must be a non-empty"),
        (lambda: masks.random(4, 5), ValueError, "n_random=5 exceeds n"),
        (lambda: masks.random(4, 0), ValueError, "n_random must be >= 1"),
        (lambda: masks.random(4, 1, seed=-1), ValueError, "seed must be >= 0"),
        (lambda: masks.from_predicate("x", 3), TypeError, "predicate must be callable"),
        (
            lambda: masks.from_predicate(lambda i, j: i - j, 3),
            TypeError,
            "must return booleans",
        ),
        (
            lambda: masks.from_predicate(lambda i, j: np.ones((2, 2), bool), 3),
            ValueError,
            "does not broadcast",
        ),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()
