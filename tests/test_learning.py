"""Tests of helpers.learning: gradients, the learned bandwidth and the learned metric.

Each gradient is checked twice: against central finite differences of the
loss (relative error 1e-6) and against a brute-force sum over pairs. Losses are
checked against helpers.smoothers (a different code path: its
``loo_cv_error`` and ``nadaraya_watson``), and the fits against a fine grid
search of that leave-one-out score.
"""

from __future__ import annotations

import numpy as np
import pytest

from helpers import learning
from helpers.data import noisy_sine
from helpers.smoothers import loo_cv_error, nadaraya_watson

FD_RTOL = 1e-6


def _central_difference(f, theta, eps):
    """Central finite differences of a scalar function of an array, entry by entry."""
    theta = np.asarray(theta, dtype=float)
    grad = np.zeros_like(theta)
    for index in np.ndindex(theta.shape):
        step = np.zeros_like(theta)
        step[index] = eps
        grad[index] = (f(theta + step) - f(theta - step)) / (2 * eps)
    return grad


def _relevant_data(n, d=3, seed=0, noise=0.1):
    """y = sin(2 x_0) + noise: only the first of d input directions matters."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, size=(n, d))
    return x, np.sin(2 * x[:, 0]) + noise * rng.standard_normal(n)


GRID = np.exp(np.linspace(np.log(0.02), np.log(5.0), 600))


# ------------------------------------------------------------------ bandwidth loss


@pytest.mark.parametrize("leave_one_out", [True, False])
@pytest.mark.parametrize(("d", "q"), [(1, 1), (2, 1), (3, 2)])
def test_bandwidth_gradient_matches_central_differences(leave_one_out, d, q):
    rng = np.random.default_rng(10 * d + q)
    x = rng.normal(size=(25, d))
    y = rng.normal(size=(25, q)) if q > 1 else rng.normal(size=25)
    for log_h in rng.uniform(np.log(0.1), np.log(3.0), size=4):
        _, grad = learning.nw_loss_and_grad_log_h(x, y, log_h, leave_one_out)
        fd = _central_difference(
            lambda t: learning.nw_loss_and_grad_log_h(x, y, t[0], leave_one_out)[0],
            [log_h],
            1e-5,
        )[0]
        assert abs(grad - fd) <= FD_RTOL * abs(grad), (log_h, grad, fd)


def test_bandwidth_gradient_matches_the_sum_over_pairs():
    rng = np.random.default_rng(3)
    x, y, h = rng.normal(size=(12, 2)), rng.normal(size=12), 0.7
    sq = ((x[:, None] - x[None]) ** 2).sum(-1)
    logits = np.where(np.eye(12, dtype=bool), -np.inf, -sq / (2 * h**2))
    w = np.exp(logits)
    w /= w.sum(1, keepdims=True)
    y_hat = w @ y
    r = y - y_hat
    pairs = [(i, j) for i in range(12) for j in range(12) if i != j]
    total = sum(r[i] * w[i, j] * sq[i, j] / h**2 * (y[j] - y_hat[i]) for i, j in pairs)
    expected = -2 / 12 * total
    loss, grad = learning.nw_loss_and_grad_log_h(x, y, np.log(h))
    assert loss == pytest.approx(np.mean(r**2), rel=1e-12)
    assert grad == pytest.approx(expected, rel=1e-10)


def test_bandwidth_losses_equal_the_smoothers():
    x, y = noisy_sine()
    for h in (0.05, 0.3, 2.0):
        loo, _ = learning.nw_loss_and_grad_log_h(x, y, np.log(h))
        fit, _ = learning.nw_loss_and_grad_log_h(x, y, np.log(h), leave_one_out=False)
        assert loo == pytest.approx(loo_cv_error(x, y, [h])[0], rel=1e-12)
        in_sample = np.mean((y - nadaraya_watson(x, y, x, h)) ** 2)
        assert fit == pytest.approx(in_sample, rel=1e-12)


def test_bandwidth_loss_has_the_right_limits_and_no_nan():
    x, y = noisy_sine()
    n = len(x)
    dist = np.abs(x[:, None] - x[None]) + np.diag(np.full(n, np.inf))
    one_nn = np.mean((y - y[dist.argmin(1)]) ** 2)
    loo_mean = np.mean((y - (y.sum() - y) / (n - 1)) ** 2)
    for log_h, loo_value in [(-500.0, one_nn), (500.0, loo_mean)]:
        loo, g1 = learning.nw_loss_and_grad_log_h(x, y, log_h)
        fit, g2 = learning.nw_loss_and_grad_log_h(x, y, log_h, leave_one_out=False)
        assert loo == pytest.approx(loo_value, rel=1e-12)
        assert np.isfinite([loo, fit, g1, g2]).all()
        assert g1 == 0.0 and g2 == 0.0
    assert learning.nw_loss_and_grad_log_h(x, y, -500.0, False)[0] == 0.0
    assert learning.nw_loss_and_grad_log_h(x, y, 500.0, False)[0] == pytest.approx(
        np.var(y), rel=1e-12
    )


# ------------------------------------------------------------------ fit_bandwidth


def test_learned_bandwidth_is_the_loo_cv_choice():
    x, y = noisy_sine()
    fit = learning.fit_bandwidth(x, y, h0=1.0)
    cv = loo_cv_error(x, y, GRID)
    best = int(np.argmin(cv))
    assert GRID[best - 1] <= fit.bandwidth <= GRID[best + 1]
    assert fit.losses[-1] <= cv.min() + 1e-12
    assert abs(fit.gradients[-1]) < 1e-6
    assert np.all(np.diff(fit.losses) <= 0)


def test_learned_bandwidth_does_not_depend_on_the_start():
    x, y = noisy_sine()
    starts = (0.1, 1.0, None)
    hs = [learning.fit_bandwidth(x, y, h0=h0).bandwidth for h0 in starts]
    assert np.ptp(hs) < 1e-4 * hs[0], hs


def test_in_sample_training_drives_the_bandwidth_to_zero():
    x, y = noisy_sine()
    h0 = 1.0
    for line_search, lr in [(True, 1.0), (False, 2.0)]:
        fit = learning.fit_bandwidth(
            x, y, h0=h0, leave_one_out=False, steps=60, lr=lr, line_search=line_search
        )
        assert np.all(np.diff(fit.bandwidths) < 0)
        assert np.all(np.diff(fit.losses) <= 0)
        assert fit.bandwidth < 0.1 * h0
        assert fit.losses[-1] < 0.1 * fit.losses[0]


def test_fit_bandwidth_path_is_consistent():
    x, y = noisy_sine()
    fit = learning.fit_bandwidth(x, y, h0=2.0, steps=5)
    assert fit.bandwidths[0] == 2.0 and fit.bandwidth == fit.bandwidths[-1]
    assert fit.bandwidths.shape == fit.losses.shape == fit.gradients.shape
    assert len(fit.losses) <= 6 and fit.leave_one_out
    for h, loss, grad in zip(fit.bandwidths, fit.losses, fit.gradients, strict=True):
        assert (loss, grad) == learning.nw_loss_and_grad_log_h(x, y, np.log(h))
    unchanged = learning.fit_bandwidth(x, y, h0=2.0, steps=0)
    assert unchanged.bandwidth == 2.0 and unchanged.losses.shape == (1,)


def test_plain_gradient_descent_takes_fixed_steps_on_log_h():
    x, y = noisy_sine()
    fit = learning.fit_bandwidth(x, y, h0=1.0, steps=3, lr=0.05, line_search=False)
    theta = np.log(fit.bandwidths)
    np.testing.assert_allclose(np.diff(theta), -0.05 * fit.gradients[:-1], rtol=1e-12)


def test_default_start_is_the_median_distance():
    x, y = noisy_sine()
    median = np.median(np.abs(x[:, None] - x[None])[np.triu_indices(len(x), 1)])
    fit = learning.fit_bandwidth(x, y, steps=0)
    assert fit.bandwidth == pytest.approx(median, rel=1e-12)


# ------------------------------------------------------------------ metric loss


@pytest.mark.parametrize(("d_out", "d", "q"), [(1, 1, 1), (2, 3, 1), (3, 3, 2)])
def test_metric_gradient_matches_central_differences(d_out, d, q):
    rng = np.random.default_rng(d_out + 10 * d + 100 * q)
    x = rng.normal(size=(20, d))
    y = rng.normal(size=(20, q)) if q > 1 else rng.normal(size=20)
    for _ in range(3):
        A = rng.normal(size=(d_out, d)) * rng.uniform(0.3, 2.0)
        _, grad = learning.metric_loss_and_grad(x, y, A)
        fd = _central_difference(
            lambda a: learning.metric_loss_and_grad(x, y, a)[0], A, 1e-6
        )
        assert np.max(np.abs(grad - fd)) <= FD_RTOL * np.max(np.abs(grad))


def test_metric_gradient_matches_the_sum_over_pairs():
    rng = np.random.default_rng(4)
    n = 10
    x, y, A = rng.normal(size=(n, 3)), rng.normal(size=(n, 2)), rng.normal(size=(2, 3))
    z = x @ A.T
    sq = ((z[:, None] - z[None]) ** 2).sum(-1)
    w = np.exp(np.where(np.eye(n, dtype=bool), -np.inf, -sq / 2))
    w /= w.sum(1, keepdims=True)
    y_hat = w @ y
    r = y - y_hat
    expected = np.zeros((3, 3))
    for i in range(n):
        for j in range(n):
            if i != j:
                diff = x[i] - x[j]
                expected += w[i, j] * (r[i] @ (y[j] - y_hat[i])) * np.outer(diff, diff)
    expected = 2 / r.size * A @ expected
    loss, grad = learning.metric_loss_and_grad(x, y, A)
    assert loss == pytest.approx(np.mean(r**2), rel=1e-12)
    np.testing.assert_allclose(grad, expected, rtol=1e-9, atol=1e-12)


def test_metric_loss_is_loo_cv_on_the_projected_points():
    x, y = _relevant_data(30, d=3, seed=1)
    rng = np.random.default_rng(1)
    A = rng.normal(size=(2, 3))
    loss, _ = learning.metric_loss_and_grad(x, y, A)
    assert loss == pytest.approx(loo_cv_error(x @ A.T, y, [1.0])[0], rel=1e-12)
    isotropic, _ = learning.metric_loss_and_grad(x, y, np.eye(3) / 0.7)
    assert isotropic == pytest.approx(loo_cv_error(x, y, [0.7])[0], rel=1e-12)
    bandwidth_loss, _ = learning.nw_loss_and_grad_log_h(x, y, np.log(0.7))
    assert isotropic == pytest.approx(bandwidth_loss, rel=1e-12)


@pytest.mark.parametrize("scale", [0.0, 1e-200, 1e-8, 1e8, 1e200])
def test_metric_loss_is_finite_at_any_scale(scale):
    x, y = _relevant_data(20, d=2, seed=2)
    A = np.array([[1.0, 0.3], [-0.2, 0.8]]) * scale
    loss, grad = learning.metric_loss_and_grad(x, y, A)
    assert np.isfinite(loss) and np.isfinite(grad).all()
    if scale <= 1e-8:
        n = len(y)
        loo_mean = np.mean((y - (y.sum() - y) / (n - 1)) ** 2)
        assert loss == pytest.approx(loo_mean, rel=1e-6)


# ------------------------------------------------------------------ fit_metric


def test_learned_metric_shrinks_the_irrelevant_directions():
    x, y = _relevant_data(80, d=3, seed=0)
    fit = learning.fit_metric(x, y)
    columns = np.linalg.norm(fit.A, axis=0)
    assert columns[1] < 0.1 * columns[0] and columns[2] < 0.1 * columns[0], columns
    assert fit.losses[-1] < 0.5 * loo_cv_error(x, y, GRID).min()
    assert np.all(np.diff(fit.losses) <= 0)


def test_learned_metric_beats_the_best_isotropic_bandwidth_on_held_out_data():
    x, y = _relevant_data(80, d=3, seed=0)
    x_test, y_test = _relevant_data(300, d=3, seed=99, noise=0.0)
    A = learning.fit_metric(x, y).A
    h = GRID[np.argmin(loo_cv_error(x, y, GRID))]
    learned = np.mean((y_test - nadaraya_watson(x @ A.T, y, x_test @ A.T, 1.0)) ** 2)
    isotropic = np.mean((y_test - nadaraya_watson(x, y, x_test, h)) ** 2)
    assert learned < 0.5 * isotropic, (learned, isotropic)


def test_fit_metric_is_deterministic_given_the_seed():
    x, y = _relevant_data(40, d=3, seed=5)
    a = learning.fit_metric(x, y, n_components=1, steps=20, seed=7)
    b = learning.fit_metric(x, y, n_components=1, steps=20, seed=7)
    c = learning.fit_metric(x, y, n_components=1, steps=20, seed=8)
    np.testing.assert_array_equal(a.path, b.path)
    np.testing.assert_array_equal(a.losses, b.losses)
    assert not np.array_equal(a.path[0], c.path[0])
    assert a.A.shape == (1, 3)


def test_fit_metric_path_and_start():
    x, y = _relevant_data(30, d=2, seed=6)
    A0 = np.eye(2) / 0.5
    fit = learning.fit_metric(x, y, A0=A0, steps=4)
    np.testing.assert_array_equal(fit.path[0], A0)
    np.testing.assert_array_equal(fit.A, fit.path[-1])
    assert fit.path.shape[0] == fit.losses.shape[0] == fit.grad_norms.shape[0] <= 5
    for A, loss, norm in zip(fit.path, fit.losses, fit.grad_norms, strict=True):
        expected_loss, grad = learning.metric_loss_and_grad(x, y, A)
        assert loss == expected_loss and norm == pytest.approx(np.linalg.norm(grad))
    default = learning.fit_metric(x, y, steps=0).A
    median = np.median(
        np.linalg.norm(x[:, None] - x[None], axis=-1)[np.triu_indices(30, 1)]
    )
    np.testing.assert_allclose(default, np.eye(2) / median, rtol=1e-12)


# ------------------------------------------------------------------ bad input

X, Y = np.array([0.0, 1.0, 2.5, 4.0]), np.array([0.0, 1.0, 0.0, 1.0])
X2 = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]])
Y2 = np.array([1.0, 2.0, 3.0])

BAD = [
    # (function, keyword arguments, error type, argument named first)
    (learning.nw_loss_and_grad_log_h, {"x_train": [[[0.0]]]}, ValueError, "x_train"),
    (learning.nw_loss_and_grad_log_h, {"x_train": [0.0]}, ValueError, "x_train"),
    (learning.nw_loss_and_grad_log_h, {"x_train": ["a", "b"]}, TypeError, "x_train"),
    (learning.nw_loss_and_grad_log_h, {"y_train": [1.0, 2.0]}, ValueError, "y_train"),
    (learning.nw_loss_and_grad_log_h, {"log_h": np.nan}, ValueError, "log_h"),
    (learning.nw_loss_and_grad_log_h, {"log_h": "0"}, TypeError, "log_h"),
    (learning.nw_loss_and_grad_log_h, {"log_h": True}, TypeError, "log_h"),
    (learning.nw_loss_and_grad_log_h, {"leave_one_out": 1}, TypeError, "leave_one_out"),
    (learning.fit_bandwidth, {"x_train": [np.inf, 0, 1, 2]}, ValueError, "x_train"),
    (learning.fit_bandwidth, {"kernel": "uniform"}, ValueError, "kernel"),
    (learning.fit_bandwidth, {"kernel": None}, TypeError, "kernel"),
    (learning.fit_bandwidth, {"h0": 0.0}, ValueError, "h0"),
    (learning.fit_bandwidth, {"h0": -1.0}, ValueError, "h0"),
    (learning.fit_bandwidth, {"h0": np.inf}, ValueError, "h0"),
    (learning.fit_bandwidth, {"h0": "1"}, TypeError, "h0"),
    (learning.fit_bandwidth, {"leave_one_out": "no"}, TypeError, "leave_one_out"),
    (learning.fit_bandwidth, {"steps": -1}, ValueError, "steps"),
    (learning.fit_bandwidth, {"steps": 2.0}, TypeError, "steps"),
    (learning.fit_bandwidth, {"lr": 0.0}, ValueError, "lr"),
    (learning.fit_bandwidth, {"lr": np.nan}, ValueError, "lr"),
    (learning.fit_bandwidth, {"line_search": 0}, TypeError, "line_search"),
    (learning.fit_bandwidth, {"y_train": [[1.0]]}, ValueError, "y_train"),
    (learning.metric_loss_and_grad, {"A": np.eye(3)}, ValueError, "A"),
    (learning.metric_loss_and_grad, {"A": [1.0, 0.0]}, ValueError, "A"),
    (learning.metric_loss_and_grad, {"A": [[np.nan, 0.0]]}, ValueError, "A"),
    (learning.metric_loss_and_grad, {"A": [[True, False]]}, TypeError, "A"),
    (learning.metric_loss_and_grad, {"A": np.zeros((0, 2))}, ValueError, "A"),
    (learning.metric_loss_and_grad, {"x_train": X2[:1]}, ValueError, "x_train"),
    (learning.metric_loss_and_grad, {"y_train": [1, np.nan, 0]}, ValueError, "y_train"),
    (learning.fit_metric, {"x_train": X2[:, :1].T}, ValueError, "x_train"),
    (learning.fit_metric, {"n_components": 0}, ValueError, "n_components"),
    (learning.fit_metric, {"n_components": 3}, ValueError, "n_components"),
    (learning.fit_metric, {"n_components": 1.0}, TypeError, "n_components"),
    (learning.fit_metric, {"A0": np.eye(3)}, ValueError, "A0"),
    (learning.fit_metric, {"A0": [[np.inf, 0.0]]}, ValueError, "A0"),
    (learning.fit_metric, {"A0": np.eye(2), "n_components": 1}, ValueError, "A0"),
    (learning.fit_metric, {"steps": -2}, ValueError, "steps"),
    (learning.fit_metric, {"lr": -1.0}, ValueError, "lr"),
    (learning.fit_metric, {"seed": -1}, ValueError, "seed"),
    (learning.fit_metric, {"seed": "0"}, TypeError, "seed"),
    (learning.fit_metric, {"line_search": None}, TypeError, "line_search"),
    (learning.fit_metric, {"y_train": [[1.0, 2.0]]}, ValueError, "y_train"),
]

VALID = {
    learning.nw_loss_and_grad_log_h: {"x_train": X, "y_train": Y, "log_h": 0.0},
    learning.fit_bandwidth: {"x_train": X, "y_train": Y, "steps": 2},
    learning.metric_loss_and_grad: {"x_train": X2, "y_train": Y2, "A": np.eye(2)},
    learning.fit_metric: {"x_train": X2, "y_train": Y2, "steps": 2},
}


@pytest.mark.parametrize(
    ("func", "change", "error", "name"),
    BAD,
    ids=[f"{f.__name__}-{'-'.join(c)}" for f, c, _, _ in BAD],
)
def test_bad_input_is_an_error_naming_the_argument(func, change, error, name):
    with pytest.raises(error) as info:
        func(**(VALID[func] | change))
    assert str(info.value).startswith(name), str(info.value)


@pytest.mark.parametrize("func", list(VALID), ids=lambda f: f.__name__)
def test_the_valid_calls_work(func):
    out = func(**VALID[func])
    assert out is not None


def test_every_argument_has_a_bad_input_test():
    import inspect

    for func in VALID:
        tested = {name for f, _, _, name in BAD if f is func}
        assert set(inspect.signature(func).parameters) <= tested, func.__name__


def test_leave_one_out_needs_two_points_but_in_sample_does_not():
    with pytest.raises(ValueError, match=r"^x_train must have at least 2 points"):
        learning.fit_bandwidth([1.0], [2.0])
    fit = learning.fit_bandwidth([1.0], [2.0], h0=1.0, leave_one_out=False)
    assert fit.bandwidth == 1.0 and fit.losses.tolist() == [0.0]


@pytest.mark.parametrize(
    ("func", "kwargs"),
    [
        (learning.fit_bandwidth, {"x_train": X, "y_train": Y, "steps": 3}),
        (learning.fit_metric, {"x_train": X2, "y_train": Y2, "steps": 3}),
    ],
    ids=["fit_bandwidth", "fit_metric"],
)
def test_fits_validate_each_argument_once(monkeypatch, func, kwargs):
    names = []
    for validator in ("as_points", "as_targets", "as_real_array", "check_bool"):
        original = getattr(learning, validator)

        def counted(value, name, *args, _original=original, **kw):
            names.append(name)
            return _original(value, name, *args, **kw)

        monkeypatch.setattr(learning, validator, counted)
    func(**kwargs)
    assert sorted(names) == sorted(set(names)), names
    assert {"x_train", "y_train", "line_search"} <= set(names)
