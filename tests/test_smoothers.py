"""Tests of helpers.smoothers against scikit-learn, naive formulas and brute force."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy.spatial.distance import cdist
from scipy.special import softmax
from sklearn.metrics.pairwise import rbf_kernel
from sklearn.neighbors import KNeighborsRegressor

from helpers import smoothers
from helpers.kernels import as_log_kernel, pairwise_distances
from tests.support import (
    KERNELS,
    as_2d,
    bandwidths,
    reference_profile,
    sorted_distances,
    targets,
    train_query,
)

small_coordinates = st.floats(-3.0, 3.0, allow_nan=False, allow_infinity=False)


@st.composite
def regression_problem(draw, max_n=12, max_m=5, max_d=3, min_n=1, d_y=None, one_d=None):
    """``(x_train, y_train, x_query)``; y is (n,) or, with d_y, (n, d_y)."""
    x_train, x_query = draw(
        train_query(max_n=max_n, max_m=max_m, max_d=max_d, min_n=min_n, one_d=one_d)
    )
    y_train = draw(targets(len(x_train), d_y))
    return x_train, y_train, x_query


@st.composite
def compact_problem(draw, max_n=10, max_m=5):
    """Data in [-3, 3]^d, where the naive formula neither underflows nor overflows."""
    n = draw(st.integers(1, max_n))
    m = draw(st.integers(1, max_m))
    d = draw(st.integers(1, 2))
    x_train = draw(hnp.arrays(np.float64, (n, d), elements=small_coordinates))
    x_query = draw(hnp.arrays(np.float64, (m, d), elements=small_coordinates))
    y_train = draw(targets(n))
    return x_train, y_train, x_query


def naive_nw(x_train, y_train, x_query, h, kernel="gaussian"):
    """The textbook formula: raw kernel values, divided by their raw sum (float64)."""
    k = reference_profile(cdist(as_2d(x_query), as_2d(x_train)) / h, kernel)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (k @ np.asarray(y_train)) / k.sum(axis=1)


def brute_force_loo(x, y, h, kernel="gaussian"):
    """Mean squared leave-one-out error by refitting n times without point i."""
    x, y = as_2d(x), np.asarray(y, dtype=float)
    residuals = []
    for i in range(len(x)):
        keep = np.arange(len(x)) != i
        fit = smoothers.nadaraya_watson(x[keep], y[keep], x[i : i + 1], h, kernel)
        residuals.append(y[i] - fit[0])
    return np.mean(np.square(residuals))


def window_state(x_train, x_query, h, kernel):
    """'empty' if some query sees no training point, 'edge' if one sits on the edge."""
    if kernel == "gaussian":
        return "ok"
    u_min = sorted_distances(x_train, x_query)[:, 0] / h
    if np.any(np.abs(u_min - 1) <= 1e-9 * max(1.0, u_min.max())):
        return "edge"
    return "empty" if np.any(u_min > 1) else "ok"


# ------------------------------------------------------------------------- kNN


def test_knn_weights_docstring_example():
    np.testing.assert_array_equal(
        smoothers.knn_weights([0.0, 1.0, 5.0], [0.4], k=2), [[0.5, 0.5, 0.0]]
    )


def test_knn_ties_are_broken_by_lower_training_index():
    # Query 0.5 is equidistant from 0 and 1 (and 4 and -3 are equidistant from it too).
    w = smoothers.knn_weights([1.0, 0.0, 4.0, -3.0], [0.5], k=1)
    np.testing.assert_array_equal(w, [[1.0, 0.0, 0.0, 0.0]])
    w = smoothers.knn_weights([4.0, 1.0, 0.0, -3.0], [0.5], k=3)
    np.testing.assert_array_equal(w, np.array([[1.0, 1.0, 1.0, 0.0]]) / 3)
    # Many ties (long enough for an unstable sort to reorder them): 20 points at
    # distance 1, the 7 chosen are the first 7 of them in training order.
    x_train = np.tile([2.0, 1.0, -1.0, 3.0], 10)
    w = smoothers.knn_weights(x_train, [0.0], k=7)
    tied = np.flatnonzero(np.abs(x_train) == 1.0)
    np.testing.assert_array_equal(np.flatnonzero(w[0]), tied[:7])


@pytest.mark.parametrize("k", [1, 3, 10, 40])
def test_knn_regress_equals_sklearn_on_the_seed_data(seed_data, k):
    x, y = seed_data
    grid = np.linspace(0, 6, 101)
    ref = (
        KNeighborsRegressor(n_neighbors=k, algorithm="brute")
        .fit(x[:, None], y)
        .predict(grid[:, None])
    )
    np.testing.assert_allclose(
        smoothers.knn_regress(x, y, grid, k), ref, rtol=1e-12, atol=1e-12
    )


def test_knn_regress_equals_sklearn_in_three_dimensions():
    rng = np.random.default_rng(1)
    x, y, q = (
        rng.normal(size=(30, 3)),
        rng.normal(size=(30, 2)),
        rng.normal(size=(9, 3)),
    )
    ref = KNeighborsRegressor(n_neighbors=4, algorithm="brute").fit(x, y).predict(q)
    np.testing.assert_allclose(
        smoothers.knn_regress(x, y, q, 4), ref, rtol=1e-12, atol=1e-12
    )


def test_knn_with_k_equal_n_is_the_global_mean(seed_data):
    x, y = seed_data
    np.testing.assert_allclose(
        smoothers.knn_regress(x, y, [-100.0, 3.0, 100.0], 40), y.mean(), rtol=1e-13
    )


@given(regression_problem(max_n=15), st.data())
def test_knn_weights_are_one_over_k_on_exactly_the_k_nearest(problem, data):
    x_train, _, x_query = problem
    n = len(x_train)
    k = data.draw(st.integers(1, n))
    w = smoothers.knn_weights(x_train, x_query, k)
    assert w.shape == (len(x_query), n)
    assert np.all((w == 0) | (w == 1 / k))
    np.testing.assert_array_equal((w > 0).sum(axis=1), k)
    np.testing.assert_allclose(w.sum(axis=1), 1.0, rtol=1e-14)
    dist = cdist(as_2d(x_query), as_2d(x_train))
    chosen_max = np.where(w > 0, dist, -np.inf).max(axis=1)
    others_min = np.where(w > 0, np.inf, dist).min(axis=1)
    assert np.all(chosen_max <= others_min + 1e-12 * (1 + dist.max()))


def no_ties_at_k(x_train, x_query, k):
    """True if the k-th and (k+1)-th nearest distances differ for every query."""
    if k == len(x_train):
        return True
    d = sorted_distances(x_train, x_query)
    return bool(np.all(d[:, k] - d[:, k - 1] > 1e-9 * (1 + d[:, k])))


@given(regression_problem(max_n=15, d_y=None), st.data())
def test_knn_regress_equals_sklearn(problem, data):
    x_train, y_train, x_query = problem
    k = data.draw(st.integers(1, len(x_train)))
    assume(no_ties_at_k(x_train, x_query, k))
    model = KNeighborsRegressor(n_neighbors=k, algorithm="brute").fit(
        as_2d(x_train), y_train
    )
    np.testing.assert_allclose(
        smoothers.knn_regress(x_train, y_train, x_query, k),
        model.predict(as_2d(x_query)),
        rtol=1e-12,
        atol=1e-11,
    )


@given(regression_problem(max_n=12), st.data())
def test_knn_prediction_ignores_the_order_of_training_points(problem, data):
    x_train, y_train, x_query = problem
    n = len(x_train)
    k = data.draw(st.integers(1, n))
    assume(no_ties_at_k(x_train, x_query, k))
    perm = np.array(data.draw(st.permutations(range(n))))
    np.testing.assert_allclose(
        smoothers.knn_regress(x_train[perm], y_train[perm], x_query, k),
        smoothers.knn_regress(x_train, y_train, x_query, k),
        rtol=1e-12,
        atol=1e-12,
    )


@given(regression_problem(max_n=10, d_y=3), st.data())
def test_knn_multi_output_equals_column_wise_calls(problem, data):
    x_train, y_train, x_query = problem
    k = data.draw(st.integers(1, len(x_train)))
    out = smoothers.knn_regress(x_train, y_train, x_query, k)
    assert out.shape == (len(x_query), 3)
    for j in range(3):
        np.testing.assert_allclose(
            out[:, j],
            smoothers.knn_regress(x_train, y_train[:, j], x_query, k),
            rtol=1e-13,
            atol=1e-13,
        )


@given(regression_problem(max_n=10, one_d=True), st.data())
def test_knn_1d_input_equals_a_single_column(problem, data):
    x_train, y_train, x_query = problem
    k = data.draw(st.integers(1, len(x_train)))
    np.testing.assert_array_equal(
        smoothers.knn_regress(x_train, y_train, x_query, k),
        smoothers.knn_regress(x_train[:, None], y_train, x_query[:, None], k),
    )


# ------------------------------------------------------------- Nadaraya-Watson


def test_nw_weights_docstring_example():
    e = np.exp(-0.5)
    np.testing.assert_allclose(
        smoothers.nw_weights([0.0, 1.0], [0.0], 1.0),
        [[1 / (1 + e), e / (1 + e)]],
        rtol=1e-15,
    )


def test_nadaraya_watson_reproduces_the_seed_figure_with_sklearn_rbf_kernel(seed_data):
    # The post's figure: Gaussian kernel with gamma = 5, i.e. h = 1/sqrt(2 gamma).
    x, y = seed_data
    grid = np.linspace(0, 6, 200)
    k = rbf_kernel(grid[:, None], x[:, None], gamma=5.0)
    ref = (k @ y) / k.sum(axis=1)
    out = smoothers.nadaraya_watson(x, y, grid, bandwidth=1 / np.sqrt(10.0))
    np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kernel", KERNELS)
def test_nadaraya_watson_equals_the_naive_formula_on_the_seed_data(seed_data, kernel):
    x, y = seed_data
    grid = np.linspace(0, 6, 121)
    h = 1.5  # every grid point has a training point within 1.5
    ref = naive_nw(x, y, grid, h, kernel)
    assert np.isfinite(ref).all()
    np.testing.assert_allclose(
        smoothers.nadaraya_watson(x, y, grid, h, kernel), ref, rtol=1e-12, atol=1e-12
    )


def test_naive_normalisation_underflows_where_log_space_does_not(seed_data):
    x, y = seed_data
    query, h = np.array([20.0]), 0.05  # far from every training point
    with np.errstate(invalid="ignore"):
        naive = naive_nw(x, y, query, h)
    assert np.isnan(naive).all()
    out = smoothers.nadaraya_watson(x, y, query, h)
    np.testing.assert_allclose(
        out, y[np.argmax(x)], rtol=1e-15
    )  # the nearest point wins


@given(
    compact_problem(),
    st.floats(-0.5, 1.3).map(lambda e: 10.0**e),
    st.sampled_from(KERNELS),
)
def test_nadaraya_watson_equals_the_naive_formula(problem, h, kernel):
    x_train, y_train, x_query = problem
    state = window_state(x_train, x_query, h, kernel)
    assume(state != "edge")
    if state == "empty":
        with pytest.raises(ValueError, match="x_query rows"):
            smoothers.nadaraya_watson(x_train, y_train, x_query, h, kernel)
        return
    ref = naive_nw(x_train, y_train, x_query, h, kernel)
    out = smoothers.nadaraya_watson(x_train, y_train, x_query, h, kernel)
    np.testing.assert_allclose(out, ref, rtol=1e-9, atol=1e-9)


@given(regression_problem(max_n=15, max_m=6), bandwidths, st.sampled_from(KERNELS))
def test_nw_weights_are_a_probability_vector_for_any_bandwidth(problem, h, kernel):
    x_train, _, x_query = problem
    state = window_state(x_train, x_query, h, kernel)
    assume(state != "edge")
    if state == "empty":
        with pytest.raises(ValueError, match=r"x_query rows \[\d"):
            smoothers.nw_weights(x_train, x_query, h, kernel)
        return
    w = smoothers.nw_weights(x_train, x_query, h, kernel)
    assert w.shape == (len(x_query), len(x_train))
    assert np.isfinite(w).all()
    assert np.all(w >= 0)
    np.testing.assert_allclose(w.sum(axis=1), 1.0, rtol=0, atol=1e-12)


@given(regression_problem(max_n=12), bandwidths, st.sampled_from(KERNELS), st.data())
def test_nw_prediction_ignores_the_order_of_training_points(problem, h, kernel, data):
    x_train, y_train, x_query = problem
    assume(window_state(x_train, x_query, h, kernel) == "ok")
    perm = np.array(data.draw(st.permutations(range(len(x_train)))))
    out = smoothers.nadaraya_watson(x_train, y_train, x_query, h, kernel)
    permuted = smoothers.nadaraya_watson(
        x_train[perm], y_train[perm], x_query, h, kernel
    )
    np.testing.assert_allclose(permuted, out, rtol=1e-10, atol=1e-10)
    # A weighted average stays inside the range of the targets.
    assert np.all(out >= y_train.min() - 1e-10) and np.all(out <= y_train.max() + 1e-10)


@given(regression_problem(max_n=12, max_m=6))
def test_tiny_bandwidth_gives_the_nearest_neighbour(problem):
    x_train, y_train, x_query = problem
    if len(x_train) > 1:
        d = sorted_distances(x_train, x_query)
        assume(np.all(d[:, 1] - d[:, 0] > 1e-6))  # no (near) ties for the nearest point
    out = smoothers.nadaraya_watson(x_train, y_train, x_query, 1e-8)
    assert np.isfinite(out).all()
    np.testing.assert_allclose(
        out, smoothers.knn_regress(x_train, y_train, x_query, 1), rtol=1e-15, atol=0
    )


@given(regression_problem(max_n=12, max_m=6), st.sampled_from(KERNELS))
def test_huge_bandwidth_gives_the_global_mean(problem, kernel):
    x_train, y_train, x_query = problem
    h = 1e8
    w = smoothers.nw_weights(x_train, x_query, h, kernel)
    out = smoothers.nadaraya_watson(x_train, y_train, x_query, h, kernel)
    assert np.isfinite(out).all()
    # 1 - K(u) is O(u) for the triangular profile, O(u^2) for the others.
    u_max = sorted_distances(x_train, x_query).max() / h
    tol = 2 * (u_max if kernel == "triangular" else u_max**2) + 1e-14
    np.testing.assert_allclose(w, 1 / len(x_train), rtol=tol)
    np.testing.assert_allclose(
        out, y_train.mean(), rtol=0, atol=tol * (1 + np.abs(y_train).max())
    )


def test_limits_on_the_seed_data(seed_data):
    x, y = seed_data
    grid = np.linspace(0.01, 5.99, 97)
    np.testing.assert_array_equal(
        smoothers.nadaraya_watson(x, y, grid, 1e-8),
        smoothers.knn_regress(x, y, grid, 1),
    )
    np.testing.assert_allclose(
        smoothers.nadaraya_watson(x, y, grid, 1e8), y.mean(), rtol=1e-12
    )
    # Compact kernels at tiny h: a query on a training point sees only that point.
    for kernel in KERNELS:
        np.testing.assert_array_equal(
            smoothers.nadaraya_watson(x, y, x, 1e-8, kernel), y
        )


@given(regression_problem(max_n=10, d_y=2), bandwidths, st.sampled_from(KERNELS))
def test_nw_multi_output_equals_column_wise_calls(problem, h, kernel):
    x_train, y_train, x_query = problem
    assume(window_state(x_train, x_query, h, kernel) == "ok")
    out = smoothers.nadaraya_watson(x_train, y_train, x_query, h, kernel)
    assert out.shape == (len(x_query), 2)
    for j in range(2):
        col = smoothers.nadaraya_watson(x_train, y_train[:, j], x_query, h, kernel)
        np.testing.assert_allclose(out[:, j], col, rtol=1e-13, atol=1e-13)


@given(regression_problem(max_n=10, one_d=True), bandwidths)
def test_nw_1d_input_equals_a_single_column(problem, h):
    x_train, y_train, x_query = problem
    np.testing.assert_array_equal(
        smoothers.nadaraya_watson(x_train, y_train, x_query, h),
        smoothers.nadaraya_watson(x_train[:, None], y_train, x_query[:, None], h),
    )


def test_knn_is_nw_with_an_adaptive_boxcar(seed_data):
    # kNN = NW with the uniform kernel and h = distance to the k-th neighbour (no ties here).
    x, y = seed_data
    k = 5
    for q in np.linspace(0.1, 5.9, 30):
        h_k = np.sort(np.abs(x - q))[k - 1]
        nw = smoothers.nadaraya_watson(x, y, [q], h_k, "uniform")
        np.testing.assert_allclose(nw, smoothers.knn_regress(x, y, [q], k), rtol=1e-13)


# ------------------------------------------------------------------ nw_log_kernel


@given(compact_problem(), st.floats(-0.5, 1.3).map(lambda e: 10.0**e))
def test_gaussian_log_kernel_is_minus_half_squared_distance_up_to_a_row_constant(
    problem, h
):
    x_train, _, x_query = problem
    logits = smoothers.nw_log_kernel(x_train, x_query, h)
    ref = -(cdist(x_query, x_train) ** 2) / (2 * h**2)
    shift = logits - ref
    np.testing.assert_allclose(
        shift, shift[:, :1] * np.ones_like(shift), rtol=1e-9, atol=1e-9
    )
    assert np.all(logits.max(axis=1) == 0)  # the nearest point has log-weight 0


@given(regression_problem(max_n=10), bandwidths, st.sampled_from(KERNELS))
def test_nw_log_kernel_is_never_nan_and_normalises_to_nw_weights(problem, h, kernel):
    x_train, _, x_query = problem
    logits = smoothers.nw_log_kernel(x_train, x_query, h, kernel)
    assert logits.shape == (len(x_query), len(x_train))
    assert not np.isnan(logits).any()
    assert not np.isposinf(logits).any()
    if window_state(x_train, x_query, h, kernel) == "ok":
        np.testing.assert_allclose(
            smoothers.nw_weights(x_train, x_query, h, kernel),
            softmax(logits, axis=1),
            rtol=1e-12,
            atol=1e-15,
        )


# -------------------------------------------------------------- callable kernels


def gaussian_callable(a, b):
    return np.exp(-(pairwise_distances(a, b) ** 2) / 2)


@given(compact_problem(), st.floats(-0.5, 1.3).map(lambda e: 10.0**e))
def test_callable_gaussian_reproduces_the_named_gaussian(problem, h):
    x_train, y_train, x_query = problem
    np.testing.assert_allclose(
        smoothers.nw_weights(x_train, x_query, h, gaussian_callable),
        smoothers.nw_weights(x_train, x_query, h, "gaussian"),
        rtol=1e-9,
        atol=1e-12,
    )
    np.testing.assert_allclose(
        smoothers.nadaraya_watson(x_train, y_train, x_query, h, gaussian_callable),
        smoothers.nadaraya_watson(x_train, y_train, x_query, h),
        rtol=1e-9,
        atol=1e-9,
    )


def test_callable_kernel_is_called_with_scaled_inputs():
    seen = {}

    def kernel(q, k):
        seen["q"], seen["k"] = q, k
        return np.ones((len(q), len(k)))

    w = smoothers.nw_weights([[2.0, 4.0], [6.0, 8.0]], [[10.0, 0.0]], 2.0, kernel)
    np.testing.assert_array_equal(seen["q"], [[5.0, 0.0]])
    np.testing.assert_array_equal(seen["k"], [[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(w, [[0.5, 0.5]])


@given(
    hnp.arrays(
        np.float64,
        st.tuples(st.integers(1, 8), st.integers(1, 4)),
        elements=small_coordinates,
    ),
    hnp.arrays(
        np.float64, st.tuples(st.integers(1, 5), st.just(1)), elements=small_coordinates
    ),
    st.floats(-1, 1).map(lambda e: 10.0**e),
)
def test_log_dot_product_kernel_gives_softmax_attention(keys, query_col, h):
    d = keys.shape[1]
    queries = np.repeat(query_col, d, axis=1) * np.linspace(1, -1, d)
    kernel = as_log_kernel(lambda q, k: q @ k.T)
    w = smoothers.nw_weights(keys, queries, h, kernel)
    scores = queries @ keys.T / h**2
    ref = np.exp(scores - scores.max(axis=1, keepdims=True))
    ref /= ref.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(w, ref, rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(w, softmax(scores, axis=1), rtol=1e-10, atol=1e-15)


def test_log_dot_product_kernel_stays_finite_for_scores_of_ten_thousand():
    keys = np.array([[100.0], [99.99], [-100.0]])
    query = np.array([[100.0]])  # scores 1e4, 9999 and -1e4
    kernel = as_log_kernel(lambda q, k: q @ k.T)
    w = smoothers.nw_weights(keys, query, 1.0, kernel)
    assert np.isfinite(w).all()
    np.testing.assert_allclose(
        w, softmax(np.array([[1e4, 9999.0, -1e4]]), axis=1), rtol=1e-12
    )
    out = smoothers.nadaraya_watson(keys, [1.0, 2.0, 3.0], query, 1.0, kernel)
    np.testing.assert_allclose(out, w @ [1.0, 2.0, 3.0], rtol=1e-14)


def test_log_kernel_minus_infinity_is_weight_zero():
    # A causal-style mask: query i sees keys j <= i only.
    kernel = as_log_kernel(
        lambda q, k: np.where(
            np.arange(len(k)) <= np.arange(len(q))[:, None], 0.0, -np.inf
        )
    )
    w = smoothers.nw_weights(np.arange(3.0), np.arange(3.0), 1.0, kernel)
    np.testing.assert_allclose(
        w, [[1, 0, 0], [0.5, 0.5, 0], [1 / 3, 1 / 3, 1 / 3]], rtol=1e-15
    )


# ---------------------------------------------------------------- leave-one-out


def test_loo_cv_error_docstring_example():
    np.testing.assert_allclose(
        smoothers.loo_cv_error([0.0, 1.0, 2.0], [0.0, 1.0, 2.0], [1e-3]),
        [2 / 3],
        rtol=1e-12,
    )


def test_loo_cv_error_equals_a_naive_refit_loop_on_the_seed_data(seed_data):
    x, y = seed_data
    hs = np.array([0.1, 0.2, 0.5, 1.0, 3.0])
    ref = []
    for h in hs:
        residuals = []
        for i in range(len(x)):
            others = np.arange(len(x)) != i
            k = np.exp(-((x[others] - x[i]) ** 2) / (2 * h**2))
            residuals.append(y[i] - k @ y[others] / k.sum())
        ref.append(np.mean(np.square(residuals)))
    np.testing.assert_allclose(smoothers.loo_cv_error(x, y, hs), ref, rtol=1e-10)
    # The U-curve of the book: too small and too large bandwidths both lose.
    errors = smoothers.loo_cv_error(x, y, hs)
    assert errors[2] < errors[0] and errors[2] < errors[-1]


def test_loo_cv_error_scalar_bandwidth_and_shortcut_formula(seed_data):
    x, y = seed_data
    h = 0.4
    out = smoothers.loo_cv_error(x, y, h)
    assert out.shape == (1,)
    smoother = smoothers.nw_weights(x, x, h)
    shortcut = np.mean(((y - smoother @ y) / (1 - np.diag(smoother))) ** 2)
    np.testing.assert_allclose(out, shortcut, rtol=1e-10)


@given(
    regression_problem(max_n=9, min_n=2, max_d=2),
    st.lists(bandwidths, min_size=1, max_size=3),
    st.sampled_from(KERNELS),
)
def test_loo_cv_error_equals_brute_force_refits(problem, hs, kernel):
    x, y, _ = problem
    states = [
        window_state(np.delete(x, i, axis=0), x[i : i + 1], h, kernel)
        for h in hs
        for i in range(len(x))
    ]
    assume("edge" not in states)
    if "empty" in states:
        with pytest.raises(ValueError, match=r"bandwidths\[\d+\]=.* too small"):
            smoothers.loo_cv_error(x, y, hs, kernel)
        return
    out = smoothers.loo_cv_error(x, y, hs, kernel)
    assert out.shape == (len(hs),)
    assert np.isfinite(out).all()
    ref = [brute_force_loo(x, y, h, kernel) for h in hs]
    np.testing.assert_allclose(out, ref, rtol=1e-9, atol=1e-9)


@given(
    regression_problem(max_n=9, min_n=2, d_y=3),
    st.lists(bandwidths, min_size=1, max_size=3),
)
def test_loo_cv_error_multi_output_is_the_mean_over_outputs(problem, hs):
    x, y, _ = problem
    out = smoothers.loo_cv_error(x, y, hs)
    columns = np.mean(
        [smoothers.loo_cv_error(x, y[:, j], hs) for j in range(3)], axis=0
    )
    np.testing.assert_allclose(out, columns, rtol=1e-12, atol=1e-12)


@given(regression_problem(max_n=9, min_n=2))
def test_loo_cv_error_at_tiny_gaussian_bandwidth_is_leave_one_out_nearest_neighbour(
    problem,
):
    x, y, _ = problem
    dist = cdist(as_2d(x), as_2d(x))
    np.fill_diagonal(dist, np.inf)
    d = np.sort(dist, axis=1)
    if len(x) > 2:
        assume(np.all(d[:, 1] - d[:, 0] > 1e-6))
    nearest_other = np.argmin(dist, axis=1)
    ref = np.mean((y - y[nearest_other]) ** 2)
    for h in (1e-8, 1e-200):  # the second once overflowed to "too small"
        np.testing.assert_allclose(
            smoothers.loo_cv_error(x, y, h), ref, rtol=1e-12, atol=1e-12
        )


def test_loo_cv_error_does_not_write_into_a_log_kernels_output():
    cached = np.zeros((3, 3))
    cached.flags.writeable = False
    kernel = as_log_kernel(lambda q, k: cached)
    out = smoothers.loo_cv_error([0.0, 1.0, 2.0], [0.0, 1.0, 2.0], 1.0, kernel)
    np.testing.assert_allclose(out, [np.mean(np.square([1.5, 0.0, 1.5]))], rtol=1e-15)
    np.testing.assert_array_equal(cached, 0.0)


def test_loo_cv_error_with_callable_gaussian_equals_named(seed_data):
    x, y = seed_data
    hs = [0.2, 0.7]
    np.testing.assert_allclose(
        smoothers.loo_cv_error(x, y, hs, gaussian_callable),
        smoothers.loo_cv_error(x, y, hs),
        rtol=1e-9,
    )


# ----------------------------------------------------------- empty windows


@pytest.mark.parametrize("kernel", ["uniform", "epanechnikov", "triangular", "tricube"])
def test_on_empty_nan_leaves_gaps_exactly_where_the_window_is_empty(kernel):
    x, y = np.array([0.0, 1.0, 4.0]), np.array([1.0, 2.0, 5.0])
    h = 1.0
    queries = np.array([0.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0])
    # the window by hand: K(|x_q - x_i| / h) > 0 is |x_q - x_i| <= h for the boxcar,
    # |x_q - x_i| < h for the kernels with K(1) = 0
    dist = np.abs(queries[:, None] - x[None, :])
    inside = dist <= h if kernel == "uniform" else dist < h
    empty = ~inside.any(axis=1)
    assert empty.any() and not empty.all()
    fit = smoothers.nadaraya_watson(x, y, queries, h, kernel, on_empty="nan")
    np.testing.assert_array_equal(np.isnan(fit), empty)
    ref = smoothers.nadaraya_watson(x, y, queries[~empty], h, kernel)
    np.testing.assert_allclose(fit[~empty], ref, rtol=0, atol=0)
    w = smoothers.nw_weights(x, queries, h, kernel, on_empty="nan")
    assert np.isnan(w[empty]).all()
    np.testing.assert_allclose(w[~empty].sum(axis=1), 1.0, rtol=1e-15)
    with pytest.raises(ValueError, match=r"^x_query rows .* on_empty='nan'"):
        smoothers.nadaraya_watson(x, y, queries, h, kernel)


def test_uniform_window_includes_its_boundary_and_tricube_does_not():
    x, y = np.array([0.0]), np.array([3.0])
    assert smoothers.nadaraya_watson(x, y, [1.0], 1.0, "uniform").tolist() == [3.0]
    got = smoothers.nadaraya_watson(x, y, [1.0], 1.0, "tricube", on_empty="nan")
    assert np.isnan(got).all()


def test_on_empty_is_irrelevant_for_the_gaussian(seed_data):
    x, y = seed_data
    grid = np.linspace(-50, 50, 11)
    np.testing.assert_array_equal(
        smoothers.nadaraya_watson(x, y, grid, 0.05, on_empty="nan"),
        smoothers.nadaraya_watson(x, y, grid, 0.05),
    )


@pytest.mark.parametrize("func", [smoothers.nw_weights, smoothers.nadaraya_watson])
@pytest.mark.parametrize(
    ("on_empty", "error", "match"),
    [
        ("NaN", ValueError, r"^on_empty='NaN' is not one of 'raise', 'nan'"),
        ("ignore", ValueError, r"^on_empty='ignore' is not one of"),
        (None, TypeError, r"^on_empty must be a string"),
        (np.nan, TypeError, r"^on_empty must be a string"),
    ],
)
def test_on_empty_is_validated(func, on_empty, error, match):
    x = [0.0, 1.0]
    args = (x, [0.0], 1.0) if func is smoothers.nw_weights else (x, x, [0.0], 1.0)
    with pytest.raises(error, match=match):
        func(*args, on_empty=on_empty)
