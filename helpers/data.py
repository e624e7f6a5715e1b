"""The data sets the chapters use: the noisy sine of chapters 1-3 and the toy sentence of 4-5."""

from __future__ import annotations

import numpy as np

from helpers._validate import (
    as_real_array,
    check_int,
    check_nonnegative_int,
    check_positive_int,
    check_positive_scalar,
    check_real_scalar,
)


def noisy_sine(
    n: int = 40, seed: int = 42, low: float = 0.0, high: float = 6.0, noise: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    r"""Noisy samples of :math:`m(x) = 2\sin x`, the book's running example.

    .. math::  x_i \sim U[\text{low}, \text{high}], \qquad
               y_i = 2 \sin x_i + \varepsilon_i, \quad \varepsilon_i \sim N(0, \text{noise}^2)

    The recipe is adapted from the blog post the book grew from (40 inputs on
    [0, 6], 2 sin x plus standard normal noise); the book fixes the seed at 42.
    With the defaults it returns exactly what ``np.random.seed(42);
    x = np.random.uniform(0, 6, 40); y = 2*np.sin(x) + np.random.normal(size=40)``
    gives, without touching NumPy's global random state.

    Parameters
    ----------
    n : int, default 40
        Number of points, >= 1.
    seed : int, default 42
        Seed of the legacy ``RandomState`` generator (same stream as
        ``np.random.seed``), 0 <= seed < 2**32.
    low, high : float, default 0 and 6
        Interval the inputs are drawn from; ``low < high``.
    noise : float, default 1
        Standard deviation of the Gaussian noise, > 0.

    Returns
    -------
    x : ndarray of shape (n,)
    y : ndarray of shape (n,)

    Examples
    --------
    >>> x, y = noisy_sine()
    >>> x.shape, round(float(x[0]), 4)
    ((40,), 2.2472)
    """
    n = check_positive_int(n, "n")
    seed = check_int(seed, "seed")
    if not 0 <= seed < 2**32:
        raise ValueError(f"seed must be >= 0 and < 2**32, got {seed}")
    low = check_real_scalar(low, "low")
    high = check_real_scalar(high, "high")
    if not low < high:
        raise ValueError(f"low must be smaller than high, got low={low}, high={high}")
    noise = check_positive_scalar(noise, "noise")
    rng = np.random.RandomState(seed)
    x = rng.uniform(low, high, n)
    y = 2 * np.sin(x) + noise * rng.normal(size=n)
    return x, y


def true_function(x) -> np.ndarray:
    r"""The regression function :math:`m(x) = 2 \sin x` behind :func:`noisy_sine`.

    Parameters
    ----------
    x : array_like of real numbers, finite, any shape

    Returns
    -------
    ndarray of the same shape as ``x``

    Examples
    --------
    >>> true_function([0.0, np.pi / 2]).tolist()
    [0.0, 2.0]
    """
    return 2 * np.sin(as_real_array(x, "x", allow_empty=True))


_TOY_TOKENS = ("The", "cat", "sat", "on", "the", "mat")
_TOY_WORDS = tuple(dict.fromkeys(t.lower() for t in _TOY_TOKENS))
"""The lower-cased words in order of first appearance: one embedding row each."""


def _toy_generator(d_model: int, seed: int) -> tuple[np.random.Generator, np.ndarray]:
    """The toy world's generator after it drew the embedding table, and the table."""
    rng = np.random.default_rng(seed)
    return rng, rng.normal(size=(len(_TOY_WORDS), d_model))


def toy_sentence(d_model: int = 8, seed: int = 2017) -> tuple[list[str], np.ndarray]:
    r"""The toy sentence of chapters 4 and 5, "The cat sat on the mat", as word embeddings.

    A random, seeded stand-in for a trained embedding table: the lower-cased
    words, in order of first appearance (``the, cat, sat, on, mat``), get one
    row each of ``d_model`` independent standard normal numbers, drawn by
    ``np.random.default_rng(seed)``; each token then looks up the row of its
    lower-cased word, as an uncased tokenizer does. So "The" (position 0) and
    "the" (position 4) get identical rows. There are **no positions** in the
    rows: a chapter that wants them adds a positional encoding itself.

    Parameters
    ----------
    d_model : int, default 8
        Dimension of the embeddings, >= 1.
    seed : int, default 2017
        Seed of ``np.random.default_rng``, >= 0. The defaults are the toy world
        that chapters 4 and 5 share; :func:`toy_projections` with the same
        ``d_model`` and ``seed`` gives its projections.

    Returns
    -------
    tokens : list of str
        ``["The", "cat", "sat", "on", "the", "mat"]`` (a new list on every call).
    embeddings : ndarray of shape (6, d_model)
        Row ``t`` is the word embedding of ``tokens[t]``, without positions.

    See Also
    --------
    toy_projections : the projections :math:`W_q, W_k, W_v` of the same toy world.

    Examples
    --------
    >>> tokens, X = toy_sentence()
    >>> " ".join(tokens), X.shape
    ('The cat sat on the mat', (6, 8))
    >>> bool(np.array_equal(X[0], X[4])), bool(np.array_equal(X[0], X[1]))
    (True, False)
    """
    d_model = check_positive_int(d_model, "d_model")
    seed = check_nonnegative_int(seed, "seed")
    _, table = _toy_generator(d_model, seed)
    ids = [_TOY_WORDS.index(t.lower()) for t in _TOY_TOKENS]
    return list(_TOY_TOKENS), table[ids]


def toy_projections(
    d_model: int = 8, d_k: int = 4, d_v: int | None = None, seed: int = 2017
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""The projections :math:`W_q, W_k, W_v` of the toy world of :func:`toy_sentence`.

    Entries are independent normal numbers with variance :math:`1/d_{\text{model}}`
    (standard deviation ``1 / sqrt(d_model)``), a common initialisation that keeps
    the entries of :math:`q = xW_q` of the order of those of :math:`x`. They come
    from the same generator as ``toy_sentence(d_model, seed)``, continuing after
    its embedding table: ``rng = np.random.default_rng(seed)`` draws the table
    ``rng.normal(size=(5, d_model))`` and then ``W_q``, ``W_k``, ``W_v`` in this
    order with ``rng.normal(scale=1 / np.sqrt(d_model), size=...)``. One seed fixes
    the whole toy world, and the projections never reuse the embeddings' numbers.

    Parameters
    ----------
    d_model : int, default 8
        Dimension of the token vectors, >= 1.
    d_k : int, default 4
        Dimension of queries and keys, >= 1.
    d_v : int, optional
        Dimension of the values, >= 1; ``None`` (the default) means ``d_k``.
    seed : int, default 2017
        Seed of ``np.random.default_rng``, >= 0 (the seed of :func:`toy_sentence`).

    Returns
    -------
    W_q : ndarray of shape (d_model, d_k)
    W_k : ndarray of shape (d_model, d_k)
    W_v : ndarray of shape (d_model, d_v)

    Examples
    --------
    >>> tokens, X = toy_sentence()
    >>> W_q, W_k, W_v = toy_projections()
    >>> W_q.shape, W_v.shape, (X @ W_q).shape
    ((8, 4), (8, 4), (6, 4))
    """
    d_model = check_positive_int(d_model, "d_model")
    d_k = check_positive_int(d_k, "d_k")
    d_v = d_k if d_v is None else check_positive_int(d_v, "d_v")
    seed = check_nonnegative_int(seed, "seed")
    rng, _ = _toy_generator(d_model, seed)
    scale = 1 / np.sqrt(d_model)
    W_q = rng.normal(scale=scale, size=(d_model, d_k))
    W_k = rng.normal(scale=scale, size=(d_model, d_k))
    W_v = rng.normal(scale=scale, size=(d_model, d_v))
    return W_q, W_k, W_v
