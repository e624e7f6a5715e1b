"""Tests of helpers.explore: the live and the static form of an explorable."""

from __future__ import annotations

import base64
import io
import json
import re

import numpy as np
import pytest
from matplotlib.layout_engine import ConstrainedLayoutEngine
from PIL import Image

from helpers.explore import MODE_VARIABLE, Explorable, ExplorableBox, explore


def draw(fig, h, kernel="gaussian"):
    ax = fig.subplots()
    ax.plot([0, 1], [0, h])
    ax.set_title(f"h = {h}, {kernel}")


PARAMS = {"h": [0.1, 0.5, 2.0], "kernel": ["gaussian", "uniform"]}


def frames_of(html):
    data = json.loads(re.search(r"d = (\{.*\});", html).group(1))
    return data


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


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"draw": 3}, TypeError, "draw must be callable"),
        ({"params": {}}, TypeError, "params must be a non-empty dict"),
        ({"params": {"h": []}}, ValueError, r"params\['h'\] is empty"),
        ({"params": {"h": 0.5}}, TypeError, r"params\['h'\] must be a sequence"),
        ({"params": {"h": [0.1, np.nan]}}, ValueError, r"params\['h'\] holds nan"),
        ({"params": {"h": [0.1, "a"]}}, TypeError, "mixes names and numbers"),
        ({"params": {"not valid": [1]}}, ValueError, "params keys must be identifiers"),
        ({"alt": ""}, TypeError, "alt must be a non-empty string"),
        (
            {"formats": {"k": "{}"}},
            ValueError,
            r"formats names unknown parameters \['k'\]",
        ),
        (
            {"start": {"h": 7.0}},
            ValueError,
            r"start\['h'\] = 7.0 is not one of its values",
        ),
        ({"dpi": 5}, ValueError, "dpi must be an integer in 20..300"),
        ({"figsize": (0, 3)}, ValueError, "figsize must be"),
        ({"mode": "web"}, ValueError, "mode must be 'live' or 'static'"),
    ],
)
def test_bad_input(kwargs, error, match):
    args = {"draw": draw, "params": {"h": [0.1, 0.5]}, "alt": "x"} | kwargs
    with pytest.raises(error, match=match):
        explore(**args)


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
