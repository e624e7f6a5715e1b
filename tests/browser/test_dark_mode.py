"""Dark mode: the theme's toggle works, and figures and sliders stay readable in it.

The theme (pydata-sphinx-theme under sphinx-book-theme) has a light/dark toggle;
the book starts light. In dark mode the book shows its figures and explorables
as light cards (book/_static/book.css): figures undimmed on white, slider labels
and value read-outs dark on white. Checked with the theme's own toggle, axe's
colour-contrast rule on the dark page, and computed colours.
"""

from __future__ import annotations

import pytest
from _site import SCREENSHOTS, SITE, content_pages

EXPLORABLE_PAGES = [
    p
    for p in content_pages()
    if 'class="explorable"' in (SITE / p).read_text(encoding="utf-8")
]
THEME = "() => document.documentElement.dataset.theme"
# colours as the reader sees them: the text colour of each control label and value
# label, and the background colour of the nearest ancestor that paints one
COLOURS = """() => {
  const bg = el => {
    for (; el; el = el.parentElement) {
      const c = getComputedStyle(el).backgroundColor;
      if (c && c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c;
    }
    return 'rgb(255, 255, 255)';
  };
  const texts = [...document.querySelectorAll(
      '.explorable label, .explorable output, .explorable select')]
    .map(el => ({what: el.tagName + ' ' + el.textContent.trim().slice(0, 30),
                 fg: getComputedStyle(el).color, bg: bg(el)}));
  const images = [...document.querySelectorAll(
      '.bd-content div.cell_output img, .explorable img.explorable-frame')]
    .map(img => ({src: img.src.slice(0, 60), filter: getComputedStyle(img).filter,
                  bg: getComputedStyle(img).backgroundColor}));
  return {texts, images};
}"""


def _rgb(css: str) -> tuple[float, float, float]:
    parts = css[css.index("(") + 1 : css.index(")")].split(",")
    return tuple(float(v) for v in parts[:3])


def contrast(fg: str, bg: str) -> float:
    """WCAG 2 contrast ratio of two CSS rgb() colours."""

    def luminance(rgb):
        c = [v / 255 for v in rgb]
        c = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    a, b = sorted((luminance(_rgb(fg)), luminance(_rgb(bg))), reverse=True)
    return (a + 0.05) / (b + 0.05)


def test_contrast_ratio_formula():
    assert contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)") == pytest.approx(21)
    assert contrast("rgb(118, 118, 118)", "rgb(255, 255, 255)") == pytest.approx(
        4.54, abs=0.01
    )


def _to_dark(page):
    """Click the theme's toggle until the page is dark (light -> dark -> auto)."""
    assert page.evaluate(THEME) == "light", "the book should open in light mode"
    for _ in range(3):
        page.locator(".theme-switch-button").first.click()
        if page.evaluate(THEME) == "dark":
            return
    pytest.fail("the theme toggle never switched the page to dark mode")


@pytest.mark.parametrize("path", EXPLORABLE_PAGES)
def test_figures_and_sliders_are_readable_in_dark_mode(recorder, path):
    page = recorder.open(path)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    stem = path.replace("/", "_").removesuffix(".html")
    box = page.locator("div.explorable").first
    box.scroll_into_view_if_needed()
    light = page.evaluate(COLOURS)
    page.screenshot(path=str(SCREENSHOTS / f"{stem}_light.png"))
    _to_dark(page)
    # the choice is kept: a reload stays dark
    page.reload(wait_until="load")
    assert page.evaluate(THEME) == "dark"
    page.locator("div.explorable").first.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / f"{stem}_dark.png"))
    dark = page.evaluate(COLOURS)
    for mode, state in (("light", light), ("dark", dark)):
        low = [
            f"{t['what']!r}: {t['fg']} on {t['bg']} ({contrast(t['fg'], t['bg']):.1f}:1)"
            for t in state["texts"]
            if contrast(t["fg"], t["bg"]) < 4.5
        ]
        assert low == [], f"{path}, {mode} mode: slider text below 4.5:1: {low}"
        # figures are shown as drawn (no dimming filter), on white
        shown = [
            i
            for i in state["images"]
            if i["filter"] != "none"
            or i["bg"] not in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)")
        ]
        assert shown == [], (
            f"{path}, {mode} mode: figures dimmed or on a mat: {shown[:3]}"
        )
    assert state["texts"], f"{path}: no slider labels found"
    assert recorder.console_errors == []


# axe is slow on a long page: its colour-contrast rule runs on the shortest chapter with an
# explorable and exercise boxes (whose links the book colours itself)
AXE_PAGES = sorted(
    (
        p
        for p in EXPLORABLE_PAGES
        if 'class="admonition' in (SITE / p).read_text(encoding="utf-8")
    ),
    key=lambda p: (SITE / p).stat().st_size,
)[:1]


@pytest.mark.parametrize("path", AXE_PAGES)
def test_axe_colour_contrast_in_dark_mode(recorder, path):
    from axe_playwright_python.sync_playwright import Axe

    page = recorder.open(path)
    _to_dark(page)
    results = Axe().run(page, options={"runOnly": ["color-contrast"]})
    bad = [
        f"{n['target'][0]}: {n.get('failureSummary', '')[:160]}"
        for v in results.response["violations"]
        for n in v["nodes"]
    ]
    assert bad == [], f"{path}, dark mode: colour contrast:\n" + "\n".join(bad[:20])
