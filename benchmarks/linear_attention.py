"""Linear (Performer) attention against quadratic softmax attention, over n.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/linear_attention.py``).
It prints figures; it asserts nothing (speed is measured here, not in tests).

Self-attention of n tokens with d = 64: quadratic
``helpers.attention.scaled_dot_product_attention`` (O(n^2 d)) against
``helpers.linear_attention.linear_attention`` with r = 256 positive random
features (O(n r d)). Printed: best-of-3 times, the log-log slopes, and the
crossover n* where linear attention becomes faster (interpolated in log-log),
and the approximation error of the Performer output against exact softmax
attention at each n (RMS error over RMS of the values V).
"""

from __future__ import annotations

import os
import timeit

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import numpy as np  # noqa: E402

from helpers.attention import scaled_dot_product_attention  # noqa: E402
from helpers.linear_attention import (  # noqa: E402
    linear_attention,
    positive_random_features,
)

D, R = 64, 256
SIZES = (128, 256, 512, 1024, 2048, 4096)


def feature_map(x):
    """Performer features of exp(q.k / sqrt(d)): the same W for queries and keys."""
    return positive_random_features(x / D**0.25, R, seed=0)


def best(func, repeat=3):
    return min(timeit.repeat(func, number=1, repeat=repeat))


def main():
    print(f"linear vs quadratic attention, d = {D}, r = {R} features, one BLAS thread")
    rng = np.random.default_rng(0)
    quad, lin = [], []
    for n in SIZES:
        q, k, v = (0.5 * rng.normal(size=(n, D)) for _ in range(3))
        exact = scaled_dot_product_attention(q, k, v)
        approx = linear_attention(q, k, v, feature_map)
        quad.append(best(lambda q=q, k=k, v=v: scaled_dot_product_attention(q, k, v)))
        lin.append(best(lambda q=q, k=k, v=v: linear_attention(q, k, v, feature_map)))
        err = np.sqrt(np.mean((approx - exact) ** 2) / np.mean(v**2))
        print(
            f"  n = {n:5d}: quadratic {quad[-1] * 1e3:8.1f} ms, linear "
            f"{lin[-1] * 1e3:7.1f} ms, ratio {quad[-1] / lin[-1]:5.2f}; "
            f"RMS error of the Performer output / RMS of V {err:.3f}"
        )
    logn = np.log(SIZES)
    slope_q = np.polyfit(logn[2:], np.log(quad[2:]), 1)[0]
    slope_l = np.polyfit(logn[2:], np.log(lin[2:]), 1)[0]
    print(
        f"  log-log slopes (n >= {SIZES[2]}): quadratic {slope_q:.2f}, linear {slope_l:.2f}"
    )
    gap = np.log(quad) - np.log(lin)
    above = np.flatnonzero(gap > 0)
    if above.size == 0:
        print(f"  no crossover up to n = {SIZES[-1]}")
    elif above[0] == 0:
        print(f"  linear is already faster at n = {SIZES[0]}")
    else:
        i = above[0]
        t = -gap[i - 1] / (gap[i] - gap[i - 1])
        cross = np.exp(logn[i - 1] + t * (logn[i] - logn[i - 1]))
        print(
            f"  crossover n* ~ {cross:.0f} (between n = {SIZES[i - 1]} and {SIZES[i]})"
        )


if __name__ == "__main__":
    main()
