"""Crawl every page of the built site in Chromium and check what a reader meets."""

from __future__ import annotations

import html.parser
import json
import pathlib
import posixpath
import re
import urllib.parse

import numpy as np
import pytest
from _site import ROOT, SITE, content_pages, site_pages

PAGES = site_pages()
CONTENT = content_pages()
SERIOUS = {"serious", "critical"}
MATH_STATE = """() => {
  const math = [...document.querySelectorAll('.math')];
  const text = (e) => e.textContent.slice(0, 60);
  return {
    total: math.length,
    untypeset: math.filter((m) => !m.querySelector('mjx-container')).map(text),
    errors: [...document.querySelectorAll('mjx-merror, [data-mjx-error]')].map(text),
    mathjax: !!window.MathJax,
    // display equations wider than the column they sit in: cut off for the reader
    too_wide: [...document.querySelectorAll('mjx-container[display="true"]')]
      .filter((e) => e.scrollWidth > e.parentElement.clientWidth + 2)
      .map((e) => `${e.scrollWidth} px > ${e.parentElement.clientWidth} px: ${text(e)}`),
  };
}"""


def test_the_site_has_pages():
    if not PAGES:
        pytest.skip("the site is not built; run make book")
    assert "index.html" in PAGES
    assert "book/intro.html" in CONTENT
    assert any(p.startswith("book/") for p in PAGES)


# The checks that only read a page share one load of it (the ``loaded`` fixture).


@pytest.mark.parametrize("loaded", CONTENT, indirect=True)
def test_page_is_self_contained_and_error_free(loaded):
    recorder, path, page = loaded, loaded.path, loaded.page
    assert recorder.external == [], (
        f"{path} requested outside the site: {recorder.external}"
    )
    assert recorder.failed == [], f"{path} had failed requests: {recorder.failed}"
    assert recorder.console_errors == [], (
        f"{path} logged errors: {recorder.console_errors}"
    )
    missing_alt = page.evaluate(
        "() => [...document.images].filter(i => !i.hasAttribute('alt') || !i.alt.trim())"
        ".map(i => i.src.slice(0, 80))"
    )
    assert missing_alt == [], f"{path}: images without alt text: {missing_alt}"


@pytest.mark.parametrize("loaded", CONTENT, indirect=True)
def test_math_is_typeset(loaded):
    path, page = loaded.path, loaded.page
    state = page.evaluate(MATH_STATE)
    if state["total"]:
        assert state["mathjax"], f"{path} has math but MathJax did not load"
    assert state["untypeset"] == [], (
        f"{path}: math left untypeset: {state['untypeset'][:5]}"
    )
    assert state["errors"] == [], f"{path}: MathJax errors: {state['errors'][:5]}"
    assert state["too_wide"] == [], f"{path}: equations cut off: {state['too_wide']}"


@pytest.mark.parametrize(
    "loaded", [p for p in CONTENT if p.startswith("book/")], indirect=True
)
def test_no_serious_accessibility_violations(loaded):
    from axe_playwright_python.sync_playwright import Axe

    path, page = loaded.path, loaded.page
    results = Axe().run(page)
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:3])
        for v in results.response["violations"]
        if v.get("impact") in SERIOUS
    ]
    assert serious == [], f"{path}: serious/critical axe violations:\n" + "\n".join(
        serious
    )


class _Anchors(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.links = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name"):
            if attrs.get(key):
                self.ids.add(attrs[key])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag in ("link", "script", "img") and (attrs.get("href") or attrs.get("src")):
            self.links.append(attrs.get("href") or attrs.get("src"))
        if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
            self.links.append(attrs.get("content", "").split("url=", 1)[-1])


def _parse(path: pathlib.Path) -> _Anchors:
    parser = _Anchors()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_internal_links_resolve():
    if not PAGES:
        pytest.skip("the site is not built; run make book")
    parsed = {p: _parse(SITE / p) for p in PAGES}
    broken = []
    for page, anchors in parsed.items():
        for href in anchors.links:
            url = urllib.parse.urlsplit(href)
            if (
                url.scheme in ("http", "https", "mailto", "data", "javascript")
                or url.netloc
            ):
                continue
            target = (
                page
                if not url.path
                else posixpath.normpath(
                    posixpath.join(
                        posixpath.dirname(page), urllib.parse.unquote(url.path)
                    )
                )
            )
            if target.endswith("/"):
                target += "index.html"
            if not (SITE / target).exists():
                broken.append(f"{page}: {href} (no file {target})")
                continue
            if url.fragment and target.endswith(".html"):
                ids = (
                    parsed[target].ids
                    if target in parsed
                    else _parse(SITE / target).ids
                )
                if urllib.parse.unquote(url.fragment) not in ids:
                    broken.append(
                        f"{page}: {href} (no anchor #{url.fragment} in {target})"
                    )
    assert broken == [], "broken internal links:\n" + "\n".join(broken[:30])


EXPLORABLE_PAGES = [
    p for p in PAGES if 'class="explorable"' in (SITE / p).read_text(encoding="utf-8")
]


# Static sliders on the site: tests/browser/test_explorables.py checks the frame shown after
# every move of every control; here, that one still works straight from disk.


@pytest.mark.parametrize("path", EXPLORABLE_PAGES[:1])
def test_static_slider_works_from_a_file_url(browser, path):
    """Opened straight from disk (file://), with no server, a slider still drives its frames."""
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto((SITE / path).resolve().as_uri(), wait_until="load")
    box = page.locator("div.explorable").first
    img = box.locator("img.explorable-frame")
    before = img.get_attribute("src")
    control = box.locator("input[type=range], select").first
    if control.evaluate("c => c.tagName") == "SELECT":
        control.select_option(
            index=(int(control.input_value()) + 1) % control.locator("option").count()
        )
    else:
        control.focus()
        control.press("Home" if int(control.input_value()) > 0 else "End")
    assert img.get_attribute("src") != before
    assert errors == []
    page.close()


CHAPTERS = [p for p in CONTENT if re.match(r"book/\d\d_", p)]


@pytest.mark.parametrize("path", CHAPTERS)
def test_every_stored_figure_is_on_the_page(path):
    """The build re-executes the notebooks; it must not lose a figure the notebook has."""
    notebook = json.loads((ROOT / pathlib.Path(path).with_suffix(".ipynb")).read_text())
    stored = sum(
        "image/png" in out.get("data", {})
        for cell in notebook["cells"]
        if cell["cell_type"] == "code"
        for out in cell["outputs"]
    )
    shown = (SITE / path).read_text(encoding="utf-8").count('<img alt="')
    assert stored > 0
    assert shown >= stored, (
        f"{path}: {shown} figures on the page, {stored} in the notebook"
    )


@pytest.mark.parametrize("path", CHAPTERS)
def test_page_weighs_at_most_3_mb(path):
    """A chapter page with its figures and every explorable frame stays light."""
    page = SITE / path
    text = page.read_text(encoding="utf-8")
    total = len(text.encode())
    for src in set(re.findall(r'<img[^>]+src="([^"]+)"', text)):
        if not src.startswith(("data:", "http")):
            total += (page.parent / src).resolve().stat().st_size
    assert total <= 3_000_000, f"{path} weighs {total / 1e6:.2f} MB"


def _explorable_data(path):
    """The frames' data of every static explorable on a page: dims, value texts, alts."""
    text = (SITE / path).read_text(encoding="utf-8")
    found = re.findall(r'getElementById\("[^"]+"\), d = (\{.*?\});\n', text, re.S)
    return [json.loads(blob) for blob in found]


@pytest.mark.parametrize("path", EXPLORABLE_PAGES)
def test_every_frame_alt_text_states_the_values_it_was_drawn_from(path):
    """A frame's alt text is computed from its own grid point: it names every control's value.

    The value is what the control shows after "name = " (a number as formatted, or a
    menu entry), matched as a whole token, so the alt of a neighbouring frame fails.
    """
    explorables = _explorable_data(path)
    assert explorables, f"{path}: no explorable data found"
    for data in explorables:
        assert len(data["alts"]) == int(np.prod(data["dims"]))
        for index, alt in enumerate(data["alts"]):
            point = np.unravel_index(index, data["dims"])
            for axis, position in enumerate(point):
                value = data["texts"][axis][position].split(" = ", 1)[-1]
                token = rf"(?<![\w.]){re.escape(value)}(?![\w]|\.\d)"
                assert re.search(token, alt), (
                    f"{path}: frame {index} {tuple(map(int, point))} is drawn at "
                    f"{data['texts'][axis][position]!r}, but its alt text does not say "
                    f"{value!r}: {alt[:160]}"
                )
