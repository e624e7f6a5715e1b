"""all-MiniLM-L6-v2 in NumPy (``helpers.minilm``): load time and forward-pass time.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/minilm.py``). It prints
figures; it asserts nothing (speed is measured here, not in tests).

Printed: the time to load the weights and tokenizer; best-of-5 times of
``encode`` on one sentence, on the three sentences of the documented example
as one padded batch, and on texts of 32, 128 and 256 word pieces; the time of
``attention_weights`` (72 heads) on one sentence; and the time per token.
"""

from __future__ import annotations

import os
import time
import timeit

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

from helpers.minilm import load_model  # noqa: E402

SENTENCES = [
    "The weather is lovely today.",
    "It's so sunny outside!",
    "He drove to the stadium.",
]


def best(func, repeat=5):
    return min(timeit.repeat(func, number=1, repeat=repeat))


def main():
    start = time.perf_counter()
    model = load_model()
    print(f"all-MiniLM-L6-v2 in float64 NumPy, one BLAS thread; {model!r}")
    print(f"  load_model(): {time.perf_counter() - start:.2f} s")
    one = best(lambda: model.encode(SENTENCES[0]))
    T = len(model.tokens(SENTENCES[0]))
    print(f"  encode, one sentence ({T} word pieces): {one * 1e3:.1f} ms")
    batch = best(lambda: model.encode(SENTENCES))
    print(
        f"  encode, the documented example's 3 sentences as a batch: {batch * 1e3:.1f} ms"
    )
    weights = best(lambda: model.attention_weights(SENTENCES[0]))
    print(f"  attention_weights, one sentence, 6 x 12 heads: {weights * 1e3:.1f} ms")
    for n_words in (30, 126, 400):
        text = "kernel smoothing " * (n_words // 2)
        T = len(model.tokens(text))
        seconds = best(lambda text=text: model.encode(text), repeat=3)
        print(
            f"  encode, {T:3d} word pieces: {seconds * 1e3:7.1f} ms "
            f"({seconds / T * 1e6:.0f} us per word piece)"
        )


if __name__ == "__main__":
    main()
