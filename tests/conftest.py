"""Shared fixtures and settings of the test suite of ``helpers``.

- matplotlib draws with the non-interactive Agg backend, every figure is closed
  and rcParams are restored after each test (``use_book_style`` changes them);
- hypothesis runs a fixed, reproducible set of examples (``derandomize``) with
  no deadline and no example database, so a run leaves no files behind;
- ``global_rng`` saves NumPy's global random state and restores it afterwards.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "helpers",
    deadline=None,
    max_examples=50,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("helpers")


@pytest.fixture(autouse=True)
def _close_figures_and_restore_rcparams():
    """Every test starts with matplotlib's settings and ends with no open figure."""
    with matplotlib.rc_context():
        yield
    plt.close("all")


@pytest.fixture
def global_rng():
    """Save NumPy's global random state; restore it after the test."""
    state = np.random.get_state()  # noqa: NPY002 (the global state itself)
    yield
    np.random.set_state(state)  # noqa: NPY002


@pytest.fixture
def seed_data(global_rng):
    """The data of the post the book grew from, made exactly as the post made it."""
    np.random.seed(42)  # noqa: NPY002 (exactly as the post did it)
    x = np.random.uniform(0, 6, 40)  # noqa: NPY002
    y = 2 * np.sin(x) + np.random.normal(size=40)  # noqa: NPY002
    return x, y
