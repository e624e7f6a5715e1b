"""Explorables: one call, a live slider in a notebook and a static one on the website.

``explore(draw, params)`` takes a drawing function and named parameter grids
and returns

* in a running notebook, ipywidgets controls (a slider for numbers, a dropdown
  for names) that recompute and redraw the figure in place;
* when the book is built (environment variable ``BOOK_EXPLORE=static``, which
  ``make book`` sets), a self-contained HTML block: one pre-rendered frame for
  every point of the grid, controls labelled with the parameter and its value
  (``h = 0.32``) and a few lines of inline JavaScript. It needs no kernel, no
  network, no require.js and no widget manager, and works from ``file://``.

Both forms draw with the same function, so the website shows exactly what the
notebook computes.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import itertools
import json
import numbers
import os

import ipywidgets as widgets
import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from PIL import Image

from helpers.plotting import STYLE

_SCRIPT = """<script>(function () {
  var root = document.getElementById("__ID__"), d = __DATA__;
  var controls = root.querySelectorAll("input[data-axis], select[data-axis]");
  var img = root.querySelector("img.explorable-frame");
  function update() {
    var index = 0;
    controls.forEach(function (c) {
      var axis = +c.dataset.axis, value = +c.value, text = d.texts[axis][value];
      index = index * d.dims[axis] + value;
      var out = root.querySelector("output[data-axis='" + axis + "']");
      if (out) out.textContent = text;
      if (c.type === "range") c.setAttribute("aria-valuetext", text);
    });
    img.src = d.frames[index];
    img.alt = d.alts[index];
  }
  controls.forEach(function (c) { c.addEventListener("input", update); });
})();</script>"""

MODE_VARIABLE = "BOOK_EXPLORE"
"""Name of the environment variable that selects the form, ``static`` or ``live`` (the default)."""


def _check_params(params, formats, labels):
    if not isinstance(params, dict) or not params:
        raise TypeError("params must be a non-empty dict: name -> sequence of values")
    grid = {}
    for name, values in params.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(
                f"params keys must be identifiers (draw's keyword names), got {name!r}"
            )
        if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
            raise TypeError(
                f"params[{name!r}] must be a sequence of values, got {values!r}"
            )
        values = list(values)
        if not values:
            raise ValueError(f"params[{name!r}] is empty; give at least one value")
        kinds = {isinstance(v, str) for v in values}
        if len(kinds) != 1:
            raise TypeError(f"params[{name!r}] mixes names and numbers")
        if not isinstance(values[0], str):
            for v in values:
                if (
                    isinstance(v, bool)
                    or not isinstance(v, numbers.Real)
                    or not np.isfinite(v)
                ):
                    raise ValueError(
                        f"params[{name!r}] holds {v!r}; numbers must be finite reals"
                    )
        grid[name] = values
    formats = dict(formats or {})
    labels = dict(labels or {})
    for mapping, what in ((formats, "formats"), (labels, "labels")):
        unknown = set(mapping) - set(grid)
        if unknown:
            raise ValueError(f"{what} names unknown parameters {sorted(unknown)}")
    return grid, formats, labels


def _format_value(name, value, formats):
    """A value as its control shows it: names as they are, numbers by ``formats``."""
    return (
        value if isinstance(value, str) else formats.get(name, "{:.3g}").format(value)
    )


def _value_text(name, value, formats, labels):
    """``h = 0.32``: the last word of the display name, then the formatted value."""
    symbol = labels.get(name, name).split()[-1]
    return f"{symbol} = {_format_value(name, value, formats)}"


def _png(image, compress_level: int = 9) -> bytes:
    buf = io.BytesIO()
    image.save(
        buf, format="PNG", compress_level=compress_level, optimize=compress_level == 9
    )
    return buf.getvalue()


class Explorable:
    """A drawing function over a grid of parameters, shown live or as static frames.

    Use :func:`explore` to make one; this class holds the pieces so that
    benchmarks and tests can render a frame without a notebook.
    """

    def __init__(
        self,
        draw,
        params,
        *,
        alt,
        formats=None,
        labels=None,
        figsize=(7.0, 4.0),
        dpi=80,
        start=None,
    ):
        if not callable(draw):
            raise TypeError(
                f"draw must be callable as draw(fig, **values), got {type(draw).__name__}"
            )
        self.grid, self.formats, self.labels = _check_params(params, formats, labels)
        if not (isinstance(alt, str) and alt.strip()) and not callable(alt):
            raise TypeError(
                "alt must be a non-empty string (format fields allowed) or a callable"
            )
        self.draw, self.alt = draw, alt
        if len(figsize) != 2 or min(figsize) <= 0:
            raise ValueError(
                f"figsize must be (width, height) in inches > 0, got {figsize!r}"
            )
        if (
            isinstance(dpi, bool)
            or not isinstance(dpi, numbers.Integral)
            or not 20 <= dpi <= 300
        ):
            raise ValueError(f"dpi must be an integer in 20..300, got {dpi!r}")
        self.figsize, self.dpi = tuple(figsize), int(dpi)
        start = dict(start or {})
        unknown = set(start) - set(self.grid)
        if unknown:
            raise ValueError(f"start names unknown parameters {sorted(unknown)}")
        self.start = {}
        for name, values in self.grid.items():
            if name in start:
                if start[name] not in values:
                    raise ValueError(
                        f"start[{name!r}] = {start[name]!r} is not one of its values"
                    )
                self.start[name] = start[name]
            else:
                self.start[name] = values[len(values) // 2]
        self.figure = None
        self._update = None

    def alt_text(self, values):
        """The alt text of the frame for ``values``."""
        if callable(self.alt):
            return str(self.alt(**values))
        return self.alt.format(**values)

    def _new_figure(self):
        with matplotlib.rc_context(STYLE):
            fig = Figure(figsize=self.figsize, dpi=self.dpi, layout="constrained")
        FigureCanvasAgg(fig)
        return fig

    def render(self, values, *, compress_level: int = 1) -> bytes:
        """Draw the frame for ``values`` (a dict name -> value); return it as PNG bytes.

        The figure is drawn once and its pixels are encoded directly (a fast
        zlib level by default: the live form sends every frame at once, and
        the static form re-encodes its frames small anyway).
        """
        return _png(self.render_image(values), compress_level=compress_level)

    def render_image(self, values):
        """Draw the frame for ``values`` into the reused figure; return a PIL RGBA image.

        If ``draw`` returned an ``update(**values)`` callable, later frames call
        it on the existing artists (no new axes, the layout of the first frame
        kept); otherwise every frame is drawn from scratch.
        """
        if self.figure is None:
            self.figure = self._new_figure()
        fig = self.figure
        with matplotlib.rc_context(STYLE):
            if self._update is not None:
                self._update(**values)
            else:
                fig.clear()
                result = self.draw(fig, **values)
                if callable(result):
                    self._update = result
            fig.canvas.draw()
        if self._update is not None and isinstance(
            fig.get_layout_engine(), ConstrainedLayoutEngine
        ):
            # keep the first frame's layout: no re-layout per frame
            fig.set_layout_engine("none")
        width, height = fig.canvas.get_width_height(physical=True)
        return Image.frombuffer(
            "RGBA", (width, height), fig.canvas.buffer_rgba(), "raw", "RGBA", 0, 1
        ).copy()

    def points(self):
        """Every point of the grid, in the order of the static frames (row-major)."""
        names = list(self.grid)
        for combo in itertools.product(*self.grid.values()):
            yield dict(zip(names, combo, strict=True))

    # -- static form --------------------------------------------------------
    def static_html(self) -> str:
        """The self-contained HTML of the static form (frames as data URIs)."""
        frames, alts = [], []
        for values in self.points():
            small = (
                self.render_image(values)
                .convert("RGB")
                .quantize(colors=256, method=Image.Quantize.MEDIANCUT)
            )
            frames.append(
                "data:image/png;base64," + base64.b64encode(_png(small)).decode()
            )
            alts.append(self.alt_text(values))
        names = list(self.grid)
        uid = (
            "explore-"
            + hashlib.sha1("".join(frames[:1] + alts).encode()).hexdigest()[:10]
        )
        dims = [len(self.grid[n]) for n in names]
        texts = [
            [_value_text(n, v, self.formats, self.labels) for v in self.grid[n]]
            for n in names
        ]
        start = [self.grid[n].index(self.start[n]) for n in names]
        first = int(np.ravel_multi_index(start, dims))
        parts = [
            f'<div class="explorable" id="{uid}">',
            '<div class="explorable-controls">',
        ]
        for axis, name in enumerate(names):
            cid = f"{uid}-{name}"
            label = html.escape(self.labels.get(name, name))
            values = self.grid[name]
            text = html.escape(texts[axis][start[axis]])
            if isinstance(values[0], str):
                options = "".join(
                    f'<option value="{i}"{" selected" if i == start[axis] else ""}>'
                    f"{html.escape(v)}</option>"
                    for i, v in enumerate(values)
                )
                parts.append(
                    f'<span class="explorable-control"><label for="{cid}">{label}</label> '
                    f'<select id="{cid}" data-axis="{axis}">{options}</select></span>'
                )
            else:
                parts.append(
                    f'<span class="explorable-control"><label for="{cid}">{label}</label> '
                    f'<input type="range" id="{cid}" data-axis="{axis}" min="0" '
                    f'max="{len(values) - 1}" step="1" value="{start[axis]}" '
                    f'aria-valuetext="{text}"> '
                    f'<output for="{cid}" data-axis="{axis}">{text}</output></span>'
                )
        parts.append("</div>")
        parts.append(
            f'<img class="explorable-frame" src="{frames[first]}" '
            f'alt="{html.escape(alts[first])}" width="{int(self.figsize[0] * self.dpi)}" '
            f'height="{int(self.figsize[1] * self.dpi)}">'
        )
        parts.append("</div>")
        data = json.dumps(
            {"frames": frames, "alts": alts, "dims": dims, "texts": texts}
        )
        parts.append(_SCRIPT.replace("__ID__", uid).replace("__DATA__", data))
        return "\n".join(parts)

    # -- live form ----------------------------------------------------------
    def widget(self):
        """The live form: ipywidgets controls over an image that is redrawn in place."""
        controls = {}
        for name, values in self.grid.items():
            label = self.labels.get(name, name)
            if isinstance(values[0], str):
                controls[name] = widgets.Dropdown(
                    options=values, value=self.start[name], description=label
                )
            else:
                options = [(_format_value(name, v, self.formats), v) for v in values]
                controls[name] = widgets.SelectionSlider(
                    options=options,
                    value=self.start[name],
                    description=label,
                    continuous_update=True,
                )
        image = widgets.Image(value=self.render(dict(self.start)), format="png")

        def redraw(_change=None):
            image.value = self.render({name: c.value for name, c in controls.items()})

        for control in controls.values():
            control.observe(redraw, names="value")
        return ExplorableBox(
            [widgets.HBox(list(controls.values())), image], names=list(controls)
        )


class ExplorableBox(widgets.VBox):
    """The live form's container; its plain-text form is short and stable (nbval compares it)."""

    def __init__(self, children, names):
        super().__init__(children)
        self._names = list(names)

    def __repr__(self):
        return f"Explorable({', '.join(self._names)})"


def explore(
    draw,
    params,
    *,
    alt,
    formats=None,
    labels=None,
    figsize=(7.0, 4.0),
    dpi=80,
    start=None,
    mode=None,
):
    """Show a figure with controls over named parameter grids, live or static.

    Parameters
    ----------
    draw : callable
        ``draw(fig, **values)`` draws one frame into the (cleared) matplotlib
        ``Figure`` ``fig``; ``values`` has one entry per parameter. For speed it
        may return ``update(**values)``, which moves the artists it made to
        another point of the grid (``line.set_ydata``, ``image.set_data``,
        ``title.set_text``...); later frames then call only ``update`` and keep
        the first frame's layout, instead of building a new figure each time.
    params : dict of str to sequence
        Parameter name (a keyword of ``draw``) -> the values to offer: numbers
        give a slider, strings a dropdown. The static form pre-renders every
        point of the grid, so keep the product of the lengths small (<= ~60).
    alt : str or callable
        Alt text of a frame: a string with ``{name}`` fields, or
        ``alt(**values) -> str``.
    formats : dict of str to str, optional
        Format string of each numeric parameter's value label (default
        ``"{:.3g}"``).
    labels : dict of str to str, optional
        Display name of each parameter (default: its name), e.g.
        ``{"h": "bandwidth h"}``; the value label shows its last word
        (``h = 0.32``).
    figsize : (float, float), default (7, 4)
        Inches.
    dpi : int, default 80
    start : dict, optional
        Initial value of each parameter (default: the middle of its grid).
    mode : {"live", "static"}, optional
        Defaults to the environment variable ``BOOK_EXPLORE`` (``static`` when
        ``make book`` builds the site), else ``"live"``.

    Returns
    -------
    ipywidgets.VBox or IPython.display.HTML
        Display it (make it the last expression of a cell).
    """
    explorable = Explorable(
        draw,
        params,
        alt=alt,
        formats=formats,
        labels=labels,
        figsize=figsize,
        dpi=dpi,
        start=start,
    )
    mode = os.environ.get(MODE_VARIABLE, "live") if mode is None else mode
    if mode not in ("live", "static"):
        raise ValueError(
            f"mode must be 'live' or 'static', got {mode!r} (from {MODE_VARIABLE}?)"
        )
    if mode == "static":
        from IPython.display import HTML

        return HTML(explorable.static_html())
    return explorable.widget()
