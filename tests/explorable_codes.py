"""An explorable whose frames say which grid point they show (shared by the frame tests).

Every frame of :func:`coded_explorable` is one flat colour whose red, green and
blue channels are the indices of its three parameters, and its alt text names
the values. :func:`decode_frame` reads the indices back from a frame's pixels,
so a test can tell which grid point a page really shows, independently of the
frame index formula in :mod:`helpers.explore` (Python) and its inline script.
The three axes have different lengths (2 x 3 x 4): row-major, column-major and
any mix of them give different frames.
"""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image

from helpers.explore import Explorable

# a slider, a dropdown and a slider; the names and labels hold HTML and "</script>"
PARAMS = {
    "a": [0.5, 1.5],
    "b": ["x </script>", "y & <b>", "z"],
    "c": [10, 20, 30, 40],
}
START = {"a": 1.5, "b": "y & <b>", "c": 20}
ALT = "coded frame a={a} b={b} c={c} </script><!-- end"
LABELS = {"a": "first </script> a", "b": "name b", "c": "third c"}
STEP = 40


def draw_code(fig, a, b, c):
    """Fill the figure with the colour (R, G, B) = STEP * (index of a, b, c) + 20."""
    idx = [PARAMS[name].index(v) for name, v in (("a", a), ("b", b), ("c", c))]
    fig.set_facecolor(tuple((STEP * i + 20) / 255 for i in idx))


def coded_explorable(**kwargs) -> Explorable:
    args = {
        "alt": ALT,
        "labels": LABELS,
        "start": START,
        "figsize": (1.0, 0.5),
        "dpi": 40,
    } | kwargs
    return Explorable(draw_code, PARAMS, **args)


def decode_png(png: bytes) -> dict:
    """The grid point a coded frame shows, from the colour of its middle pixel."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    rgb = np.asarray(image)[image.height // 2, image.width // 2].astype(int)
    idx = [round(float(v - 20) / STEP) for v in rgb]
    assert all(abs(v - (STEP * i + 20)) <= 2 for v, i in zip(rgb, idx, strict=True)), (
        f"not a coded colour: {rgb}"
    )
    return {name: PARAMS[name][i] for name, i in zip(PARAMS, idx, strict=True)}


def decode_frame(uri: str) -> dict:
    """The grid point a coded frame (a ``data:image/png;base64,...`` URI) shows."""
    head, payload = uri.split(",", 1)
    assert head == "data:image/png;base64", head
    return decode_png(base64.b64decode(payload))
