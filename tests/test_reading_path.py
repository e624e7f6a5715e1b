"""The reading path: reading times that match the chapters, deeper sections marked,
a "Tell a colleague" box closing each chapter, and the intro's fast path."""

from __future__ import annotations

import json
import pathlib
import re

import pytest

from tests.reading_path import reading_minutes, sections

BOOK = pathlib.Path(__file__).resolve().parents[1] / "book"
CHAPTERS = sorted(BOOK.glob("[0-9][0-9]_*.ipynb"))
CORE_CHAPTERS = 6
"""Chapters 1 to 6 make the core: the claim, its conditions and masks."""
READING_TIME = re.compile(
    r"About (\d+) minutes in full; (\d+) minutes on the fast path", re.S
)


def markdown_cells(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]


def stated_minutes(path):
    found = [READING_TIME.search(" ".join(md.split())) for md in markdown_cells(path)]
    found = [m for m in found if m]
    assert len(found) == 1, f"{path.name}: one 'Reading time' box, found {len(found)}"
    return int(found[0].group(1)), int(found[0].group(2))


def close_enough(stated, estimate):
    return abs(stated - estimate) <= max(3.0, 0.25 * estimate)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_reading_times_match_the_estimate(path):
    full, fast = stated_minutes(path)
    est_full, est_fast = reading_minutes(path)
    assert close_enough(full, est_full), f"full: says {full}, estimate {est_full:.0f}"
    assert close_enough(fast, est_fast), f"fast: says {fast}, estimate {est_fast:.0f}"
    assert fast < full


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_the_reading_time_box_opens_the_chapter(path):
    opening = markdown_cells(path)[0]
    assert ":class: reading-time" in opening, (
        "the first cell holds the Reading time box"
    )


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_deeper_sections_are_marked_and_motivated(path):
    parts = sections(path)
    assert any(s.deeper for s in parts), "no section is marked deeper"
    core = [s.title for s in parts if s.level <= 2 and not s.deeper]
    assert "Summary" in core, "the summary is on the fast path"
    for md in markdown_cells(path):
        if ":class: deeper" in md:
            body = md.split(":class: deeper", 1)[1].split("```", 1)[0]
            assert len(body.split()) >= 8, f"a deeper box says why to care: {body!r}"


def _sentences(text):
    prose = re.sub(r"\$[^$]*\$", "x", text)
    return [s for s in re.split(r"(?<=[.!?])\s+", prose.strip()) if s]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_a_tell_a_colleague_box_of_at_most_three_sentences(path):
    boxes = [md for md in markdown_cells(path) if ":class: tell-a-colleague" in md]
    assert len(boxes) == 1, "one 'Tell a colleague' box"
    body = boxes[0].split(":class: tell-a-colleague", 1)[1].split("```", 1)[0]
    assert 1 <= len(_sentences(body)) <= 3, body
    mds = markdown_cells(path)
    exercises = next(i for i, md in enumerate(mds) if md.startswith("## Exercises"))
    assert ":class: tell-a-colleague" in mds[exercises - 1], "it closes the chapter"


def test_the_intro_gives_the_fast_path_and_its_length():
    """The core (chapters 1-6) is the fast path of about an hour; later chapters are listed too."""
    intro = (BOOK / "intro.md").read_text(encoding="utf-8")
    assert "## The fast path" in intro
    fast_path = intro.split("## The fast path", 1)[1].split("\n## ", 1)[0]
    core_total = 0
    for path in CHAPTERS:
        _, fast = stated_minutes(path)
        line = next(ln for ln in fast_path.splitlines() if path.stem in ln)
        assert f"{fast} min" in line, f"intro's fast path for {path.stem}: {line!r}"
        if int(path.stem[:2]) <= CORE_CHAPTERS:
            core_total += fast
    assert f"{core_total} minutes" in fast_path, (
        f"the intro states the core's total, {core_total} minutes"
    )
    assert core_total <= 90, "the fast path through the core stays near an hour"
