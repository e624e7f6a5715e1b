"""Tests of helpers.data: the running example's data and regression function."""

from __future__ import annotations

import numpy as np
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
