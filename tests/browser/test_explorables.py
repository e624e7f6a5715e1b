"""Static explorables in Chromium: the frame shown is the frame of the controls' values.

Two pages are checked:

* a page made here from a *coded* explorable (tests/explorable_codes.py), whose
  frames are flat colours encoding the indices of their grid point: the test
  decodes the pixels of the image the page shows after every move, so a wrong
  frame index in the inline script (or in Python) fails it;
* every explorable of the built site: after every move, the image shown is
  frame ``ravel_multi_index(control values)`` (row-major) of the page's own data,
  with its alt text and value labels.
"""

from __future__ import annotations

import itertools
import json
import re

import numpy as np
import pytest
from _site import SCREENSHOTS, SITE, site_pages

from tests.explorable_codes import ALT, PARAMS, START, coded_explorable, decode_frame

READ_STATE = """root => ({
  values: [...root.querySelectorAll('input[data-axis], select[data-axis]')]
    .map(c => +c.value),
  src: root.querySelector('img.explorable-frame').src,
  alt: root.querySelector('img.explorable-frame').alt,
  outputs: [...root.querySelectorAll('output[data-axis]')].map(o => o.textContent),
  valuetexts: [...root.querySelectorAll('input[type=range]')]
    .map(c => c.getAttribute('aria-valuetext')),
})"""


def _set_control(control, index: int) -> None:
    """Move a control to option ``index`` as a reader does: keys on a slider, a pick on a select."""
    if control.evaluate("c => c.tagName") == "SELECT":
        control.select_option(value=str(index))
        return
    control.focus()
    current = int(control.input_value())
    key = "ArrowRight" if index > current else "ArrowLeft"
    for _ in range(abs(index - current)):
        control.press(key)
    assert int(control.input_value()) == index


def _coded_page(browser, tmp_path):
    e = coded_explorable()
    body = e.static_html()
    # two explorables on one page must not drive each other's frames
    other = coded_explorable(start={"a": 0.5, "b": "z", "c": 40}).static_html()
    path = tmp_path / "coded.html"
    path.write_text(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>coded</title>"
        f"</head><body><main>{body}<hr>{other}</main></body></html>",
        encoding="utf-8",
    )
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(path.as_uri(), wait_until="load")
    return page, errors


def test_coded_explorable_shows_the_frame_of_its_controls(browser, tmp_path):
    page, errors = _coded_page(browser, tmp_path)
    boxes = page.locator("div.explorable")
    assert boxes.count() == 2
    box, other = boxes.nth(0), boxes.nth(1)
    other_src = other.evaluate(READ_STATE)["src"]
    names = list(PARAMS)
    controls = box.locator("input[data-axis], select[data-axis]")
    # the first frame is the frame of the initial control values
    state = box.evaluate(READ_STATE)
    assert decode_frame(state["src"]) == START
    assert state["alt"] == ALT.format(**START)
    assert [PARAMS[n][i] for n, i in zip(names, state["values"], strict=True)] == [
        START[n] for n in names
    ]
    # walk every control over all its values, from every value of the others
    # (a snake through the 2 x 3 x 4 grid: each step moves one control)
    idx = [PARAMS[n].index(START[n]) for n in names]
    seen = set()
    for a in range(len(PARAMS["a"])):
        for b in range(len(PARAMS["b"])):
            for c in range(len(PARAMS["c"])):
                for axis, target in enumerate((a, b, c)):
                    if idx[axis] != target:
                        _set_control(controls.nth(axis), target)
                        idx[axis] = target
                state = box.evaluate(READ_STATE)
                values = {n: PARAMS[n][i] for n, i in zip(names, idx, strict=True)}
                assert state["values"] == idx
                assert decode_frame(state["src"]) == values, f"at indices {idx}"
                assert state["alt"] == ALT.format(**values)
                # value labels of the sliders (a and c), also for screen readers
                expected = [f"a = {values['a']:.3g}", f"c = {values['c']:.3g}"]
                assert state["outputs"] == expected == state["valuetexts"]
                seen.add(tuple(idx))
    assert len(seen) == 24
    assert other.evaluate(READ_STATE)["src"] == other_src
    # the labels (holding "</script>") are shown as text
    assert box.locator("label").first.text_content() == "first </script> a"
    assert errors == []
    page.close()


def _site_explorables():
    """(page, index) of every explorable on the built site."""
    found = []
    for path in site_pages():
        text = (SITE / path).read_text(encoding="utf-8")
        found += [(path, i) for i in range(text.count('<div class="explorable"'))]
    return found


def _data_of(page_html: str, index: int) -> dict:
    script = re.findall(
        r"<script>\(function \(\) \{\n  var root = [^;]*, d = (\{.*?\});\n",
        page_html,
        re.S,
    )[index]
    return json.loads(script)


@pytest.mark.parametrize(("path", "index"), _site_explorables())
def test_site_explorable_shows_the_frame_of_its_controls(recorder, path, index):
    """Every control of every explorable on the site, over every one of its values."""
    data = _data_of((SITE / path).read_text(encoding="utf-8"), index)
    dims = data["dims"]
    page = recorder.open(path)
    box = page.locator("div.explorable").nth(index)
    controls = box.locator("input[data-axis], select[data-axis]")
    assert controls.count() == len(dims)

    def check(idx):
        state = box.evaluate(READ_STATE)
        assert state["values"] == idx
        flat = int(np.ravel_multi_index(idx, dims))
        assert state["src"] == data["frames"][flat], f"{path}: wrong frame at {idx}"
        assert state["alt"] == data["alts"][flat]
        slider_axes = [
            a
            for a in range(len(dims))
            if controls.nth(a).get_attribute("type") == "range"
        ]
        assert state["outputs"] == [data["texts"][a][idx[a]] for a in slider_axes]

    # the first frame is the frame of the controls' initial values
    start = box.evaluate(READ_STATE)["values"]
    check(start)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    stem = f"{path.replace('/', '_').removesuffix('.html')}_explorable{index}"
    box.scroll_into_view_if_needed()
    box.screenshot(path=str(SCREENSHOTS / f"{stem}_a.png"))
    # each control over all its values (from the start values of the others), then back
    for axis in range(len(dims)):
        order = list(range(dims[axis]))
        for target in itertools.chain(order, [start[axis]]):
            _set_control(controls.nth(axis), target)
            check([*start[:axis], target, *start[axis + 1 :]])
    # and a move of every control at once, away from the start
    if len(dims) > 1:
        far = [(s + 1) % d for s, d in zip(start, dims, strict=True)]
        for axis, target in enumerate(far):
            _set_control(controls.nth(axis), target)
        check(far)
    box.screenshot(path=str(SCREENSHOTS / f"{stem}_b.png"))
    assert recorder.console_errors == []
