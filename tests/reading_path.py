"""The reading path of a chapter: its sections, which are deeper, and reading times.

A chapter marks a section as *deeper* (off the fast path) with an admonition of
class ``deeper`` in the heading's own markdown cell::

    ## Boundary bias

    ```{admonition} Deeper section
    :class: deeper
    Why a reader might care, in one sentence. The fast path goes on at ...
    ```

Its subsections are deeper too. The estimate of reading time counts the prose
(200 words a minute), the visible code (20 lines a minute) and each stored figure
(20 seconds), up to the exercises. Run ``python tests/reading_path.py book/*.ipynb``
to print the estimates a chapter's "Reading time" box must agree with.
"""

from __future__ import annotations

import dataclasses
import json
import pathlib
import re
import sys

WORDS_PER_MINUTE = 200
CODE_LINES_PER_MINUTE = 20
MINUTES_PER_FIGURE = 1 / 3
END_HEADINGS = ("## Exercises", "## References")
_HEADING = re.compile(r"^(#{1,3}) (.+)$", re.M)
_LABEL = re.compile(r"\A\s*\([\w-]+\)=\s*\n")
_FENCE = re.compile(r"^```+\s*(python|py|text)?\s*$.*?^```+\s*$", re.M | re.S)


@dataclasses.dataclass
class Section:
    level: int
    title: str
    deeper: bool
    words: int = 0
    code_lines: int = 0
    figures: int = 0

    @property
    def minutes(self) -> float:
        return (
            self.words / WORDS_PER_MINUTE
            + self.code_lines / CODE_LINES_PER_MINUTE
            + self.figures * MINUTES_PER_FIGURE
        )


def _prose_words(markdown: str) -> int:
    """Words of prose, headings and admonitions included, code blocks excluded."""
    return len(_FENCE.sub(" ", markdown).split())


def sections(path) -> list[Section]:
    """The sections of a chapter notebook up to its exercises, in order."""
    cells = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))["cells"]
    found = [Section(level=1, title="(opening)", deeper=False)]
    deeper_level = None
    for cell in cells:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            heading = _HEADING.search(source)
            unlabelled = _LABEL.sub("", source).lstrip()
            if heading and unlabelled.startswith(heading.group(0)):
                if heading.group(0).startswith(END_HEADINGS):
                    break
                level = len(heading.group(1))
                if deeper_level is not None and level <= deeper_level:
                    deeper_level = None
                if deeper_level is None and ":class: deeper" in source:
                    deeper_level = level
                found.append(
                    Section(level, heading.group(2).strip(), deeper_level is not None)
                )
            found[-1].words += _prose_words(source)
        elif cell["cell_type"] == "code":
            tags = cell["metadata"].get("tags", [])
            if "hide-input" not in tags and "remove-input" not in tags:
                found[-1].code_lines += sum(
                    1 for ln in source.splitlines() if ln.strip()
                )
            found[-1].figures += sum(
                "image/png" in out.get("data", {}) for out in cell.get("outputs", [])
            )
    return found


def reading_minutes(path) -> tuple[float, float]:
    """``(full, fast)``: estimated minutes for the whole chapter and its fast path."""
    parts = sections(path)
    full = sum(s.minutes for s in parts)
    fast = sum(s.minutes for s in parts if not s.deeper)
    return full, fast


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        full, fast = reading_minutes(arg)
        print(f"{arg}: full {full:.0f} min, fast path {fast:.0f} min")
        for s in sections(arg):
            mark = "deeper" if s.deeper else "fast  "
            indent = "  " * (s.level - 1)
            print(f"   {mark} {s.minutes:5.1f} min  {indent}{s.title}")
