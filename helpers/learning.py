r"""Learning the kernel: a bandwidth, or a whole metric, by gradient descent.

Gaussian Nadaraya-Watson with training inputs :math:`x_1, \dots, x_n` and a
squared distance :math:`D_{ij}` predicts, for each training point,

.. math::  \hat y_i = \sum_{j \in S_i} w_{ij}\, y_j, \qquad
           w_{ij} = \operatorname{softmax}_{j \in S_i}\bigl(-\tfrac12 D_{ij}\bigr),

and is scored by its mean squared error
:math:`L = \frac{1}{n q} \sum_i \lVert y_i - \hat y_i \rVert^2` (q outputs).
The key set :math:`S_i` is every training point (the *in-sample* loss) or every
point but i (the *leave-one-out* loss: a mask that hides each query from its own
key). Two metrics are learned here:

* one bandwidth, :math:`D_{ij} = \lVert x_i - x_j \rVert^2 / h^2`, trained on
  :math:`\log h` (:func:`fit_bandwidth`, the parametric NW of *Dive into Deep
  Learning*);
* a linear map A, :math:`D_{ij} = \lVert A (x_i - x_j) \rVert^2`: NW on the
  projected inputs :math:`x A^\top` (:func:`fit_metric`, metric learning for
  kernel regression, MLKR, Weinberger & Tesauro 2007). :math:`A = I/h` is the
  isotropic bandwidth h; in attention terms A is :math:`W_q = W_k`, a symmetric
  learned kernel.

Both gradients are written out in NumPy (:func:`nw_loss_and_grad_log_h`,
:func:`metric_loss_and_grad`) and share one fact: with
:math:`s_{ij} = -\tfrac12 D_{ij}` the logits,
:math:`\partial \hat y_i = \sum_j w_{ij} (y_j - \hat y_i)\, \partial s_{ij}`,
the weighted covariance of the logits' change with the targets.

Numerics: weights are normalised in log space against each row's nearest key,
and distances are rescaled before squaring, so h from 1e-200 to 1e200 (or A at
any scale) gives the 1-nearest-neighbour or the uniform limit, never NaN. Both
fits are deterministic: gradient descent with a backtracking (Armijo) line
search, so the loss never increases from one recorded step to the next.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from helpers._validate import (
    as_points,
    as_real_array,
    as_targets,
    check_bool,
    check_choice,
    check_nonnegative_int,
    check_positive_int,
    check_positive_scalar,
    check_real_scalar,
)

LEARNABLE_KERNELS = ("gaussian",)
"""Kernel profiles whose bandwidth :func:`fit_bandwidth` can learn."""


# ------------------------------------------------------------------ result types


@dataclass(frozen=True)
class BandwidthFit:
    """What :func:`fit_bandwidth` learned, and the path it took (a frozen dataclass).

    ``bandwidth``
        The learned h, a float (the last entry of ``bandwidths``).
    ``bandwidths``
        Array of shape (s + 1,): h at the start and after each of the s
        accepted steps.
    ``losses``
        Array of shape (s + 1,): the training loss at each of those
        bandwidths (non-increasing with the line search).
    ``gradients``
        Array of shape (s + 1,): dL/d(log h) at each of those bandwidths.
    ``leave_one_out``
        Which loss was minimised (a bool).
    """

    bandwidth: float
    bandwidths: np.ndarray
    losses: np.ndarray
    gradients: np.ndarray
    leave_one_out: bool


@dataclass(frozen=True)
class MetricFit:
    """What :func:`fit_metric` learned, and the path it took (a frozen dataclass).

    ``A``
        The learned map, an array of shape (d_out, d): NW on ``x @ A.T`` with
        bandwidth 1.
    ``path``
        Array of shape (s + 1, d_out, d): A at the start and after each of the
        s accepted steps.
    ``losses``
        Array of shape (s + 1,): the leave-one-out loss along the path
        (non-increasing with the line search).
    ``grad_norms``
        Array of shape (s + 1,): the Frobenius norm of dL/dA along the path.
    """

    A: np.ndarray
    path: np.ndarray
    losses: np.ndarray
    grad_norms: np.ndarray


# ------------------------------------------------------------------ shared core


def _scaled_sq_dists(z: np.ndarray) -> tuple[np.ndarray, float]:
    """Squared distances of the rows of ``z`` as (D / c², log c²), overflow-free.

    ``z`` is divided by its largest absolute entry c before squaring, so the
    returned matrix is at most 4·d_out and the scale lives in ``log c²``.
    """
    c = float(np.max(np.abs(z))) if z.size else 0.0
    if c == 0.0 or not np.isfinite(c):
        c = 1.0
    u = z / c
    diff = u[:, None, :] - u[None, :, :]
    return np.einsum("ijk,ijk->ij", diff, diff), 2.0 * np.log(c)


def _weights_and_gaps(
    sq_unit: np.ndarray, log_scale2: float, leave_one_out: bool
) -> tuple[np.ndarray, np.ndarray]:
    r"""Gaussian NW weights and the scaled gaps G_ij = (D_ij − min_j D_ij).

    D = ``sq_unit`` · e^{log_scale2}. The logits are −G/2 (shifted by the row's
    nearest key, which gets logit 0), so the row sum is >= 1: no 0/0, no NaN.
    ``G`` is returned where the weight is positive and 0 elsewhere.
    """
    sq = sq_unit.copy()
    if leave_one_out:
        np.fill_diagonal(sq, np.inf)
    gap = sq - sq.min(axis=1, keepdims=True)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        g = np.exp(np.log(gap) + log_scale2)
    weights = np.exp(-0.5 * g)
    weights /= weights.sum(axis=1, keepdims=True)
    return weights, np.where(weights > 0, g, 0.0)


def _as_2d(y: np.ndarray) -> np.ndarray:
    return y.reshape(y.shape[0], -1)


def _bandwidth_core(
    x: np.ndarray, y2: np.ndarray, log_h: float, leave_one_out: bool
) -> tuple[float, float]:
    """Loss and dL/d(log h) of validated (n, d) points and (n, q) targets."""
    sq_unit, log_c2 = _scaled_sq_dists(x - x.mean(axis=0))
    weights, g = _weights_and_gaps(sq_unit, log_c2 - 2.0 * log_h, leave_one_out)
    y_hat = weights @ y2
    residuals = y2 - y_hat
    # dŷ_i/dlog h = Σ_j w_ij G_ij (y_j − ŷ_i), with G_ij = ‖x_i − x_j‖²/h² − row min
    wg = weights * g
    dy_hat = wg @ y2 - wg.sum(axis=1, keepdims=True) * y_hat
    scale = 1.0 / residuals.size
    loss = scale * float(np.sum(residuals**2))
    grad = -2.0 * scale * float(np.sum(residuals * dy_hat))
    return loss, grad


def _metric_core(
    x: np.ndarray, y2: np.ndarray, A: np.ndarray
) -> tuple[float, np.ndarray]:
    """Leave-one-out loss and dL/dA of validated points, targets and map A."""
    xc = x - x.mean(axis=0)
    sq_unit, log_c2 = _scaled_sq_dists(xc @ A.T)
    weights, _ = _weights_and_gaps(sq_unit, log_c2, leave_one_out=True)
    y_hat = weights @ y2
    residuals = y2 - y_hat
    # c_ij = w_ij r_i·(y_j − ŷ_i); dL/dA = (2/nq) A Σ_ij c_ij (x_i − x_j)(x_i − x_j)ᵀ
    c = weights * (residuals @ y2.T - np.sum(residuals * y_hat, axis=1, keepdims=True))
    laplacian = np.diag(c.sum(axis=0) + c.sum(axis=1)) - c - c.T
    scale = 1.0 / residuals.size
    loss = scale * float(np.sum(residuals**2))
    grad = 2.0 * scale * (A @ (xc.T @ laplacian @ xc))
    return loss, grad


def _descend(
    objective: Callable[[np.ndarray], tuple[float, np.ndarray]],
    theta0: np.ndarray,
    steps: int,
    lr: float,
    line_search: bool,
) -> tuple[list, list, list]:
    """Gradient descent from ``theta0``; returns the accepted parameters, losses, grads.

    With ``line_search``, each step starts at twice the last accepted step size
    (the first at ``lr``) and halves it until the Armijo condition
    L(θ − t g) <= L(θ) − 1e-4 t ‖g‖² holds; it stops early when no step size
    down to 2^-60 of ``lr`` decreases the loss (a minimum, to rounding).
    Without it, every step is θ ← θ − lr·g.
    """
    theta = np.array(theta0, dtype=np.float64)
    loss, grad = objective(theta)
    thetas, losses, grads = [theta], [loss], [grad]
    t = lr
    for _ in range(steps):
        gg = float(np.sum(grad * grad))
        if gg == 0.0:
            break
        if not line_search:
            theta = theta - lr * grad
            loss, grad = objective(theta)
        else:
            for _ in range(61):
                candidate = theta - t * grad
                new_loss, new_grad = objective(candidate)
                if new_loss <= loss - 1e-4 * t * gg:
                    break
                t *= 0.5
            else:
                break
            theta, loss, grad = candidate, new_loss, new_grad
            t = min(2.0 * t, 1e6 * lr)
        thetas.append(theta)
        losses.append(loss)
        grads.append(grad)
    return thetas, losses, grads


# ------------------------------------------------------------------ validation


def _check_data(x_train, y_train, leave_one_out: bool) -> tuple[np.ndarray, np.ndarray]:
    x = as_points(x_train, "x_train")
    if leave_one_out and x.shape[0] < 2:
        raise ValueError(
            f"x_train must have at least 2 points for leave-one-out, got {x.shape[0]}"
        )
    y = as_targets(y_train, "y_train", x.shape[0], "x_train")
    return x, _as_2d(y)


def _check_map(A, d: int, name: str) -> np.ndarray:
    A = as_real_array(A, name, ndim=2, shape="(d_out, d)")
    if A.shape[1] != d:
        raise ValueError(
            f"{name} has {A.shape[1]} columns but x_train has dimension {d}; "
            "A maps (d,) inputs, so it must be (d_out, d)"
        )
    return A


# ------------------------------------------------------------------ bandwidth


def nw_loss_and_grad_log_h(
    x_train, y_train, log_h: float, leave_one_out: bool = True
) -> tuple[float, float]:
    r"""Squared error of Gaussian NW at bandwidth :math:`h = e^{\theta}`, and its gradient.

    With :math:`w_{ij} = \operatorname{softmax}_{j \in S_i}\bigl(-\lVert x_i - x_j
    \rVert^2 / (2h^2)\bigr)`, :math:`\hat y_i = \sum_j w_{ij} y_j` and
    :math:`r_i = y_i - \hat y_i`:

    .. math::  L(\theta) = \frac{1}{nq} \sum_{i=1}^n \lVert r_i \rVert^2, \qquad
               \frac{dL}{d\theta} = -\frac{2}{nq} \sum_{i=1}^n r_i \cdot
               \sum_{j \in S_i} w_{ij}\, \frac{\lVert x_i - x_j\rVert^2}{h^2}\,
               (y_j - \hat y_i),

    because :math:`d s_{ij} / d\theta = \lVert x_i - x_j \rVert^2 / h^2` for the
    logits :math:`s_{ij} = -\lVert x_i - x_j\rVert^2 e^{-2\theta}/2`. The inner sum
    is the weighted covariance of the scaled squared distance and the target;
    it is computed with each row's smallest distance subtracted (which changes
    nothing, since :math:`\sum_j w_{ij}(y_j - \hat y_i) = 0`) so it cannot
    overflow.

    Parameters
    ----------
    x_train : array_like of shape (n,) or (n, d)
    y_train : array_like of shape (n,) or (n, q)
    log_h : float
        :math:`\theta = \log h`, any finite number.
    leave_one_out : bool, default True
        Key sets :math:`S_i` without i (the leave-one-out loss, equal to
        :func:`helpers.smoothers.loo_cv_error`; needs n >= 2) or with it (the
        in-sample loss, which tends to 0 as h → 0 when the x_i are distinct:
        each point predicts itself).

    Returns
    -------
    loss : float
    grad : float
        :math:`dL/d\theta`.

    Examples
    --------
    >>> x, y = [0.0, 1.0, 2.0, 3.0], [0.0, 1.0, 0.0, 1.0]
    >>> loss, grad = nw_loss_and_grad_log_h(x, y, log_h=0.0)
    >>> round(loss, 4), round(grad, 4)
    (0.7411, -0.5891)
    >>> eps = 1e-6
    >>> lp = nw_loss_and_grad_log_h(x, y, eps)[0]
    >>> lm = nw_loss_and_grad_log_h(x, y, -eps)[0]
    >>> bool(abs((lp - lm) / (2 * eps) - grad) < 1e-8)
    True
    """
    leave_one_out = check_bool(leave_one_out, "leave_one_out")
    x, y2 = _check_data(x_train, y_train, leave_one_out)
    log_h = check_real_scalar(log_h, "log_h")
    return _bandwidth_core(x, y2, log_h, leave_one_out)


def _median_distance(z: np.ndarray) -> float:
    """Median of the positive pairwise distances of the rows of ``z`` (1.0 if none)."""
    sq_unit, log_c2 = _scaled_sq_dists(z)
    upper = sq_unit[np.triu_indices(z.shape[0], k=1)]
    upper = upper[upper > 0]
    if upper.size == 0:
        return 1.0
    return float(np.median(np.sqrt(upper)) * np.exp(0.5 * log_c2))


def fit_bandwidth(
    x_train,
    y_train,
    kernel: str = "gaussian",
    h0: float | None = None,
    leave_one_out: bool = True,
    steps: int = 100,
    lr: float = 1.0,
    line_search: bool = True,
) -> BandwidthFit:
    r"""Learn the bandwidth of Nadaraya-Watson by gradient descent on :math:`\log h`.

    Minimises the loss of :func:`nw_loss_and_grad_log_h`,

    .. math::  \theta_{t+1} = \theta_t - \eta_t\, \frac{dL}{d\theta}(\theta_t),
               \qquad h = e^{\theta},

    from :math:`h_0`. Working on :math:`\log h` keeps h positive and makes a
    step a relative change of h. With ``line_search`` (the default) the step
    size :math:`\eta_t` is found by backtracking (Armijo), so the loss never
    goes up; without it, :math:`\eta_t` = ``lr`` (plain gradient descent, as in
    *Dive into Deep Learning*).

    The leave-one-out loss is the leave-one-out cross-validation score
    :math:`\mathrm{CV}(h)` of :func:`helpers.smoothers.loo_cv_error`, so the
    learned h is (a local minimiser of) the LOO-CV choice. The in-sample loss
    (``leave_one_out=False``) has no minimiser at a positive h when the x_i are
    distinct: it falls towards 0 as h → 0, where each training point predicts
    itself, so training on it drives h down for as many steps as it is given
    (the gradient, and with it progress, fades as the weights become one-hot).

    Parameters
    ----------
    x_train : array_like of shape (n,) or (n, d)
    y_train : array_like of shape (n,) or (n, q)
    kernel : {"gaussian"}, default "gaussian"
        The profile (only the Gaussian for now: its log is smooth in h).
    h0 : float, optional
        Starting bandwidth, > 0. Default: the median of the positive pairwise
        distances of x_train (the median heuristic).
    leave_one_out : bool, default True
        Minimise the leave-one-out loss (needs n >= 2) or the in-sample one.
    steps : int, default 100
        Maximum number of gradient steps (>= 0). The line search stops earlier
        when no step lowers the loss any more.
    lr : float, default 1.0
        Step size on :math:`\log h` (the first trial step with ``line_search``).
    line_search : bool, default True

    Returns
    -------
    BandwidthFit
        ``.bandwidth`` the learned h; ``.bandwidths``, ``.losses`` and
        ``.gradients`` the path, from h0 to the end.

    Examples
    --------
    >>> import numpy as np
    >>> from helpers.data import noisy_sine
    >>> from helpers.smoothers import loo_cv_error
    >>> x, y = noisy_sine()
    >>> fit = fit_bandwidth(x, y, h0=1.0)
    >>> grid = np.linspace(0.2, 1.0, 801)
    >>> h_cv = grid[np.argmin(loo_cv_error(x, y, grid))]
    >>> round(fit.bandwidth, 3), round(float(h_cv), 3)
    (0.443, 0.443)
    >>> fit_bandwidth(x, y, h0=1.0, leave_one_out=False).bandwidth < 1e-3
    True
    """
    check_choice(kernel, "kernel", LEARNABLE_KERNELS)
    leave_one_out = check_bool(leave_one_out, "leave_one_out")
    x, y2 = _check_data(x_train, y_train, leave_one_out)
    h0 = _median_distance(x) if h0 is None else check_positive_scalar(h0, "h0")
    steps = check_nonnegative_int(steps, "steps")
    lr = check_positive_scalar(lr, "lr")
    line_search = check_bool(line_search, "line_search")

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        loss, grad = _bandwidth_core(x, y2, float(theta[0]), leave_one_out)
        return loss, np.array([grad])

    thetas, losses, grads = _descend(
        objective, np.array([np.log(h0)]), steps, lr, line_search
    )
    bandwidths = np.exp(np.concatenate(thetas))
    return BandwidthFit(
        bandwidth=float(bandwidths[-1]),
        bandwidths=bandwidths,
        losses=np.array(losses),
        gradients=np.concatenate(grads),
        leave_one_out=leave_one_out,
    )


# ------------------------------------------------------------------ metric (MLKR)


def metric_loss_and_grad(x_train, y_train, A) -> tuple[float, np.ndarray]:
    r"""Leave-one-out squared error of Gaussian NW on :math:`x A^\top`, and dL/dA (MLKR).

    With :math:`x_{ij} = x_i - x_j`, :math:`w_{ij} = \operatorname{softmax}_{j \ne i}
    \bigl(-\tfrac12 \lVert A x_{ij} \rVert^2\bigr)`, :math:`\hat y_i = \sum_{j\ne i}
    w_{ij} y_j` and :math:`r_i = y_i - \hat y_i`:

    .. math::  L(A) = \frac{1}{nq} \sum_{i=1}^n \lVert r_i \rVert^2,

    .. math::  \frac{\partial L}{\partial A} = \frac{2}{nq}\, A
               \sum_{i} \sum_{j \ne i} c_{ij}\, x_{ij} x_{ij}^\top, \qquad
               c_{ij} = w_{ij}\, r_i \cdot (y_j - \hat y_i)

    (Weinberger & Tesauro 2007, with the book's :math:`K(u) = e^{-u^2/2}`, so
    :math:`A = I/h` is the isotropic bandwidth h). The double sum is computed as
    :math:`X^\top (\operatorname{diag}(C\mathbf 1 + C^\top \mathbf 1) - C -
    C^\top) X` with centred X: :math:`O(n^2 q + n^2 d)`, no (n, n, d, d) array.

    Parameters
    ----------
    x_train : array_like of shape (n,) or (n, d)
        n >= 2.
    y_train : array_like of shape (n,) or (n, q)
    A : array_like of shape (d_out, d)
        Any finite matrix; ``A = 0`` gives uniform weights (and a zero gradient).

    Returns
    -------
    loss : float
    grad : ndarray of shape (d_out, d)

    Examples
    --------
    >>> import numpy as np
    >>> from helpers.smoothers import loo_cv_error
    >>> x = np.array([[0.0, 0.0], [1.0, 0.5], [2.0, 0.0], [3.0, 0.5]])
    >>> y = [0.0, 1.0, 0.0, 1.0]
    >>> loss, grad = metric_loss_and_grad(x, y, np.eye(2) / 0.8)
    >>> bool(np.isclose(loss, loo_cv_error(x, y, [0.8])[0])), grad.shape
    (True, (2, 2))
    """
    x, y2 = _check_data(x_train, y_train, leave_one_out=True)
    A = _check_map(A, x.shape[1], "A")
    return _metric_core(x, y2, A)


def fit_metric(
    x_train,
    y_train,
    n_components: int | None = None,
    A0=None,
    steps: int = 200,
    lr: float = 1.0,
    seed: int = 0,
    line_search: bool = True,
) -> MetricFit:
    r"""Learn a linear map A for Nadaraya-Watson on :math:`x A^\top` (MLKR).

    Metric learning for kernel regression (Weinberger & Tesauro 2007):
    gradient descent on the leave-one-out loss of :func:`metric_loss_and_grad`,

    .. math::  A_{t+1} = A_t - \eta_t\, \frac{\partial L}{\partial A}(A_t),

    with a backtracking (Armijo) step size, so the loss never goes up. The
    learned kernel :math:`\exp(-\tfrac12 \lVert A(x - x')\rVert^2)` is a
    Mahalanobis-distance Gaussian with :math:`M = A^\top A`: directions the
    target does not depend on are shrunk (a short :math:`\lVert A e_k \rVert`
    is a wide bandwidth along :math:`e_k`), those it depends on are stretched.
    Predict with ``nadaraya_watson(x_train @ A.T, y_train, x_query @ A.T,
    bandwidth=1.0)``.

    Parameters
    ----------
    x_train : array_like of shape (n,) or (n, d)
        n >= 2.
    y_train : array_like of shape (n,) or (n, q)
    n_components : int, optional
        d_out, the number of rows of A, 1 <= d_out <= d. Default d (or
        ``A0``'s rows).
    A0 : array_like of shape (d_out, d), optional
        Starting map. Default: :math:`P / h_0`, where P is the identity when
        d_out = d and otherwise d_out random orthonormal rows (drawn with
        ``seed``), and :math:`h_0` the median positive pairwise distance of
        the projected points :math:`x P^\top` (the median heuristic).
    steps : int, default 200
        Maximum number of gradient steps (>= 0); the line search stops earlier
        when no step lowers the loss any more.
    lr : float, default 1.0
        Step size (the first trial step with ``line_search``).
    seed : int, default 0
        Seed of the random start (used only when d_out < d and A0 is None).
    line_search : bool, default True
        Backtracking step sizes; ``False`` is plain gradient descent with step
        ``lr``.

    Returns
    -------
    MetricFit
        ``.A`` the learned (d_out, d) map; ``.path``, ``.losses`` and
        ``.grad_norms`` along the way.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.uniform(-2, 2, size=(60, 2))
    >>> y = np.sin(2 * x[:, 0])
    >>> A = fit_metric(x, y, steps=100).A
    >>> bool(np.linalg.norm(A[:, 1]) < 0.2 * np.linalg.norm(A[:, 0]))
    True
    """
    x, y2 = _check_data(x_train, y_train, leave_one_out=True)
    d = x.shape[1]
    if n_components is not None:
        n_components = check_positive_int(
            n_components, "n_components", maximum=d, maximum_name="the dimension d"
        )
    steps = check_nonnegative_int(steps, "steps")
    lr = check_positive_scalar(lr, "lr")
    seed = check_nonnegative_int(seed, "seed")
    line_search = check_bool(line_search, "line_search")
    if A0 is not None:
        A0 = _check_map(A0, d, "A0")
        if n_components is not None and A0.shape[0] != n_components:
            raise ValueError(
                f"A0 has {A0.shape[0]} rows but n_components={n_components}"
            )
    else:
        A0 = _initial_map(x, d if n_components is None else n_components, seed)
    shape = A0.shape

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        loss, grad = _metric_core(x, y2, theta.reshape(shape))
        return loss, grad.ravel()

    thetas, losses, grads = _descend(objective, A0.ravel(), steps, lr, line_search)
    path = np.stack(thetas).reshape(-1, *shape)
    return MetricFit(
        A=path[-1].copy(),
        path=path,
        losses=np.array(losses),
        grad_norms=np.array([float(np.linalg.norm(g)) for g in grads]),
    )


def _initial_map(x: np.ndarray, d_out: int, seed: int) -> np.ndarray:
    """P / h0: identity or seeded orthonormal rows, scaled by the median heuristic."""
    d = x.shape[1]
    if d_out == d:
        projection = np.eye(d)
    else:
        gaussian = np.random.default_rng(seed).standard_normal((d, d_out))
        projection = np.linalg.qr(gaussian)[0].T
    return projection / _median_distance(x @ projection.T)
