"""Streaming (online-softmax) attention against dense attention: memory and time.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/streaming_attention.py``).
It prints figures; it asserts nothing (speed is measured here, not in tests).

* m = n = 50,000 queries and keys, d = 64: a dense float64 score matrix would
  take m * n * 8 bytes = 20 GB. Streaming attention runs with the peak of NumPy
  allocations (tracemalloc, inputs excluded) at most 5 % of that.
* Time per (query, key) pair: streaming against dense
  ``helpers.attention.scaled_dot_product_attention`` at n = 5,000, the largest
  size where the dense matrices fit comfortably. Target: streaming <= 1.5x dense.
"""

from __future__ import annotations

import os
import time
import tracemalloc

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import numpy as np  # noqa: E402

from helpers.attention import scaled_dot_product_attention  # noqa: E402
from helpers.streaming import streaming_attention  # noqa: E402

D = 64
BLOCK = 512
SMALL, LARGE = 5_000, 50_000


def measure(func, *args, **kwargs):
    """(result, seconds, peak bytes of allocations made during the call)."""
    tracemalloc.start()
    start = time.perf_counter()
    out = func(*args, **kwargs)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return out, seconds, peak


def inputs(n, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=(n, D)) for _ in range(3)]


def main():
    print(f"streaming attention, d = {D}, block {BLOCK} x {BLOCK}, one BLAS thread")
    q, k, v = inputs(SMALL)
    dense, t_dense, peak_dense = measure(scaled_dot_product_attention, q, k, v)
    stream, t_stream, peak_stream = measure(streaming_attention, q, k, v, BLOCK)
    pairs = SMALL * SMALL
    print(
        f"n = {SMALL:,}: max |streaming - dense| = {np.abs(stream - dense).max():.1e}"
    )
    print(
        f"  dense     {t_dense:7.2f} s  {t_dense / pairs * 1e9:6.2f} ns/pair  "
        f"peak {peak_dense / 2**20:8.1f} MiB"
    )
    print(
        f"  streaming {t_stream:7.2f} s  {t_stream / pairs * 1e9:6.2f} ns/pair  "
        f"peak {peak_stream / 2**20:8.1f} MiB"
    )
    ratio = t_stream / t_dense
    print(
        f"  time ratio streaming / dense = {ratio:.2f} (target <= 1.5): {ratio <= 1.5}"
    )
    del q, k, v, dense, stream

    q, k, v = inputs(LARGE)
    _, t_large, peak_large = measure(streaming_attention, q, k, v, BLOCK)
    pairs = LARGE * LARGE
    dense_bytes = pairs * 8
    share = peak_large / dense_bytes
    print(
        f"n = {LARGE:,}: streaming {t_large:.1f} s, {t_large / pairs * 1e9:.2f} ns/pair; "
        f"peak {peak_large / 2**20:.1f} MiB = {100 * share:.2f} % of the "
        f"{dense_bytes / 1e9:.0f} GB dense score matrix (target <= 5 %): {share <= 0.05}"
    )


if __name__ == "__main__":
    main()
