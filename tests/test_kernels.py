"""Tests of helpers.kernels against exact values, formulas and scikit-learn/SciPy."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy.spatial.distance import cdist
from sklearn.metrics.pairwise import polynomial_kernel as sk_polynomial_kernel
from sklearn.metrics.pairwise import rbf_kernel

from helpers import kernels
from tests.support import KERNELS, as_2d, coordinates, reference_profile, train_query

# --------------------------------------------------------------------- profiles

EXACT_PROFILE_VALUES = {
    # K(0), K(0.5), K(1), K(1.5)
    "gaussian": (1.0, math.exp(-0.125), math.exp(-0.5), math.exp(-1.125)),
    "epanechnikov": (1.0, 0.75, 0.0, 0.0),  # quadratic (1 - u^2)_+, not triangular
    "uniform": (1.0, 1.0, 1.0, 0.0),  # the window is closed: |u| <= 1
    "triangular": (1.0, 0.5, 0.0, 0.0),
    "tricube": (1.0, 0.669921875, 0.0, 0.0),  # (1 - 1/8)^3 = 343/512
}


@pytest.mark.parametrize("kernel", KERNELS)
def test_profile_exact_values(kernel):
    out = kernels.profile([0.0, 0.5, 1.0, 1.5], kernel)
    np.testing.assert_allclose(out, EXACT_PROFILE_VALUES[kernel], rtol=1e-15, atol=0)


def test_epanechnikov_is_quadratic_not_triangular():
    u = np.array([0.25, 0.5, 0.75])
    np.testing.assert_allclose(kernels.profile(u, "epanechnikov"), 1 - u**2, rtol=1e-15)
    assert not np.allclose(
        kernels.profile(u, "epanechnikov"), kernels.profile(u, "triangular")
    )


def test_default_profile_is_gaussian():
    np.testing.assert_array_equal(
        kernels.profile([0.3, 2.0]), kernels.profile([0.3, 2.0], "gaussian")
    )


def test_kernel_names_are_the_five_profiles_in_book_order():
    assert kernels.KERNEL_NAMES == KERNELS


@pytest.mark.parametrize("kernel", KERNELS)
def test_profile_keeps_shape_and_ignores_sign(kernel):
    u = np.array([[-0.3, 0.3], [-2.0, 2.0]])
    out = kernels.profile(u, kernel)
    assert out.shape == (2, 2)
    np.testing.assert_array_equal(out[:, 0], out[:, 1])
    assert kernels.profile(0.0, kernel).shape == ()


@pytest.mark.parametrize("kernel", KERNELS)
def test_profile_at_infinity_is_zero_without_warnings(kernel):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = kernels.profile([np.inf, -np.inf, 1e200, 1e300], kernel)
        log_out = kernels.log_profile([np.inf, 1e200, 1e300], kernel)
    np.testing.assert_array_equal(out, 0.0)
    assert np.all(np.isneginf(log_out))


@given(
    u=hnp.arrays(np.float64, st.integers(1, 20), elements=st.floats(-5, 5)),
    kernel=st.sampled_from(KERNELS),
)
def test_profile_matches_the_formula(u, kernel):
    out = kernels.profile(u, kernel)
    np.testing.assert_allclose(
        out, reference_profile(u, kernel), rtol=1e-12, atol=1e-15
    )
    assert np.all((out >= 0) & (out <= 1))


@given(
    u=hnp.arrays(np.float64, st.integers(2, 20), elements=st.floats(0, 1e3)),
    kernel=st.sampled_from(KERNELS),
)
def test_profile_is_non_increasing_in_distance(u, kernel):
    u = np.sort(u)
    out = kernels.profile(u, kernel)
    assert np.all(np.diff(out) <= 0)
    np.testing.assert_array_equal(out, kernels.profile(-u, kernel))


@given(
    u=hnp.arrays(np.float64, st.integers(1, 20), elements=st.floats(-1e6, 1e6)),
    kernel=st.sampled_from(KERNELS),
)
def test_log_profile_is_the_log_of_profile_and_never_nan(u, kernel):
    log_k = kernels.log_profile(u, kernel)
    assert not np.isnan(log_k).any()
    assert not np.isposinf(log_k).any()
    assert np.all(log_k <= 0)
    k = kernels.profile(u, kernel)
    positive = k > 0
    np.testing.assert_allclose(
        log_k[positive], np.log(k[positive]), rtol=1e-12, atol=1e-14
    )
    # Where K underflows (or is 0 outside the support) the log is still exact.
    if kernel == "gaussian":
        np.testing.assert_allclose(log_k, -0.5 * u**2, rtol=1e-15)
    else:
        assert np.all(np.isneginf(log_k[np.abs(u) > 1]))


def test_log_profile_of_gaussian_stays_exact_where_profile_underflows():
    assert kernels.profile([100.0])[0] == 0.0
    assert kernels.log_profile([100.0])[0] == -5000.0
    assert kernels.log_profile([0.0])[0] == 0.0


# ------------------------------------------------------------------ check_kernel


@pytest.mark.parametrize("kernel", KERNELS)
def test_check_kernel_returns_known_names(kernel):
    assert kernels.check_kernel(kernel) == kernel


def test_check_kernel_returns_callables_unchanged():
    def func(a, b):
        return a @ b.T

    assert kernels.check_kernel(func) is func
    log_func = kernels.as_log_kernel(func)
    assert kernels.check_kernel(log_func) is log_func


@given(st.text(max_size=12))
def test_check_kernel_accepts_exactly_the_known_names(name):
    if name in KERNELS:
        assert kernels.check_kernel(name) == name
    else:
        with pytest.raises(ValueError, match=r"^kernel=.* is not a known kernel"):
            kernels.check_kernel(name)
        with pytest.raises(ValueError, match=r"^my_arg="):
            kernels.check_kernel(name, name="my_arg")


# ----------------------------------------------------------- pairwise_distances


def test_pairwise_distances_known_values():
    np.testing.assert_array_equal(
        kernels.pairwise_distances([0.0, 3.0], [1.0]), [[1.0], [2.0]]
    )
    np.testing.assert_array_equal(
        kernels.pairwise_distances([[0.0, 0.0]], [[3.0, 4.0]]), [[5.0]]
    )


@given(train_query(max_n=10, max_m=10, max_d=4))
def test_pairwise_distances_match_scipy_cdist(points):
    b, a = points
    out = kernels.pairwise_distances(a, b)
    ref = cdist(as_2d(a), as_2d(b))
    assert out.shape == (len(a), len(b))
    np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-12)
    assert np.all(out >= 0)


@given(train_query(max_n=10, max_d=4))
def test_pairwise_distances_to_self_are_symmetric_with_zero_diagonal(points):
    a = points[0]
    out = kernels.pairwise_distances(a)
    np.testing.assert_array_equal(out, kernels.pairwise_distances(a, a))
    np.testing.assert_array_equal(np.diag(out), 0.0)
    np.testing.assert_array_equal(out, out.T)


def test_pairwise_distances_1d_equals_column_2d():
    a, b = np.array([0.5, -1.0, 2.0]), np.array([3.0, 0.0])
    np.testing.assert_array_equal(
        kernels.pairwise_distances(a, b),
        kernels.pairwise_distances(a[:, None], b[:, None]),
    )


# ------------------------------------------------------------------ gram_matrix


@given(
    points=train_query(max_n=10, max_m=8, max_d=3),
    gamma=st.floats(-3, 2).map(lambda e: 10.0**e),
)
def test_gram_matrix_gaussian_equals_sklearn_rbf_kernel(points, gamma):
    b, a = points
    h = 1 / np.sqrt(2 * gamma)
    out = kernels.gram_matrix(a, b, bandwidth=h)
    np.testing.assert_allclose(
        out, rbf_kernel(as_2d(a), as_2d(b), gamma=gamma), rtol=1e-9, atol=1e-14
    )


@given(
    points=train_query(max_n=10, max_m=8, max_d=3),
    h=st.floats(-2, 2).map(lambda e: 10.0**e),
    kernel=st.sampled_from(KERNELS),
)
def test_gram_matrix_is_the_profile_of_scaled_distances(points, h, kernel):
    b, a = points
    u = cdist(as_2d(a), as_2d(b)) / h
    assume(np.all(np.abs(u - 1) > 1e-9))  # skip points exactly on a window's edge
    out = kernels.gram_matrix(a, b, bandwidth=h, kernel=kernel)
    np.testing.assert_allclose(out, reference_profile(u, kernel), rtol=1e-9, atol=1e-12)


@given(
    x=train_query(max_n=15, max_d=3),
    h=st.floats(-2, 2).map(lambda e: 10.0**e),
)
def test_gaussian_gram_matrix_is_symmetric_positive_semidefinite(x, h):
    g = kernels.gram_matrix(x[0], bandwidth=h)
    n = len(x[0])
    assert g.shape == (n, n)
    np.testing.assert_array_equal(g, g.T)
    np.testing.assert_array_equal(np.diag(g), 1.0)
    assert np.linalg.eigvalsh(g).min() >= -1e-10 * n


def test_gram_matrix_default_example():
    np.testing.assert_allclose(
        kernels.gram_matrix([0.0, 1.0]),
        [[1.0, np.exp(-0.5)], [np.exp(-0.5), 1.0]],
        rtol=1e-15,
    )


def test_uniform_gram_matrix_is_not_positive_semidefinite_for_some_points():
    # Not every smoothing profile is a PSD kernel: only the Gaussian is promised.
    g = kernels.gram_matrix(np.arange(0, 2.0, 0.3), bandwidth=1.0, kernel="uniform")
    assert np.linalg.eigvalsh(g).min() < -1e-3


# ------------------------------------------------------------ polynomial kernel


def test_polynomial_kernel_known_value():
    assert kernels.polynomial_kernel([[1.0, 2.0]], [[3.0, 4.0]]).tolist() == [[144.0]]
    assert (
        kernels.polynomial_kernel([[1.0, 2.0]], [[3.0, 4.0]], degree=3, coef0=0.0)[0, 0]
        == 11**3
    )


@given(
    points=train_query(max_n=6, max_m=6, max_d=3),
    degree=st.integers(1, 4),
    coef0=st.floats(0, 3),
)
def test_polynomial_kernel_equals_sklearn(points, degree, coef0):
    b, a = points
    out = kernels.polynomial_kernel(a, b, degree=degree, coef0=coef0)
    ref = sk_polynomial_kernel(
        as_2d(a), as_2d(b), degree=degree, gamma=1.0, coef0=coef0
    )
    np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-9)
    np.testing.assert_array_equal(
        kernels.polynomial_kernel(a, degree=degree, coef0=coef0).shape, (len(a), len(a))
    )


@given(
    points=train_query(max_n=6, max_m=6, max_d=3),
    degree=st.integers(1, 4),
    coef0=st.floats(0, 3),
)
def test_polynomial_features_reproduce_the_kernel(points, degree, coef0):
    b, a = points
    phi_a = kernels.polynomial_features(a, degree=degree, coef0=coef0)
    phi_b = kernels.polynomial_features(b, degree=degree, coef0=coef0)
    d = as_2d(a).shape[1]
    assert phi_a.shape == (len(a), math.comb(d + degree, degree))
    kernel = kernels.polynomial_kernel(a, b, degree=degree, coef0=coef0)
    # Scale of the terms summed: (|a||b| + c)^p bounds every |k| and the cancellation error.
    scale = (
        np.linalg.norm(as_2d(a), axis=1)[:, None] * np.linalg.norm(as_2d(b), axis=1)
        + coef0
    )
    np.testing.assert_allclose(
        phi_a @ phi_b.T, kernel, rtol=0, atol=1e-10 * (1 + scale**degree).max()
    )


def test_polynomial_features_known_map_in_one_dimension():
    # (xy + 1)^2 = 1 + 2xy + x^2 y^2: phi(x) = (1, sqrt(2) x, x^2), in some order.
    phi = kernels.polynomial_features([2.0], degree=2, coef0=1.0)
    assert phi.shape == (1, 3)
    np.testing.assert_allclose(
        np.sort(phi[0]), np.sort([1.0, np.sqrt(2) * 2, 4.0]), rtol=1e-15
    )


# ------------------------------------------------------- random Fourier features


def test_random_fourier_features_shape_bound_and_determinism():
    x = np.linspace(-2, 2, 9).reshape(-1, 1)
    z = kernels.random_fourier_features(x, n_features=64, bandwidth=0.7, seed=3)
    assert z.shape == (9, 64)
    assert np.all(np.abs(z) <= np.sqrt(2 / 64) + 1e-15)
    np.testing.assert_array_equal(
        z, kernels.random_fourier_features(x, 64, 0.7, seed=3)
    )
    assert not np.array_equal(z, kernels.random_fourier_features(x, 64, 0.7, seed=4))


def test_random_fourier_features_converge_to_the_gaussian_kernel():
    x = np.random.default_rng(0).uniform(-1.5, 1.5, size=(12, 2))
    h = 0.8
    exact = kernels.gram_matrix(x, bandwidth=h)
    errors = []
    for n_features in (100, 10_000):
        z = kernels.random_fourier_features(x, n_features, bandwidth=h, seed=1)
        errors.append(np.abs(z @ z.T - exact).max())
    assert errors[1] < 0.05  # O(D^-1/2)
    assert (
        errors[1] < errors[0] / 3
    )  # 10x the error at 100x fewer features, give or take


@given(
    x=train_query(max_n=8, max_d=3),
    n_features=st.integers(1, 50),
    h=st.floats(-2, 2).map(lambda e: 10.0**e),
    seed=st.integers(0, 2**32),
)
def test_random_fourier_features_are_a_fixed_row_wise_map(x, n_features, h, seed):
    a, b = x
    both = np.concatenate([as_2d(a), as_2d(b)])
    z_both = kernels.random_fourier_features(both, n_features, bandwidth=h, seed=seed)
    z_a = kernels.random_fourier_features(a, n_features, bandwidth=h, seed=seed)
    assert z_both.shape == (len(both), n_features)
    np.testing.assert_allclose(z_both[: len(a)], z_a, rtol=0, atol=1e-12)
    assert np.all(np.abs(z_both) <= np.sqrt(2 / n_features) * (1 + 1e-12))


# ------------------------------------------------------------------ as_log_kernel


def test_as_log_kernel_marks_and_forwards():
    def dot(q, k):
        """Dot-product scores."""
        return q @ k.T

    wrapped = kernels.as_log_kernel(dot)
    assert wrapped.is_log_kernel is True
    assert wrapped.__name__ == "dot"
    assert wrapped.__doc__ == "Dot-product scores."
    assert not getattr(dot, "is_log_kernel", False)  # the original is not changed


@given(x=train_query(max_n=6, max_d=3))
def test_as_log_kernel_returns_what_the_function_returns(x):
    k, q = (as_2d(v) for v in x)
    wrapped = kernels.as_log_kernel(lambda a, b: a @ b.T - 1.0)
    np.testing.assert_array_equal(wrapped(q, k), q @ k.T - 1.0)


@given(st.sampled_from(KERNELS), st.lists(coordinates, min_size=1, max_size=5))
def test_check_kernel_and_profiles_agree_on_names(kernel, u):
    assert kernels.check_kernel(kernel) == kernel
    np.testing.assert_array_equal(
        kernels.profile(u, kernel), np.exp(kernels.log_profile(u, kernel))
    )
