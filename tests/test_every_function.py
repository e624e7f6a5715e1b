"""Every public function of ``helpers`` against ragged, NaN and infinite input.

The functions are discovered, not listed: a new public function without a valid
call in ``VALID`` fails ``test_every_public_function_has_a_valid_call``. Each
array argument of each function then gets a ragged nested list, a NaN and an
infinity, and must answer with a ``ValueError`` (or, where only integers or
booleans are allowed, a ``TypeError``) whose message starts with the argument's
name; nothing returns NaN silently. A last group checks that validation runs
once per call: public functions validate at the entry point and call private
cores.
"""

from __future__ import annotations

import inspect
import re

import matplotlib.pyplot as plt
import numpy as np
import pytest

import helpers
from helpers import attention, kernels, linear_attention, minilm, plotting, smoothers

# every module the package exports (helpers.__all__), so a new one is swept too
MODULES = tuple(getattr(helpers, name) for name in helpers.__all__)
X = np.array([0.0, 1.0, 2.5, 4.0])
Q2, K3 = np.ones((2, 2)), np.arange(6.0).reshape(3, 2) / 6
RAGGED = [[0.0, 1.0], [2.0]]

AX, FIG = object(), object()  # placeholders: a fresh Axes / Figure for each call


# objects whose public methods are swept, called on this instance
INSTANCES = {"MiniLM": minilm.load_model()}
TEXT = "Kernels smooth."


def _figure_to_update():
    return plotting.plot_fit_and_weights(
        plt.figure(), X, X, X, X, 1.0, [0.25, 0.25, 0.25, 0.25]
    )


def _update(**kwargs):
    return _figure_to_update().update(**kwargs)


VALID = {
    "attention.attention_log_kernel": {"W_q": np.eye(2), "W_k": np.eye(2)},
    "attention.attention_scores": {"Q": Q2, "K": K3},
    "attention.attention_weights": {"Q": Q2, "K": K3, "mask": np.ones((2, 3), bool)},
    "attention.scaled_dot_product_attention": {
        "Q": Q2,
        "K": K3,
        "V": K3,
        "mask": np.ones((2, 3), bool),
    },
    "attention.softmax": {"scores": [[0.0, 1.0]], "mask": [[True, True]]},
    "data.noisy_sine": {},
    "data.true_function": {"x": X},
    "data.toy_projections": {"d_model": 8, "d_k": 4, "d_v": 2, "seed": 0},
    "data.toy_sentence": {"d_model": 8, "seed": 0},
    "kernels.as_log_kernel": {"func": lambda q, k: q @ k.T},
    "kernels.check_kernel": {"kernel": "gaussian"},
    "kernels.gram_matrix": {"a": X, "b": X},
    "kernels.log_profile": {"u": X},
    "kernels.pairwise_distances": {"a": X, "b": X},
    "kernels.polynomial_features": {"x": X},
    "kernels.polynomial_kernel": {"a": X, "b": X},
    "kernels.profile": {"u": X},
    "kernels.random_fourier_features": {"x": X, "n_features": 4},
    "learning.fit_bandwidth": {"x_train": X, "y_train": X, "h0": 1.0, "steps": 2},
    "learning.fit_metric": {"x_train": X, "y_train": X, "A0": np.eye(1), "steps": 2},
    "learning.metric_loss_and_grad": {"x_train": X, "y_train": X, "A": np.eye(1)},
    "learning.nw_loss_and_grad_log_h": {"x_train": X, "y_train": X, "log_h": 0.0},
    "linear_attention.elu_feature_map": {"x": X},
    "linear_attention.linear_attention": {
        "Q": Q2,
        "K": K3,
        "V": K3,
        "feature_map": linear_attention.elu_feature_map,
    },
    "linear_attention.positive_random_features": {
        "x": Q2,
        "n_features": 4,
        "seed": 0,
    },
    "masks.causal": {"n": 3},
    "masks.from_predicate": {"predicate": lambda i, j: j <= i, "m": 3},
    "masks.full": {"m": 2},
    "masks.global_local": {"n": 4, "window": 1, "global_tokens": [0, 3]},
    "masks.key_padding": {"lengths": [1, 2], "n": 3},
    "masks.random": {"n": 4, "n_random": 2},
    "masks.sliding_window": {"n": 4, "window": 1},
    "masks.strided": {"n": 4, "stride": 2},
    "minilm.default_model_path": {},
    "minilm.load_model": {},
    "minilm.MiniLM.attention_weights": {"text": TEXT},
    "minilm.MiniLM.encode": {"texts": TEXT, "normalize": False},
    "minilm.MiniLM.head_projections": {"layer": 5, "head": 11},
    "minilm.MiniLM.hidden_states": {"text": TEXT},
    "minilm.MiniLM.token_ids": {"texts": TEXT},
    "minilm.MiniLM.tokens": {"text": TEXT},
    "positions.alibi_bias": {"n_queries": 2, "n_keys": 3, "slopes": [0.5, 0.25]},
    "positions.alibi_slopes": {"n_heads": 3},
    "positions.rope": {"x": np.ones((3, 2)), "positions": [0, 1, 2]},
    "positions.sinusoidal": {"n_positions": 3, "d": 4},
    "plotting.new_figure": {},
    "plotting.plot_data": {"ax": AX, "x": X, "y": X},
    "plotting.plot_fit_and_weights": {
        "axes": FIG,
        "x_train": X,
        "y_train": X,
        "x_grid": X,
        "fit": X,
        "x_query": 1.0,
        "weights": [0.25, 0.25, 0.25, 0.25],
    },
    "plotting.FitAndWeights.update": {"fit": X, "weights": [0.5, 0.5, 0.0, 0.0]},
    "plotting.plot_truth": {"ax": AX, "x": X},
    "plotting.use_book_style": {},
    "plotting.weights_heatmap": {
        "ax": AX,
        "weights": np.eye(2),
        "mask": np.eye(2, dtype=bool),
    },
    "smoothers.knn_regress": {"x_train": X, "y_train": X, "x_query": X, "k": 2},
    "smoothers.knn_weights": {"x_train": X, "x_query": X, "k": 2},
    "smoothers.loo_cv_error": {"x_train": X, "y_train": X, "bandwidths": [0.5, 1.0]},
    "smoothers.nadaraya_watson": {
        "x_train": X,
        "y_train": X,
        "x_query": X,
        "bandwidth": 1.0,
    },
    "smoothers.nw_log_kernel": {"x_train": X, "x_query": X, "bandwidth": 1.0},
    "smoothers.nw_weights": {"x_train": X, "x_query": X, "bandwidth": 1.0},
    "streaming.streaming_attention": {
        "Q": Q2,
        "K": K3,
        "V": K3,
        "block_size": 2,
        "mask": np.ones((2, 3), bool),
    },
    "streaming.streaming_nadaraya_watson": {
        "x_train": X,
        "y_train": X,
        "x_query": X,
        "bandwidth": 1.0,
        "block_size": 3,
    },
}
"""One valid call of every public function: keyword arguments by name."""

NAN_ALLOWED = {
    ("plotting.plot_fit_and_weights", "fit"),
    ("plotting.FitAndWeights.update", "fit"),
}
"""NaN in a fit is a gap in the plotted curve (``nadaraya_watson(..., on_empty="nan")``)."""

INF_ALLOWED = {("kernels.log_profile", "u"), ("kernels.profile", "u")}
"""An infinite scaled distance is weight 0 (log-weight -inf), never NaN."""


def public_functions():
    """``{"module.name": callable}`` of every public function and public method."""
    found = {}
    for module in MODULES:
        short = module.__name__.split(".")[-1]
        for name, obj in inspect.getmembers(module):
            if (
                name.startswith("_")
                or getattr(obj, "__module__", None) != module.__name__
            ):
                continue
            if inspect.isfunction(obj):
                found[f"{short}.{name}"] = obj
            elif inspect.isclass(obj):
                instance = INSTANCES.get(name)
                for method, _ in inspect.getmembers(obj, inspect.isfunction):
                    if not method.startswith("_"):
                        bound = getattr(instance, method, None)
                        found[f"{short}.{name}.{method}"] = bound
    found["plotting.FitAndWeights.update"] = _update
    return found


FUNCTIONS = public_functions()


def call(name, kwargs):
    kwargs = dict(kwargs)
    for key, value in kwargs.items():
        if value is AX:
            kwargs[key] = plt.subplots()[1]
        elif value is FIG:
            kwargs[key] = plt.figure()
    return FUNCTIONS[name](**kwargs)


def array_arguments():
    for name, kwargs in VALID.items():
        for arg, value in kwargs.items():
            if isinstance(value, (list, np.ndarray)):
                yield pytest.param(name, arg, id=f"{name}-{arg}")


ARRAY_ARGUMENTS = list(array_arguments())


def with_value(name, arg, value):
    return VALID[name] | {arg: value}


def assert_names(info, arg):
    message = str(info.value)
    assert re.match(rf"{re.escape(arg)}\b", message), message


def test_every_public_function_has_a_valid_call():
    assert set(FUNCTIONS) == set(VALID)
    assert len(VALID) >= 35


@pytest.mark.parametrize("name", sorted(VALID))
def test_the_valid_call_works_and_returns_no_nan(name):
    out = call(name, VALID[name])
    for part in out if isinstance(out, tuple) else (out,):
        if isinstance(part, np.ndarray) and part.dtype.kind == "f":
            assert not np.isnan(part).any()


@pytest.mark.parametrize(("name", "arg"), ARRAY_ARGUMENTS)
def test_ragged_input_is_a_value_error_naming_the_argument(name, arg):
    with pytest.raises(ValueError, match="not a rectangular array") as info:
        call(name, with_value(name, arg, RAGGED))
    assert_names(info, arg)


def _spoiled(name, arg, bad):
    value = np.array(VALID[name][arg], dtype=float)
    value.flat[0] = bad
    return value


@pytest.mark.parametrize(("name", "arg"), ARRAY_ARGUMENTS)
def test_nan_input_is_an_error_naming_the_argument(name, arg):
    if (name, arg) in NAN_ALLOWED:
        pytest.skip("NaN is allowed here (documented)")
    with pytest.raises((ValueError, TypeError)) as info:
        call(name, with_value(name, arg, _spoiled(name, arg, np.nan)))
    assert_names(info, arg)


@pytest.mark.parametrize(("name", "arg"), ARRAY_ARGUMENTS)
def test_infinite_input_is_an_error_or_a_finite_answer(name, arg):
    kwargs = with_value(name, arg, _spoiled(name, arg, np.inf))
    if (name, arg) in INF_ALLOWED:
        out = call(name, kwargs)
        assert not np.isnan(out).any()
        return
    with pytest.raises((ValueError, TypeError)) as info:
        call(name, kwargs)
    assert_names(info, arg)


# -------------------------------------------------------------- validated once


class Counter:
    """Wrap a validator; record the argument name of every call."""

    def __init__(self, func):
        self.func, self.names = func, []

    def __call__(self, value, name, *args, **kwargs):
        self.names.append(name)
        return self.func(value, name, *args, **kwargs)


def count(monkeypatch, module, *validators):
    counters = {}
    for validator in validators:
        counters[validator] = Counter(getattr(module, validator))
        monkeypatch.setattr(module, validator, counters[validator])
    return counters


@pytest.mark.parametrize(
    ("func", "args"),
    [
        (smoothers.nadaraya_watson, (X, X, [0.5], 1.0)),
        (smoothers.knn_regress, (X, X, [0.5], 2)),
        (smoothers.nw_weights, (X, [0.5], 1.0)),
    ],
)
def test_smoothers_validate_each_argument_once(monkeypatch, func, args):
    counters = count(
        monkeypatch, smoothers, "as_points", "as_targets", "check_positive_scalar"
    )
    func(*args)
    names = [n for c in counters.values() for n in c.names]
    assert sorted(names) == sorted(set(names)), names
    assert {"x_train", "x_query"} <= set(names)


def test_attention_validates_each_argument_once(monkeypatch):
    counters = count(monkeypatch, attention, "as_real_array", "as_array")
    attention.scaled_dot_product_attention(Q2, K3, K3, mask=np.ones((2, 3), bool))
    assert counters["as_real_array"].names == ["Q", "K", "V"]
    assert counters["as_array"].names == ["mask"]


def test_kernels_validate_each_argument_once(monkeypatch):
    counters = count(monkeypatch, kernels, "as_points", "as_real_array")
    kernels.gram_matrix(X, X[:2], bandwidth=0.5, kernel="tricube")
    kernels.profile(X, "uniform")
    assert counters["as_points"].names == ["a", "b"]
    assert counters["as_real_array"].names == ["u"]


def test_loo_cv_error_names_training_points_without_patching_another_message():
    with pytest.raises(ValueError) as info:
        smoothers.loo_cv_error([0.0, 1.0, 5.0], [0.0, 1.0, 2.0], [2.0], "uniform")
    message = str(info.value)
    assert message.startswith("bandwidths[0]=2 is too small for leave-one-out")
    assert "training points [2]" in message and "x_query" not in message
    assert "on_empty" not in message  # loo_cv_error has no such option
