"""Every bad input, in one place: one test per case.

Each case asserts the exact exception type and that the message starts with
(or, for matplotlib's own checks, contains) the name of the offending argument.
"""

from __future__ import annotations

import functools

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import data, kernels, plotting, smoothers

X = np.linspace(0.0, 4.0, 5)  # n = 5 training points, d = 1
Y = X**2
Q = np.array([0.5, 2.2])

DEFAULTS = {
    "x_train": X,
    "y_train": Y,
    "x_query": Q,
    "k": 2,
    "bandwidth": 0.5,
    "bandwidths": [0.5, 1.0],
    "kernel": "gaussian",
}
SIGNATURES = {
    smoothers.knn_weights: ("x_train", "x_query", "k"),
    smoothers.knn_regress: ("x_train", "y_train", "x_query", "k"),
    smoothers.nw_log_kernel: ("x_train", "x_query", "bandwidth", "kernel"),
    smoothers.nw_weights: ("x_train", "x_query", "bandwidth", "kernel"),
    smoothers.nadaraya_watson: ("x_train", "y_train", "x_query", "bandwidth", "kernel"),
    smoothers.loo_cv_error: ("x_train", "y_train", "bandwidths", "kernel"),
}

CASES = []


def case(thunk, exc, match, name):
    CASES.append(pytest.param(thunk, exc, match, id=name))


def smoother_cases(arg, values, exc, match, functions=None):
    """The same bad value of ``arg`` for every smoother that takes ``arg``."""
    for func, params in SIGNATURES.items():
        if arg not in params or (functions is not None and func not in functions):
            continue
        for label, value in values.items():
            kwargs = {p: DEFAULTS[p] for p in params} | {arg: value}
            case(
                functools.partial(func, **kwargs),
                exc,
                match,
                f"{func.__name__}-{arg}-{label}",
            )


def axes():
    return plt.subplots()[1]


# ------------------------------------------------------------------------ k
smoother_cases("k", {"0": 0, "negative": -1}, ValueError, r"^k must be >= 1")
smoother_cases(
    "k",
    {"above-n": 6, "huge": 10**9},
    ValueError,
    r"^k=\d+ exceeds the number of training points",
)
smoother_cases(
    "k",
    {
        "float": 2.0,
        "np-float": np.float64(2),
        "bool": True,
        "np-bool": np.True_,
        "str": "2",
        "none": None,
    },
    TypeError,
    r"^k must be an integer",
)

# ------------------------------------------------------------- lengths, emptiness
smoother_cases(
    "y_train",
    {"short": Y[:4], "long": np.append(Y, 1.0), "2d-short": np.ones((4, 2))},
    ValueError,
    r"^y_train has \d rows but x_train has 5 points",
)
for arg in ("x_train", "x_query", "y_train"):
    smoother_cases(
        arg,
        {
            "list": [],
            "array": np.array([]),
            "2d": np.empty((0, 1)),
            "no-columns": np.empty((5, 0)),
        },
        ValueError,
        rf"^{arg} is empty",
    )

# --------------------------------------------------------------- NaN and inf
for arg, clean in (("x_train", X), ("y_train", Y), ("x_query", Q)):
    for label, bad in (("nan", np.nan), ("inf", np.inf), ("-inf", -np.inf)):
        values = clean.copy()
        values[-1] = bad
        smoother_cases(
            arg,
            {label: values},
            ValueError,
            rf"^{arg} contains 1 NaN or infinite value",
        )
smoother_cases(
    "y_train",
    {"nan-2d": np.column_stack([Y, np.where(X > 3, np.nan, Y)])},
    ValueError,
    r"^y_train contains 1 NaN or infinite value\(s\), the first at index \(4, 1\)",
)

# ----------------------------------------------------------------- bandwidth
smoother_cases(
    "bandwidth",
    {
        "zero": 0.0,
        "int-zero": 0,
        "negative": -0.5,
        "nan": np.nan,
        "inf": np.inf,
        "-inf": -np.inf,
    },
    ValueError,
    r"^bandwidth must be a finite number > 0",
)
smoother_cases(
    "bandwidth",
    {
        "bool": True,
        "np-bool": np.False_,
        "str": "0.5",
        "none": None,
        "list": [0.5],
        "complex": 0.5j,
    },
    TypeError,
    r"^bandwidth must be a real number",
)
smoother_cases(
    "bandwidths",
    {
        "zero": [1.0, 0.0],
        "negative": [1.0, -1.0],
        "nan": [1.0, np.nan],
        "inf": [1.0, np.inf],
    },
    ValueError,
    r"^bandwidths must be finite and > 0; bandwidths\[1\]",
)
smoother_cases(
    "bandwidths",
    {
        "bool": True,
        "bool-list": [True, False],
        "str": "0.5",
        "none": None,
        "complex": [0.5j],
    },
    TypeError,
    r"^bandwidths must hold real numbers",
)
smoother_cases("bandwidths", {"empty": []}, ValueError, r"^bandwidths is empty")
smoother_cases(
    "bandwidths",
    {"2d": [[0.5, 1.0]]},
    ValueError,
    r"^bandwidths must be a number or 1-D",
)

# -------------------------------------------------------------------- kernel
smoother_cases(
    "kernel",
    {
        "typo": "gauss",
        "capitalised": "Gaussian",
        "empty": "",
        "epanechnikov-typo": "epanechnikow",
    },
    ValueError,
    r"^kernel='.*' is not a known kernel; choose one of 'gaussian'",
)
smoother_cases(
    "kernel",
    {"int": 3, "none": None, "list": ["gaussian"], "array": np.ones((2, 5))},
    TypeError,
    r"^kernel must be a kernel name or a callable",
)

# ------------------------------------------------------------------ dimensions
smoother_cases(
    "x_query",
    {"3-columns": np.zeros((2, 3))},
    ValueError,
    r"^x_query has dimension 3 but x_train has dimension 1",
)
smoother_cases(
    "x_train",
    {"2-columns": np.zeros((5, 2))},
    ValueError,
    r"^x_query has dimension 1 but x_train has dimension 2",
    functions=(
        smoothers.knn_weights,
        smoothers.knn_regress,
        smoothers.nw_weights,
        smoothers.nadaraya_watson,
    ),
)
for arg, shape in (
    ("x_train", (5, 1, 1)),
    ("x_query", (2, 1, 1)),
    ("y_train", (5, 1, 1)),
):
    smoother_cases(
        arg, {"3d": np.zeros(shape)}, ValueError, rf"^{arg} must be 1-D \(n,\) or 2-D"
    )
for arg in ("x_train", "x_query", "y_train"):
    smoother_cases(
        arg, {"0d": np.float64(1.0)}, ValueError, rf"^{arg} must be 1-D \(n,\) or 2-D"
    )

# --------------------------------------------------------------- non-numeric
for arg, n in (("x_train", 5), ("x_query", 2), ("y_train", 5)):
    smoother_cases(
        arg,
        {
            "str": ["a"] * n,
            "numeric-str": ["1.0"] * n,
            "complex": np.ones(n) + 1j,
            "object": np.array([1.0] * (n - 1) + [None], dtype=object),
            "bool": np.ones(n, dtype=bool),
        },
        TypeError,
        rf"^{arg} must hold real numbers",
    )
    smoother_cases(
        arg,
        {"ragged": [[1.0, 2.0], [3.0]] + [[0.0, 0.0]] * (n - 2)},
        ValueError,
        rf"^{arg} is not a rectangular",
    )

# -------------------------------------------- empty windows of compact kernels
for kernel in ("epanechnikov", "uniform", "triangular", "tricube"):
    for func in (smoothers.nw_weights, smoothers.nadaraya_watson):
        kwargs = {
            "x_train": X,
            "x_query": [-3.0, 2.2, 9.0],
            "bandwidth": 0.5,
            "kernel": kernel,
        }
        if func is smoothers.nadaraya_watson:
            kwargs["y_train"] = Y
        case(
            functools.partial(func, **kwargs),
            ValueError,
            r"^x_query rows \[0, 2\] have no training point with positive kernel weight",
            f"{func.__name__}-empty-window-{kernel}",
        )
    case(
        # Points 0, 1 are 1 apart, point 2 is 4 away from them: h = 2 leaves it alone.
        functools.partial(
            smoothers.loo_cv_error,
            [0.0, 1.0, 5.0],
            [1.0, 2.0, 3.0],
            [10.0, 2.0],
            kernel,
        ),
        ValueError,
        r"^bandwidths\[1\]=2 is too small for leave-one-out: training points \[2\] have no",
        f"loo_cv_error-too-small-bandwidth-{kernel}",
    )
case(
    functools.partial(
        smoothers.nw_weights, [0.0], np.arange(100.0, 115.0), 1.0, "uniform"
    ),
    ValueError,
    r"^x_query rows \[0, 1, 2, 3, 4, 5, 6, 7, 8, 9\] and 5 more have no",
    "nw_weights-empty-window-many-rows",
)
case(
    functools.partial(
        smoothers.nw_weights,
        X,
        Q,
        1.0,
        lambda q, k: np.where(q > 1.0, 1.0, 0.0) * np.ones(len(k)),
    ),
    ValueError,
    r"^x_query rows \[0\] have no training point",
    "nw_weights-callable-zero-row",
)
case(
    functools.partial(smoothers.loo_cv_error, [0.0], [1.0], 1.0),
    ValueError,
    r"^x_train must have at least 2 points",
    "loo_cv_error-one-point",
)

# ----------------------------------------------------------- callable kernels
BAD_KERNELS = {
    "wrong-shape": (
        lambda q, k: np.ones((len(k), len(q))),
        ValueError,
        r"^kernel returned shape \(5, 2\)",
    ),
    "scalar": (lambda q, k: 1.0, ValueError, r"^kernel returned shape \(\)"),
    "nan": (
        lambda q, k: np.full((len(q), len(k)), np.nan),
        ValueError,
        r"^kernel returned NaN",
    ),
    "negative": (
        lambda q, k: -np.ones((len(q), len(k))),
        ValueError,
        r"^kernel returned negative values",
    ),
    "inf": (
        lambda q, k: np.full((len(q), len(k)), np.inf),
        ValueError,
        r"^kernel returned inf \(overflow\); .*as_log_kernel",
    ),
    "str": (
        lambda q, k: np.full((len(q), len(k)), "a"),
        TypeError,
        r"^kernel returned an array of dtype <U1",
    ),
    "log-nan": (
        kernels.as_log_kernel(lambda q, k: np.full((len(q), len(k)), np.nan)),
        ValueError,
        r"^kernel returned NaN",
    ),
    "log-plus-inf": (
        kernels.as_log_kernel(lambda q, k: np.full((len(q), len(k)), np.inf)),
        ValueError,
        r"^kernel \(a log-kernel\) returned \+inf",
    ),
    "log-all-minus-inf": (
        kernels.as_log_kernel(lambda q, k: np.full((len(q), len(k)), -np.inf)),
        ValueError,
        r"^x_query rows \[0, 1\] have no training point",
    ),
}
for label, (kernel, exc, match) in BAD_KERNELS.items():
    functions = [smoothers.nw_weights, smoothers.nadaraya_watson]
    if (
        label != "log-all-minus-inf"
    ):  # the log-kernel itself may be -inf; only normalising fails
        functions.append(smoothers.nw_log_kernel)
    smoother_cases(
        "kernel", {f"callable-{label}": kernel}, exc, match, functions=functions
    )
case(
    functools.partial(
        smoothers.loo_cv_error, X, Y, 1.0, lambda q, k: -np.ones((len(q), len(k)))
    ),
    ValueError,
    r"^kernel returned negative values",
    "loo_cv_error-callable-negative",
)

# ------------------------------------------------------------------ kernels
for func in (kernels.profile, kernels.log_profile):
    name = func.__name__
    case(
        functools.partial(func, [0.5], "gauss"),
        ValueError,
        r"^kernel='gauss' is not a known",
        f"{name}-unknown",
    )
    case(
        functools.partial(func, [0.5], 3),
        TypeError,
        r"^kernel must be a kernel name or a callable",
        f"{name}-int",
    )
    case(
        functools.partial(func, [0.5], lambda a, b: a),
        TypeError,
        r"^kernel must be a kernel name here",
        f"{name}-callable",
    )
    case(
        functools.partial(func, [0.5, np.nan]),
        ValueError,
        r"^u contains NaN",
        f"{name}-nan",
    )
    for label, bad in (
        ("str", ["a"]),
        ("complex", [1j]),
        ("bool", [True]),
        ("object", np.array([None])),
    ):
        case(
            functools.partial(func, bad),
            TypeError,
            r"^u must hold real numbers",
            f"{name}-{label}",
        )

for label, kwargs, exc, match in (
    (
        "b-dimension",
        {"a": np.zeros((2, 2)), "b": np.zeros((3, 3))},
        ValueError,
        r"^b has dimension 3 but a has",
    ),
    ("a-3d", {"a": np.zeros((2, 2, 2))}, ValueError, r"^a must be 1-D \(n,\) or 2-D"),
    ("b-empty", {"a": X, "b": []}, ValueError, r"^b is empty"),
    ("a-str", {"a": ["x", "y"]}, TypeError, r"^a must hold real numbers"),
    ("b-bool", {"a": X, "b": [True]}, TypeError, r"^b must hold real numbers"),
    ("a-nan", {"a": [0.0, np.nan]}, ValueError, r"^a contains 1 NaN"),
    ("b-inf", {"a": X, "b": [np.inf]}, ValueError, r"^b contains 1 NaN"),
):
    for func in (
        kernels.pairwise_distances,
        kernels.gram_matrix,
        kernels.polynomial_kernel,
    ):
        case(functools.partial(func, **kwargs), exc, match, f"{func.__name__}-{label}")

for label, value, exc in (
    ("zero", 0.0, ValueError),
    ("negative", -1.0, ValueError),
    ("nan", np.nan, ValueError),
    ("inf", np.inf, ValueError),
    ("bool", True, TypeError),
    ("str", "1", TypeError),
):
    match = (
        r"^bandwidth must be a finite number > 0"
        if exc is ValueError
        else r"^bandwidth must be a real"
    )
    case(
        functools.partial(kernels.gram_matrix, X, bandwidth=value),
        exc,
        match,
        f"gram_matrix-bandwidth-{label}",
    )
    case(
        functools.partial(kernels.random_fourier_features, X, 10, bandwidth=value),
        exc,
        match,
        f"random_fourier_features-bandwidth-{label}",
    )
case(
    functools.partial(kernels.gram_matrix, X, kernel="box"),
    ValueError,
    r"^kernel='box'",
    "gram_matrix-unknown",
)
case(
    functools.partial(kernels.gram_matrix, X, kernel=lambda a, b: a @ b.T),
    TypeError,
    r"^kernel must be a kernel name here",
    "gram_matrix-callable",
)

for label, value, exc, match in (
    ("zero", 0, ValueError, r"^n_features must be >= 1"),
    ("negative", -3, ValueError, r"^n_features must be >= 1"),
    ("float", 10.0, TypeError, r"^n_features must be an integer"),
    ("bool", True, TypeError, r"^n_features must be an integer"),
    ("none", None, TypeError, r"^n_features must be an integer"),
):
    case(
        functools.partial(kernels.random_fourier_features, X, value),
        exc,
        match,
        f"random_fourier_features-n_features-{label}",
    )
for label, value, exc, match in (
    ("negative", -1, ValueError, r"^seed must be >= 0"),
    ("float", 1.0, TypeError, r"^seed must be an integer"),
    ("bool", True, TypeError, r"^seed must be an integer"),
    ("str", "1", TypeError, r"^seed must be an integer"),
):
    case(
        functools.partial(kernels.random_fourier_features, X, 10, seed=value),
        exc,
        match,
        f"random_fourier_features-seed-{label}",
    )
case(
    functools.partial(kernels.random_fourier_features, [[np.nan]], 10),
    ValueError,
    r"^x contains 1 NaN",
    "random_fourier_features-x-nan",
)
case(
    functools.partial(kernels.random_fourier_features, np.zeros((1, 1, 1)), 10),
    ValueError,
    r"^x must be 1-D",
    "random_fourier_features-x-3d",
)

for func in (kernels.polynomial_kernel, kernels.polynomial_features):
    name = func.__name__
    for label, value, exc, match in (
        ("zero", 0, ValueError, r"^degree must be >= 1"),
        ("negative", -2, ValueError, r"^degree must be >= 1"),
        ("float", 2.0, TypeError, r"^degree must be an integer"),
        ("bool", True, TypeError, r"^degree must be an integer"),
    ):
        case(
            functools.partial(func, X, degree=value),
            exc,
            match,
            f"{name}-degree-{label}",
        )
    for label, value, exc, match in (
        ("negative", -1.0, ValueError, r"^coef0 must be a finite number >= 0"),
        ("nan", np.nan, ValueError, r"^coef0 must be a finite number >= 0"),
        ("inf", np.inf, ValueError, r"^coef0 must be a finite number >= 0"),
        ("bool", True, TypeError, r"^coef0 must be a real number"),
        ("str", "1", TypeError, r"^coef0 must be a real number"),
        ("none", None, TypeError, r"^coef0 must be a real number"),
        ("complex", 1j, TypeError, r"^coef0 must be a real number"),
    ):
        case(
            functools.partial(func, X, coef0=value), exc, match, f"{name}-coef0-{label}"
        )
case(
    functools.partial(kernels.polynomial_features, ["a"]),
    TypeError,
    r"^x must hold",
    "polynomial_features-x-str",
)
case(
    functools.partial(kernels.polynomial_features, []),
    ValueError,
    r"^x is empty",
    "polynomial_features-x-empty",
)

for label, value in (
    ("int", 3),
    ("str", "gaussian"),
    ("none", None),
    ("array", np.ones(3)),
):
    case(
        functools.partial(kernels.as_log_kernel, value),
        TypeError,
        r"^func must be callable",
        f"as_log_kernel-{label}",
    )
case(
    functools.partial(kernels.check_kernel, "cosine"),
    ValueError,
    r"^kernel='cosine'",
    "check_kernel-unknown",
)
case(
    functools.partial(kernels.check_kernel, 1.5),
    TypeError,
    r"^kernel must be a kernel name or",
    "check_kernel-float",
)
case(
    functools.partial(kernels.check_kernel, None, name="score"),
    TypeError,
    r"^score must be a kernel name or",
    "check_kernel-named",
)

# --------------------------------------------------------------------- data
for label, kwargs, exc, match in (
    ("n-zero", {"n": 0}, ValueError, r"^n must be >= 1"),
    ("n-negative", {"n": -5}, ValueError, r"^n must be >= 1"),
    ("n-float", {"n": 40.0}, TypeError, r"^n must be an integer"),
    ("n-bool", {"n": True}, TypeError, r"^n must be an integer"),
    ("n-str", {"n": "40"}, TypeError, r"^n must be an integer"),
    ("seed-negative", {"seed": -1}, ValueError, r"^seed must be >= 0 and < 2\*\*32"),
    (
        "seed-too-large",
        {"seed": 2**32},
        ValueError,
        r"^seed must be >= 0 and < 2\*\*32",
    ),
    ("seed-float", {"seed": 42.0}, TypeError, r"^seed must be an integer"),
    ("seed-bool", {"seed": False}, TypeError, r"^seed must be an integer"),
    ("seed-none", {"seed": None}, TypeError, r"^seed must be an integer"),
    ("low-str", {"low": "0"}, TypeError, r"^low must be a real number"),
    ("low-none", {"low": None}, TypeError, r"^low must be a real number"),
    ("low-list", {"low": [0.0]}, TypeError, r"^low must be a real number"),
    ("low-bool", {"low": False}, TypeError, r"^low must be a real number"),
    ("low-complex", {"low": 0j}, TypeError, r"^low must be a real number"),
    ("high-complex", {"high": 6 + 1j}, TypeError, r"^high must be a real number"),
    ("high-bool", {"high": True}, TypeError, r"^high must be a real number"),
    ("low-nan", {"low": np.nan}, ValueError, r"^low must be finite"),
    ("low-inf", {"low": -np.inf}, ValueError, r"^low must be finite"),
    ("high-inf", {"high": np.inf}, ValueError, r"^high must be finite"),
    ("high-nan", {"high": np.nan}, ValueError, r"^high must be finite"),
    (
        "low-equals-high",
        {"low": 3.0, "high": 3.0},
        ValueError,
        r"^low must be smaller than high",
    ),
    ("low-above-high", {"low": 7.0}, ValueError, r"^low must be smaller than high"),
    ("noise-zero", {"noise": 0.0}, ValueError, r"^noise must be a finite number > 0"),
    (
        "noise-negative",
        {"noise": -1.0},
        ValueError,
        r"^noise must be a finite number > 0",
    ),
    ("noise-nan", {"noise": np.nan}, ValueError, r"^noise must be a finite number > 0"),
    ("noise-inf", {"noise": np.inf}, ValueError, r"^noise must be a finite number > 0"),
    ("noise-str", {"noise": "1"}, TypeError, r"^noise must be a real number"),
    ("noise-bool", {"noise": True}, TypeError, r"^noise must be a real number"),
):
    case(
        functools.partial(data.noisy_sine, **kwargs), exc, match, f"noisy_sine-{label}"
    )
for label, value, exc, match in (
    ("str", ["a"], TypeError, r"^x must hold real numbers"),
    ("bool", [True], TypeError, r"^x must hold real numbers"),
    ("complex", [1j], TypeError, r"^x must hold real numbers"),
    ("object", np.array([1.0, None]), TypeError, r"^x must hold real numbers"),
    ("nan", [0.0, np.nan], ValueError, r"^x contains 1 NaN or infinite"),
    ("inf", [np.inf], ValueError, r"^x contains 1 NaN or infinite"),
):
    case(
        functools.partial(data.true_function, value),
        exc,
        match,
        f"true_function-{label}",
    )

# ------------------------------------------------------------------ plotting
for label, ax in (("none", None), ("figure", "figure"), ("list", [])):

    def plot_data_thunk(ax=ax):
        return plotting.plot_data(plt.figure() if ax == "figure" else ax, [0.0], [1.0])

    def heatmap_thunk(ax=ax):
        return plotting.weights_heatmap(
            plt.figure() if ax == "figure" else ax, np.eye(2)
        )

    case(
        plot_data_thunk,
        TypeError,
        r"^ax must be a matplotlib Axes",
        f"plot_data-ax-{label}",
    )
    case(
        heatmap_thunk,
        TypeError,
        r"^ax must be a matplotlib Axes",
        f"weights_heatmap-ax-{label}",
    )

for label, x, y, exc, match in (
    ("x-str", ["a", "b"], [0.0, 1.0], TypeError, r"^x must hold real numbers"),
    ("y-complex", [0.0, 1.0], [1j, 0.0], TypeError, r"^y must hold real numbers"),
    (
        "x-object",
        np.array([0.0, None]),
        [0.0, 1.0],
        TypeError,
        r"^x must hold real numbers",
    ),
    ("y-bool", [0.0, 1.0], [True, False], TypeError, r"^y must hold real numbers"),
    (
        "x-nan",
        [0.0, np.nan],
        [0.0, 1.0],
        ValueError,
        r"^x contains \d+ NaN or infinite",
    ),
    (
        "y-inf",
        [0.0, 1.0],
        [0.0, np.inf],
        ValueError,
        r"^y contains \d+ NaN or infinite",
    ),
    ("x-empty", [], [], ValueError, r"^x is empty"),
    (
        "length",
        [0.0, 1.0],
        [0.0],
        ValueError,
        r"^x and y must be 1-D of the same length",
    ),
    (
        "x-2d",
        [[0.0, 1.0]],
        [0.0, 1.0],
        ValueError,
        r"^x and y must be 1-D of the same length",
    ),
    (
        "x-ragged",
        [[0.0, 1.0], [2.0]],
        [0.0, 1.0],
        ValueError,
        r"^x is not a rectangular array",
    ),
):

    def thunk(x=x, y=y):
        return plotting.plot_data(axes(), x, y)

    case(thunk, exc, match, f"plot_data-{label}")

for label, weights, kwargs, exc, match in (
    ("1d", [0.5, 0.5], {}, ValueError, r"^weights must be 2-D \(m, n\)"),
    ("3d", np.ones((1, 2, 2)), {}, ValueError, r"^weights must be 2-D \(m, n\)"),
    ("scalar", 1.0, {}, ValueError, r"^weights must be 2-D \(m, n\)"),
    ("empty", np.zeros((0, 3)), {}, ValueError, r"^weights is empty"),
    ("nan", [[np.nan, 1.0]], {}, ValueError, r"^weights contains \d+ NaN or infinite"),
    ("inf", [[np.inf, 1.0]], {}, ValueError, r"^weights contains \d+ NaN or infinite"),
    ("str", [["a", "b"]], {}, TypeError, r"^weights must hold real numbers"),
    ("complex", [[1j, 0.0]], {}, TypeError, r"^weights must hold real numbers"),
    (
        "object",
        np.array([[None, 1.0]]),
        {},
        TypeError,
        r"^weights must hold real numbers",
    ),
    (
        "ragged",
        [[0.5, 0.5], [1.0]],
        {},
        ValueError,
        r"^weights is not a rectangular array",
    ),
    (
        "query-labels-length",
        np.eye(2),
        {"query_labels": ["a"]},
        ValueError,
        r"^query_labels has 1 entries for 2",
    ),
    (
        "key-labels-length",
        np.ones((2, 3)),
        {"key_labels": ["a", "b"]},
        ValueError,
        r"^key_labels has 2 entries for 3",
    ),
    (
        "query-labels-int",
        np.eye(2),
        {"query_labels": 2},
        TypeError,
        r"^query_labels must be a sequence of str",
    ),
    (
        "key-labels-gen",
        np.eye(2),
        {"key_labels": (s for s in "ab")},
        TypeError,
        r"^key_labels must be a sequence",
    ),
):

    def thunk(weights=weights, kwargs=kwargs):
        return plotting.weights_heatmap(axes(), weights, **kwargs)

    case(thunk, exc, match, f"weights_heatmap-{label}")

for label, args, match in (
    ("nrows-zero", (0, 1), r"Number of rows must be a positive integer"),
    ("ncols-zero", (1, 0), r"Number of columns must be a positive integer"),
    ("nrows-float", (1.5, 1), r"Number of rows must be a positive integer"),
):
    case(
        functools.partial(plotting.new_figure, *args),
        ValueError,
        match,
        f"new_figure-{label}",
    )


@pytest.mark.parametrize(("thunk", "exc", "match"), CASES)
def test_bad_input_raises_a_named_error(thunk, exc, match):
    with pytest.raises(exc, match=match) as info:
        thunk()
    assert type(info.value) is exc


def test_a_failed_heatmap_draws_nothing():
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="key_labels"):
        plotting.weights_heatmap(ax, np.ones((2, 3)), key_labels=["a"])
    assert not ax.images
    assert len(fig.axes) == 1  # no colour bar either


def test_bad_input_cases_are_many_and_uniquely_named():
    ids = [p.id for p in CASES]
    assert len(ids) == len(set(ids))
    assert len(ids) > 300
