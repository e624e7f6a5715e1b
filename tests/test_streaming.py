"""Tests of helpers.streaming: the one-pass online softmax equals the dense helpers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import attention, masks, smoothers
from helpers.streaming import streaming_attention, streaming_nadaraya_watson

RNG = np.random.default_rng(0)
M, N, D = 37, 53, 8
Q, K, V = RNG.normal(size=(M, D)), RNG.normal(size=(N, D)), RNG.normal(size=(N, 3))
X, VX = RNG.normal(size=(N, D)), RNG.normal(size=(N, 2))
BLOCKS = (1, 7, 16, 53, 500)


def close(a, b, tol=1e-12):
    assert a.shape == b.shape
    assert np.max(np.abs(a - b)) <= tol


@pytest.mark.parametrize("block", BLOCKS)
def test_full_attention_equals_dense(block):
    dense = attention.scaled_dot_product_attention(Q, K, V)
    close(streaming_attention(Q, K, V, block), dense)
    close(streaming_attention(Q, K, V, block, query_block_size=5), dense)


@pytest.mark.parametrize("block", BLOCKS)
def test_causal_equals_dense_with_causal_mask(block):
    dense = attention.scaled_dot_product_attention(X, X, VX, masks.causal(N))
    close(streaming_attention(X, X, VX, block, causal=True), dense)
    close(streaming_attention(X, X, VX, block, mask=masks.causal(N)), dense)


@pytest.mark.parametrize("block", BLOCKS)
@pytest.mark.parametrize("causal", [False, True])
def test_sliding_window_equals_dense(block, causal):
    mask = masks.sliding_window(N, 4, causal=causal)
    dense = attention.scaled_dot_product_attention(X, X, VX, mask)
    close(streaming_attention(X, X, VX, block, mask=mask), dense)
    rule = (lambda i, j: (i - j >= 0) & (i - j <= 4)) if causal else None
    rule = rule or (lambda i, j: np.abs(i - j) <= 4)
    close(streaming_attention(X, X, VX, block, mask=rule), dense)


def test_mask_and_causal_combine_by_and():
    mask = masks.sliding_window(N, 3)
    dense = attention.scaled_dot_product_attention(X, X, VX, mask & masks.causal(N))
    close(streaming_attention(X, X, VX, 6, mask=mask, causal=True), dense)


@given(
    st.integers(1, 20),
    st.integers(1, 20),
    st.integers(1, 25),
    st.integers(1, 25),
    st.integers(0, 5),
)
def test_random_masks_and_shapes(m, n, block, qblock, seed):
    rng = np.random.default_rng(seed)
    q, k, v = rng.normal(size=(m, 3)), rng.normal(size=(n, 3)), rng.normal(size=(n, 2))
    mask = rng.random((m, n)) < 0.4
    mask[np.arange(m), rng.integers(0, n, m)] = True
    dense = attention.scaled_dot_product_attention(q, k, v, mask)
    got = streaming_attention(q, k, v, block, mask=mask, query_block_size=qblock)
    close(got, dense)


def direct_skip_count(mask, bq, bk):
    m, n = mask.shape
    return sum(
        not mask[i : i + bq, j : j + bk].any()
        for i in range(0, m, bq)
        for j in range(0, n, bk)
    )


@pytest.mark.parametrize(("bq", "bk"), [(1, 1), (4, 4), (5, 3), (16, 16), (60, 60)])
def test_skipped_tiles_match_a_direct_count(bq, bk):
    n = 50
    for mask, causal in [
        (masks.sliding_window(n, 3, causal=True), False),
        (masks.sliding_window(n, 6), False),
        (None, True),
        (masks.sliding_window(n, 2), True),
    ]:
        full = np.ones((n, n), bool) if mask is None else mask
        if causal:
            full = full & masks.causal(n)
        xs = RNG.normal(size=(n, 2))
        _, stats = streaming_attention(
            xs,
            xs,
            xs,
            bk,
            mask=mask,
            causal=causal,
            query_block_size=bq,
            return_stats=True,
        )
        tiles = -(-n // bq) * -(-n // bk)
        assert stats["tiles"] == tiles
        assert stats["skipped"] == direct_skip_count(full, bq, bk)
        assert stats["computed"] == tiles - stats["skipped"]


def test_no_mask_skips_nothing():
    _, stats = streaming_attention(Q, K, V, 8, return_stats=True)
    assert stats["skipped"] == 0 and stats["tiles"] == 5 * 7


def test_sliding_window_skips_most_tiles_for_long_sequences():
    n, b = 512, 32
    xs = RNG.normal(size=(n, 4))
    _, stats = streaming_attention(
        xs, xs, xs, b, mask=lambda i, j: np.abs(i - j) <= 16, return_stats=True
    )
    # a band of width 33 touches the diagonal tile and its two neighbours
    assert stats["computed"] == 3 * (n // b) - 2


def test_empty_visible_set_is_the_dense_error():
    mask = np.ones((M, N), bool)
    mask[[2, 5]] = False
    with pytest.raises(ValueError) as dense:
        attention.scaled_dot_product_attention(Q, K, V, mask)
    with pytest.raises(ValueError) as stream:
        streaming_attention(Q, K, V, 7, mask=mask)
    assert str(stream.value) == str(dense.value)
    assert str(stream.value).startswith("query rows [2, 5] see no key")


def test_extreme_scores_give_no_nan():
    big = np.array([[1e150, 0.0], [-1e150, 0.0]])
    keys = np.array([[1e150, 0.0], [0.0, 1.0], [-1e150, 0.0]])
    vals = np.array([[1.0], [2.0], [3.0]])
    got = streaming_attention(big, keys, vals, 1)
    np.testing.assert_array_equal(got, [[1.0], [3.0]])


# ------------------------------------------------------------------ Nadaraya-Watson

XT = RNG.uniform(0, 6, 200)
YT = np.sin(XT) + 0.1 * RNG.normal(size=200)
GRID = np.linspace(0, 6, 41)


@pytest.mark.parametrize("block", (1, 7, 64, 1000))
@pytest.mark.parametrize("h", (0.05, 0.3, 2.0))
def test_nw_equals_dense(block, h):
    dense = smoothers.nadaraya_watson(XT, YT, GRID, h)
    close(streaming_nadaraya_watson(XT, YT, GRID, h, block_size=block), dense)


@pytest.mark.parametrize("kernel", ("epanechnikov", "tricube", "uniform", "triangular"))
def test_nw_other_kernels_equal_dense(kernel):
    dense = smoothers.nadaraya_watson(XT, YT, GRID, 0.5, kernel)
    close(streaming_nadaraya_watson(XT, YT, GRID, 0.5, kernel, block_size=9), dense)


def test_nw_callable_kernel_and_2d_targets():
    kern = attention.attention_log_kernel(np.eye(2), np.eye(2))
    x2 = RNG.normal(size=(30, 2))
    y2 = RNG.normal(size=(30, 3))
    dense = smoothers.nadaraya_watson(x2, y2, x2[:7], 1.0, kern)
    close(streaming_nadaraya_watson(x2, y2, x2[:7], 1.0, kern, block_size=4), dense)


def test_nw_extreme_bandwidths_are_exact():
    nearest = YT[np.argmin(np.abs(GRID[:, None] - XT[None, :]), axis=1)]
    for block in (1, 13):
        np.testing.assert_array_equal(
            streaming_nadaraya_watson(XT, YT, GRID, 1e-8, block_size=block), nearest
        )
        np.testing.assert_allclose(
            streaming_nadaraya_watson(XT, YT, GRID, 1e8, block_size=block),
            YT.mean(),
            rtol=1e-12,
        )


def test_nw_empty_window_is_the_dense_error():
    x = np.array([0.0, 1.0])
    with pytest.raises(ValueError) as dense:
        smoothers.nadaraya_watson(x, x, [0.5, 9.0], 1.0, "uniform")
    with pytest.raises(ValueError) as stream:
        streaming_nadaraya_watson(x, x, [0.5, 9.0], 1.0, "uniform", block_size=1)
    assert str(stream.value).startswith("x_query rows [1] have no training point")
    assert str(dense.value).startswith(str(stream.value)[:60])


# ------------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (0, ValueError),
        (-3, ValueError),
        (2.0, TypeError),
        (True, TypeError),
        ("4", TypeError),
    ],
)
def test_bad_block_size(value, error):
    with pytest.raises(error, match=r"^block_size"):
        streaming_attention(Q, K, V, value)
    with pytest.raises(error, match=r"^block_size"):
        streaming_nadaraya_watson(XT, YT, GRID, 1.0, block_size=value)
    with pytest.raises(error, match=r"^query_block_size"):
        streaming_attention(Q, K, V, 4, query_block_size=value)


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"Q": Q[:, :3]}, ValueError, "Q has d_k=3"),
        ({"V": V[:5]}, ValueError, "K has n=53"),
        ({"Q": Q[0]}, ValueError, "Q must be 2-D"),
        ({"K": np.empty((0, D))}, ValueError, "K is empty"),
        ({"V": np.where(V > 0, np.nan, V)}, ValueError, "V contains"),
        ({"mask": np.ones((M, N))}, TypeError, "mask must be a boolean"),
        ({"mask": np.ones((3, 3), bool)}, ValueError, "mask of shape"),
        ({"mask": lambda i, j: i - j}, TypeError, "mask"),
        ({"causal": 1}, TypeError, "causal"),
        ({"return_stats": "yes"}, TypeError, "return_stats"),
    ],
)
def test_bad_attention_input(kwargs, error, name):
    args = {"Q": Q, "K": K, "V": V, "block_size": 4} | kwargs
    with pytest.raises(error, match="^" + name):
        streaming_attention(**args)


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"bandwidth": 0.0}, ValueError, "bandwidth"),
        ({"bandwidth": "1"}, TypeError, "bandwidth"),
        ({"kernel": "cosine?"}, ValueError, "kernel"),
        ({"kernel": 3}, TypeError, "kernel"),
        ({"y_train": YT[:3]}, ValueError, "y_train"),
        ({"x_query": np.ones((2, 2))}, ValueError, "x_query"),
        ({"x_train": []}, ValueError, "x_train"),
    ],
)
def test_bad_nw_input(kwargs, error, name):
    args = {
        "x_train": XT,
        "y_train": YT,
        "x_query": GRID,
        "bandwidth": 1.0,
        "block_size": 8,
    } | kwargs
    with pytest.raises(error, match="^" + name):
        streaming_nadaraya_watson(**args)


def test_memory_does_not_grow_like_m_times_n():
    import tracemalloc

    def peak(n):
        xs = np.random.default_rng(1).normal(size=(n, 8))
        tracemalloc.start()
        streaming_attention(xs, xs, xs, 64)
        out = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return out

    small, large = peak(1000), peak(4000)
    # state and blocks are O(n d); a dense score matrix would grow 16-fold
    assert large / small < 6
    assert large < 0.05 * 4000 * 4000 * 8


# ------------------------------------------------- the dense Gaussian NW fast path


@pytest.mark.parametrize("d", [1, 2, 3])
@pytest.mark.parametrize("h", [1e-8, 1e-3, 0.02, 0.1, 0.5, 3.0, 1e3, 1e8])
def test_dense_gaussian_fast_path_equals_normalised_weights(d, h):
    rng = np.random.default_rng(d)
    x = rng.uniform(0, 6, size=(300, d))
    y = rng.normal(size=(300, 2))
    xq = rng.uniform(-1, 7, size=(150, d))
    weights = smoothers.nw_weights(x, xq, h)
    close(smoothers.nadaraya_watson(x, y, xq, h), weights @ y)
    close(smoothers.nadaraya_watson(x, y[:, 0], xq, h), weights @ y[:, 0])
    close(streaming_nadaraya_watson(x, y, xq, h, block_size=64), weights @ y)
