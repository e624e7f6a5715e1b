"""Hygiene of the committed chapter notebooks (what nbval alone would not catch).

nbval re-runs a notebook and compares outputs, but a notebook executed in a
wrong environment (a non-inline matplotlib backend, say) stores no figures and
still re-runs "equal". These checks read the stored notebooks directly.
"""

from __future__ import annotations

import json
import pathlib
import re

import pytest

BOOK = pathlib.Path(__file__).resolve().parents[1] / "book"
NOTEBOOKS = sorted(BOOK.glob("*.ipynb"))


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 6


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_executed_top_to_bottom_without_errors(path):
    nb = load(path)
    counts = [c["execution_count"] for c in code_cells(nb)]
    assert counts == list(range(1, len(counts) + 1)), (
        "run it top to bottom in a fresh kernel"
    )
    for cell in code_cells(nb):
        for out in cell["outputs"]:
            assert out["output_type"] != "error", cell["source"][:200]
            if out["output_type"] == "stream":
                assert out["name"] == "stdout", (
                    f"stderr output: {''.join(out['text'])[:200]}"
                )
            text = "".join(out.get("text", "")) + "".join(
                out.get("data", {}).get("text/plain", "")
            )
            assert not re.search(r" at 0x[0-9a-f]+", text), (
                f"object address in output: {text[:200]}"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_figure_cell_stores_its_figure_and_alt_text(path):
    nb = load(path)
    for cell in code_cells(nb):
        source = "".join(cell["source"])
        pngs = [o for o in cell["outputs"] if "image/png" in o.get("data", {})]
        if "plt.show()" in source:
            assert pngs, f"{path.name}: a figure cell stored no image:\n{source[:300]}"
        if pngs:
            alt = cell["metadata"].get("mystnb", {}).get("image", {}).get("alt", "")
            assert alt.strip(), (
                f"{path.name}: a figure without alt text:\n{source[:300]}"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_execution_timestamps_are_stored(path):
    """Per-cell timestamps change on every run and hide the real changes in a diff."""
    stamped = [
        i for i, c in enumerate(load(path)["cells"]) if "execution" in c["metadata"]
    ]
    assert not stamped, f"cells {stamped} store execution timestamps"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_teaching_code_keeps_comments_on_their_own_line(path):
    """A trailing comment makes the formatter split an expression over lines."""
    for cell in code_cells(load(path)):
        for line in "".join(cell["source"]).splitlines():
            assert not re.match(r"^\s*[)\]}]+\s+#", line), (
                f"{path.name}: a trailing comment split an expression: {line!r}"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_widget_state_is_stored(path):
    """Stored widget state would make the site load a widget manager from a CDN."""
    nb = load(path)
    assert "widgets" not in nb["metadata"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_one_title_and_the_closing_sections(path):
    nb = load(path)
    markdown = "\n".join(
        "".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"
    )
    prose = re.sub(
        r"^```+python\n.*?^```+$", "", markdown, flags=re.M | re.S
    )  # code in solutions
    assert len(re.findall(r"^# ", prose, re.M)) == 1
    for heading in ("## Summary", "## Exercises", "## References"):
        assert heading in markdown, f"{path.name} lacks {heading}"
    assert "What you will learn" in markdown
    assert "```{footbibliography}" in markdown
