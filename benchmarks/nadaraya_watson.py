"""The dense Gaussian Nadaraya-Watson fast path against one ``np.exp`` pass.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/nadaraya_watson.py``).
It prints figures; it asserts nothing (speed is measured here, not in tests).

n = 2,000 training points, m = 500 queries, 1-D: ``helpers.smoothers.nadaraya_watson``
(the fast path: one matrix product, one ``exp`` per weight, one product with
[y, 1], in cache-sized chunks of queries) against

* one ``np.exp`` pass over an (m, n) score matrix (target: <= 1.5x);
* the general path it replaced, ``nw_weights(...) @ y`` (log-space gap form,
  normalised weights, then the product);
* statsmodels' ``KernelReg(reg_type="lc")``, the same estimator (best of 3).

Times are the best of many repeats (``timeit``); the machine may be shared.
"""

from __future__ import annotations

import os
import timeit
import warnings

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import numpy as np  # noqa: E402

from helpers.smoothers import nadaraya_watson, nw_weights  # noqa: E402

N, M = 2_000, 500


def best(func, repeat):
    return min(timeit.repeat(func, number=1, repeat=repeat))


def main():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 6, N)
    y = np.sin(x) + 0.3 * rng.normal(size=N)
    grid = np.linspace(0, 6, M)
    scores = -rng.random((M, N))
    print(f"Gaussian Nadaraya-Watson, n = {N:,}, m = {M}, one BLAS thread")
    t_exp = best(lambda: np.exp(scores), 50)
    print(f"  one np.exp pass over ({M}, {N}) scores: {t_exp * 1e3:.2f} ms")
    for h in (1.0, 0.3, 0.1):
        fast = nadaraya_watson(x, y, grid, h)
        general = nw_weights(x, grid, h) @ y
        t_fast = best(lambda h=h: nadaraya_watson(x, y, grid, h), 50)
        t_general = best(lambda h=h: nw_weights(x, grid, h) @ y, 10)
        print(
            f"  h = {h}: fast path {t_fast * 1e3:.2f} ms = {t_fast / t_exp:.2f}x "
            f"np.exp (target <= 1.5: {t_fast / t_exp <= 1.5}); general path "
            f"{t_general * 1e3:.2f} ms = {t_general / t_exp:.1f}x; "
            f"max |fast - general| = {np.abs(fast - general).max():.1e}"
        )
    try:
        from statsmodels.nonparametric.kernel_regression import KernelReg
    except ImportError:
        print(
            "  statsmodels is not installed: pip install -r benchmarks/requirements.txt"
        )
        return
    h = 0.3
    with warnings.catch_warnings():
        # pandas, imported by statsmodels, warns about its own future defaults
        warnings.simplefilter("ignore", FutureWarning)
        model = KernelReg(y, x, var_type="c", reg_type="lc", bw=[h])
        reference = model.fit(grid)[0]
        t_sm = best(lambda: model.fit(grid), 3)
    t_fast = best(lambda: nadaraya_watson(x, y, grid, h), 50)
    print(
        f"  statsmodels KernelReg(reg_type='lc', bw=[{h}]).fit: {t_sm * 1e3:.0f} ms, "
        f"{t_sm / t_fast:.0f}x the fast path; max |difference| = "
        f"{np.abs(reference - nadaraya_watson(x, y, grid, h)).max():.1e}"
    )


if __name__ == "__main__":
    main()
