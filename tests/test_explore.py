"""Tests of helpers.explore: the live and the static form of an explorable."""

from __future__ import annotations

import base64
import io
import json
import re
from html.parser import HTMLParser

import numpy as np
import pytest
from matplotlib.layout_engine import ConstrainedLayoutEngine
from PIL import Image

from helpers.explore import MODE_VARIABLE, Explorable, ExplorableBox, explore
from tests.explorable_codes import (
    ALT,
    LABELS,
    START,
    coded_explorable,
    decode_frame,
    decode_png,
)
from tests.explorable_codes import (
    PARAMS as CODED,
)


def draw(fig, h, kernel="gaussian"):
    ax = fig.subplots()
    ax.plot([0, 1], [0, h])
    ax.set_title(f"h = {h}, {kernel}")


PARAMS = {"h": [0.1, 0.5, 2.0], "kernel": ["gaussian", "uniform"]}


def frames_of(html):
    data = json.loads(re.search(r"d = (\{.*\});", html).group(1))
    return data


class _Page(HTMLParser):
    """The parts of a static explorable: its controls, the first frame, the script."""

    def __init__(self):
        super().__init__()
        self.controls, self.images, self.scripts, self.options = [], [], [], []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("input", "select") and "data-axis" in attrs:
            self.controls.append((tag, attrs))
        elif tag == "option":
            self.options.append((len(self.controls) - 1, attrs))
        elif tag == "img":
            self.images.append(attrs)
        elif tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def parse_static(html):
    """Parse a static explorable as a browser would; return the page parts and its data."""
    page = _Page()
    page.feed(html)
    page.close()
    assert len(page.scripts) == 1 and len(page.images) == 1
    match = re.fullmatch(
        r"\(function \(\) \{\n  var root = [^;]*, d = (\{.*\});\n.*",
        page.scripts[0],
        re.S,
    )
    assert match, "the script's data is not where it belongs"
    return page, json.loads(match.group(1))


def test_static_form_has_one_distinct_frame_per_grid_point():
    out = explore(draw, PARAMS, alt="line with h = {h}, {kernel}", mode="static")
    data = frames_of(out.data)
    assert data["dims"] == [3, 2]
    assert len(data["frames"]) == 6 == len(set(data["frames"]))
    assert data["alts"][0] == "line with h = 0.1, gaussian"
    assert data["texts"][0] == ["h = 0.1", "h = 0.5", "h = 2"]
    for uri in data["frames"]:
        img = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
        assert img.size == (560, 320)


def test_static_form_is_self_contained():
    html = explore(draw, PARAMS, alt="x", mode="static").data
    assert "http://" not in html and "https://" not in html
    assert "require" not in html
    assert html.count('<input type="range"') == 1 and html.count("<select") == 1
    assert re.search(r'<label for="(explore-[0-9a-f]+-h)">h</label>', html)
    # the initial frame is the middle of each grid, and the label says so
    assert "h = 0.5</output>" in html and 'value="1"' in html


def test_frame_order_is_row_major():
    e = Explorable(draw, PARAMS, alt="x")
    points = list(e.points())
    assert points[1] == {"h": 0.1, "kernel": "uniform"}
    assert points[2] == {"h": 0.5, "kernel": "gaussian"}


def test_live_form_redraws_when_a_control_moves():
    box = explore(draw, PARAMS, alt="x", mode="live")
    assert isinstance(box, ExplorableBox)
    assert repr(box) == "Explorable(h, kernel)"
    slider, dropdown = box.children[0].children
    image = box.children[1]
    before = bytes(image.value)
    slider.value = 2.0
    assert bytes(image.value) != before
    after_h = bytes(image.value)
    assert dropdown.value == "uniform"  # the middle of the grid
    dropdown.value = "gaussian"
    assert bytes(image.value) != after_h
    assert slider.description == "h" and dropdown.options == ("gaussian", "uniform")
    # the area where a failed redraw would show its traceback is there, and empty
    assert box.children[2].outputs == ()


def test_mode_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv(MODE_VARIABLE, "static")
    assert hasattr(explore(draw, {"h": [1.0]}, alt="x"), "data")
    monkeypatch.setenv(MODE_VARIABLE, "live")
    assert isinstance(explore(draw, {"h": [1.0]}, alt="x"), ExplorableBox)
    monkeypatch.setenv(MODE_VARIABLE, "bogus")
    with pytest.raises(ValueError, match="mode must be 'live' or 'static'"):
        explore(draw, {"h": [1.0]}, alt="x")


def test_render_returns_png_of_the_right_size():
    png = Explorable(draw, {"h": [1.0]}, alt="x", figsize=(4, 3), dpi=50).render(
        {"h": 1.0}
    )
    assert Image.open(io.BytesIO(png)).size == (200, 150)


def _alt_none(h):
    return None


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        # draw
        ({"draw": 3}, TypeError, "draw must be callable"),
        # params: the dict, its keys, its value lists, each value
        ({"params": [("h", [1])]}, TypeError, "params must be a dict"),
        ({"params": {}}, ValueError, "params is empty"),
        ({"params": {3: [1]}}, TypeError, "params keys must be strings"),
        ({"params": {"not valid": [1]}}, ValueError, "params keys must be identifiers"),
        ({"params": {"h": 0.5}}, TypeError, r"params\['h'\] must be a sequence"),
        ({"params": {"h": "abc"}}, TypeError, r"params\['h'\] must be a sequence"),
        ({"params": {"h": {0.1, 0.2}}}, TypeError, r"params\['h'\] must be a sequence"),
        ({"params": {"h": []}}, ValueError, r"params\['h'\] is empty"),
        ({"params": {"h": [0.1, "a"]}}, TypeError, r"params\['h'\] mixes names"),
        ({"params": {"h": [0.1, None]}}, TypeError, r"params\['h'\] holds None"),
        ({"params": {"h": [True, False]}}, TypeError, r"params\['h'\] holds True"),
        ({"params": {"h": [1j]}}, TypeError, r"params\['h'\] holds 1j"),
        ({"params": {"h": [0.1, np.nan]}}, ValueError, r"params\['h'\] holds nan"),
        ({"params": {"h": [0.1, np.inf]}}, ValueError, r"params\['h'\] holds inf"),
        ({"params": {"h": [0.1, 0.1]}}, ValueError, r"params\['h'\] repeats 0.1"),
        ({"params": {"k": ["a", "a"]}}, ValueError, r"params\['k'\] repeats 'a'"),
        # alt
        ({"alt": 3}, TypeError, "alt must be a non-empty string .* or a callable"),
        ({"alt": ""}, ValueError, "alt is blank"),
        ({"alt": "  "}, ValueError, "alt is blank"),
        ({"alt": "h = {bandwidth}"}, ValueError, "alt = 'h = {bandwidth}' cannot"),
        ({"alt": "h = {h:d}"}, ValueError, "alt = 'h = {h:d}' cannot"),
        ({"alt": _alt_none}, ValueError, r"alt\(h=0.1\) returned None"),
        # formats and labels
        ({"formats": "{:g}"}, TypeError, "formats must be a dict"),
        ({"formats": {"k": "{}"}}, ValueError, r"formats names unknown .*\['k'\]"),
        ({"formats": {"h": 3}}, TypeError, r"formats\['h'\] must be a string"),
        ({"formats": {"h": "{:d}"}}, ValueError, r"formats\['h'\] = '{:d}' cannot"),
        ({"formats": {"h": "{:.0f}"}}, ValueError, r"formats\['h'\] .* alike"),
        (
            {"params": {"h": [0.1001, 0.1002]}},
            ValueError,
            r"the default format '{:.3g}' \(set formats\['h'\]\) shows two values",
        ),
        (
            {"params": {"k": ["a", "b"]}, "formats": {"k": "{}"}},
            ValueError,
            r"formats\['k'\] is given, but params\['k'\] holds names",
        ),
        ({"labels": ["bandwidth h"]}, TypeError, "labels must be a dict"),
        ({"labels": {"k": "k"}}, ValueError, r"labels names unknown .*\['k'\]"),
        ({"labels": {"h": None}}, TypeError, r"labels\['h'\] must be a string"),
        ({"labels": {"h": " "}}, ValueError, r"labels\['h'\] is blank"),
        # figsize
        ({"figsize": 3}, TypeError, "figsize must be a pair"),
        ({"figsize": "7x4"}, TypeError, "figsize must be a pair"),
        ({"figsize": ("7", 4)}, TypeError, "figsize must hold two numbers"),
        ({"figsize": (7, 4, 1)}, ValueError, "figsize must be a pair .* 3 numbers"),
        ({"figsize": (0, 3)}, ValueError, "figsize must be .* > 0"),
        ({"figsize": (np.inf, 3)}, ValueError, "figsize must be .* finite"),
        # dpi
        ({"dpi": "80"}, TypeError, "dpi must be an integer .* type str"),
        ({"dpi": 80.0}, TypeError, "dpi must be an integer .* type float"),
        ({"dpi": True}, TypeError, "dpi must be an integer .* type bool"),
        ({"dpi": 5}, ValueError, "dpi must be an integer in 20..300"),
        ({"dpi": 1000}, ValueError, "dpi must be an integer in 20..300"),
        # start
        ({"start": 0.5}, TypeError, "start must be a dict"),
        ({"start": {"k": 1}}, ValueError, r"start names unknown parameters \['k'\]"),
        ({"start": {"h": 7.0}}, ValueError, r"start\['h'\] = 7.0 is not one of"),
        # mode
        ({"mode": "web"}, ValueError, "mode must be 'live' or 'static'"),
        ({"mode": 1}, TypeError, "mode must be 'live' or 'static', got 1 of type int"),
    ],
)
def test_bad_input(kwargs, error, match):
    """A wrong type is a TypeError, a wrong value a ValueError; both name the argument."""
    args = {"draw": draw, "params": {"h": [0.1, 0.5]}, "alt": "x"} | kwargs
    with pytest.raises(error, match=match):
        explore(**args)


def test_good_input_of_other_kinds_is_accepted():
    """NumPy numbers and arrays, tuples, None for the optional mappings."""
    e = Explorable(
        draw,
        {"h": np.array([0.1, 0.5]), "kernel": ("gaussian", "uniform")},
        alt=lambda h, kernel: f"{kernel} at {h}",
        figsize=np.array([3, 2]),
        dpi=np.int64(40),
        formats=None,
        labels=None,
        start={"h": np.float64(0.1)},
    )
    assert e.figsize == (3.0, 2.0) and e.dpi == 40
    assert e.start == {"h": 0.1, "kernel": "uniform"}
    assert e.alts[0] == "gaussian at 0.1"


def test_update_protocol_reuses_artists_and_matches_full_redraws():
    """A draw that returns update() gives the same frames as drawing each from scratch."""
    calls = {"draw": 0, "update": 0}

    def draw_full(fig, h):
        ax = fig.subplots()
        ax.set_ylim(0, 3)
        ax.plot([0, 1], [0, h])
        ax.set_title(f"h = {h}")

    def draw_fast(fig, h):
        calls["draw"] += 1
        ax = fig.subplots()
        ax.set_ylim(0, 3)
        (line,) = ax.plot([0, 1], [0, h])
        title = ax.set_title(f"h = {h}")

        def update(h):
            calls["update"] += 1
            line.set_ydata([0, h])
            title.set_text(f"h = {h}")

        return update

    params = {"h": [0.5, 1.0, 2.0]}
    fast = Explorable(draw_fast, params, alt="x", start={"h": 0.5})
    frames = [np.asarray(fast.render_image(v)) for v in fast.points()]
    assert calls == {"draw": 1, "update": 2}
    # the first frame's layout is kept: no constrained layout on later frames
    assert not isinstance(fast.figure.get_layout_engine(), ConstrainedLayoutEngine)
    assert len({f.tobytes() for f in frames}) == 3
    # the same pictures as full redraws with that first layout
    full = Explorable(draw_full, params, alt="x")
    first = np.asarray(full.render_image({"h": 0.5}))
    assert np.array_equal(first, frames[0])


def test_coded_frames_encode_their_grid_point():
    """The decoder the frame tests rely on reads back the point each frame was drawn for."""
    e = coded_explorable()
    for values in e.points():
        assert decode_png(e.render(values)) == values


def test_static_first_frame_is_the_start_point_and_frames_are_row_major():
    e = coded_explorable()
    page, data = parse_static(e.static_html())
    names = list(CODED)
    dims = [len(CODED[n]) for n in names]
    assert data["dims"] == dims
    # the first frame shown is the one of the initial control values
    assert decode_frame(page.images[0]["src"]) == START
    assert page.images[0]["alt"] == ALT.format(**START)
    # the controls start at those values, in the order of the axes
    assert [int(attrs["data-axis"]) for _, attrs in page.controls] == [0, 1, 2]
    start_idx = [CODED[n].index(START[n]) for n in names]
    for axis, (tag, attrs) in enumerate(page.controls):
        if tag == "input":
            assert int(attrs["value"]) == start_idx[axis]
            assert int(attrs["max"]) == dims[axis] - 1
            assert attrs["aria-valuetext"] == data["texts"][axis][start_idx[axis]]
        else:
            selected = [
                int(o["value"])
                for a, o in page.options
                if a == axis and "selected" in o
            ]
            assert selected == [start_idx[axis]]
    # frame i shows the grid point whose row-major (C-order) index is i
    assert len(data["frames"]) == len(data["alts"]) == int(np.prod(dims))
    for i, uri in enumerate(data["frames"]):
        idx = np.unravel_index(i, dims)
        values = {n: CODED[n][j] for n, j in zip(names, idx, strict=True)}
        assert decode_frame(uri) == values, f"frame {i}"
        assert data["alts"][i] == ALT.format(**values)
    # moving each control from the start shows the frame of the new combination
    for axis, name in enumerate(names):
        for j, value in enumerate(CODED[name]):
            idx = list(start_idx)
            idx[axis] = j
            flat = int(np.ravel_multi_index(idx, dims))
            assert decode_frame(data["frames"][flat]) == START | {name: value}


def test_script_data_cannot_end_the_script():
    """ "</script>" in an alt text, a name or a label stays inside the data."""
    html_text = coded_explorable().static_html()
    script = html_text[html_text.index("<script>") + len("<script>") :]
    assert script.count("</") == 1 and script.endswith("</script>")
    assert "<!--" not in script
    page, data = parse_static(html_text)
    assert data["alts"][0] == ALT.format(a=0.5, b="x </script>", c=10)
    assert data["texts"][1] == ["b = x </script>", "b = y & <b>", "b = z"]
    # labels and options are HTML-escaped text, not markup
    assert "first &lt;/script&gt; a</label>" in html_text
    assert "y &amp; &lt;b&gt;</option>" in html_text
    assert [o for _, o in page.options] and "<b>" not in html_text.replace(
        "&lt;b&gt;", ""
    ).split("<script>")[0]


def test_live_labels_are_shown_in_full():
    """ipywidgets cuts descriptions at 80 px unless description_width is "initial"."""
    box = coded_explorable().widget()
    controls = box.children[0].children
    assert [c.description for c in controls] == [LABELS[n] for n in CODED]
    assert all(c.style.description_width == "initial" for c in controls)
    assert [c.value for c in controls] == [START[n] for n in CODED]
    assert decode_png(bytes(box.children[1].value)) == START
    controls[2].value = 40
    assert decode_png(bytes(box.children[1].value)) == START | {"c": 40}
