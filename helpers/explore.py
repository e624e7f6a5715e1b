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

_DEFAULT_FORMAT = "{:.3g}"

MODE_VARIABLE = "BOOK_EXPLORE"
"""Name of the environment variable that selects the form, ``static`` or ``live`` (the default)."""


def _check_params(params, formats, labels):
    """Validate ``params``, ``formats`` and ``labels``; return them as dicts of lists/strings."""
    if not isinstance(params, dict):
        raise TypeError(
            "params must be a dict: name -> sequence of values, "
            f"got {type(params).__name__}"
        )
    if not params:
        raise ValueError("params is empty; give at least one parameter")
    grid = {}
    for name, values in params.items():
        if not isinstance(name, str):
            raise TypeError(
                f"params keys must be strings (draw's keyword names), got {name!r}"
            )
        if not name.isidentifier():
            raise ValueError(
                f"params keys must be identifiers (draw's keyword names), got {name!r}"
            )
        if isinstance(values, (str, bytes, dict, set, frozenset)) or not hasattr(
            values, "__len__"
        ):
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
                if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real):
                    raise TypeError(
                        f"params[{name!r}] holds {v!r} of type {type(v).__name__}; "
                        "give real numbers (a slider) or strings (a dropdown)"
                    )
                if not np.isfinite(v):
                    raise ValueError(
                        f"params[{name!r}] holds {v!r}; numbers must be finite"
                    )
        if len(set(values)) != len(values):
            repeated = sorted({repr(v) for v in values if values.count(v) > 1})
            raise ValueError(
                f"params[{name!r}] repeats {', '.join(repeated)}; "
                "every value must be distinct"
            )
        grid[name] = values
    checked = []
    for mapping, what in ((formats, "formats"), (labels, "labels")):
        if mapping is None:
            checked.append({})
            continue
        if not isinstance(mapping, dict):
            raise TypeError(
                f"{what} must be a dict: parameter name -> string, "
                f"got {type(mapping).__name__}"
            )
        unknown = set(mapping) - set(grid)
        if unknown:
            raise ValueError(
                f"{what} names unknown parameters {sorted(map(str, unknown))}"
            )
        for name, text in mapping.items():
            if not isinstance(text, str):
                raise TypeError(
                    f"{what}[{name!r}] must be a string, got {type(text).__name__}"
                )
            if not text.strip():
                raise ValueError(f"{what}[{name!r}] is blank")
        checked.append(dict(mapping))
    formats, labels = checked
    for name, values in grid.items():
        if isinstance(values[0], str):
            if name in formats:
                raise ValueError(
                    f"formats[{name!r}] is given, but params[{name!r}] holds names, "
                    "which are shown as they are"
                )
            continue
        fmt = formats.get(name, _DEFAULT_FORMAT)
        where = (
            f"formats[{name!r}] = {fmt!r}"
            if name in formats
            else (f"the default format {fmt!r} (set formats[{name!r}])")
        )
        try:
            texts = [fmt.format(v) for v in values]
        except (ValueError, TypeError, IndexError, KeyError) as err:
            raise ValueError(
                f"{where} cannot format the values of params[{name!r}]: {err}"
            ) from None
        if len(set(texts)) != len(texts):
            raise ValueError(
                f"{where} shows two values of params[{name!r}] alike ({texts}); "
                "use more digits"
            )
    return grid, formats, labels


def _check_figsize(figsize):
    if isinstance(figsize, (str, bytes)) or not hasattr(figsize, "__len__"):
        raise TypeError(
            f"figsize must be a pair (width, height) in inches, got {figsize!r}"
        )
    if len(figsize) != 2:
        raise ValueError(
            f"figsize must be a pair (width, height) in inches, got {len(figsize)} "
            f"numbers: {figsize!r}"
        )
    for v in figsize:
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real):
            raise TypeError(f"figsize must hold two numbers (inches), got {figsize!r}")
    if not all(np.isfinite(v) and v > 0 for v in figsize):
        raise ValueError(
            f"figsize must be (width, height) in inches, finite and > 0, got {figsize!r}"
        )
    return (float(figsize[0]), float(figsize[1]))


def _check_dpi(dpi):
    if isinstance(dpi, (bool, np.bool_)) or not isinstance(dpi, numbers.Integral):
        raise TypeError(
            f"dpi must be an integer (dots per inch), got {dpi!r} of type "
            f"{type(dpi).__name__}"
        )
    if not 20 <= dpi <= 300:
        raise ValueError(f"dpi must be an integer in 20..300, got {dpi!r}")
    return int(dpi)


def _json_for_script(value) -> str:
    """JSON that is safe inside an HTML ``<script>``: no ``</script>``, ``<!--`` or ``&``."""
    return (
        json.dumps(value)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


def _format_value(name, value, formats):
    """A value as its control shows it: names as they are, numbers by ``formats``."""
    return (
        value
        if isinstance(value, str)
        else formats.get(name, _DEFAULT_FORMAT).format(value)
    )


def _value_text(name, value, formats, labels):
    """``h = 0.32``: the last word of the display name, then the formatted value."""
    symbol = labels.get(name, name).split()[-1]
    return f"{symbol} = {_format_value(name, value, formats)}"


def _call_text(values):
    return ", ".join(f"{k}={v!r}" for k, v in values.items())


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
        if isinstance(alt, str):
            if not alt.strip():
                raise ValueError("alt is blank; describe what the figure shows")
        elif not callable(alt):
            raise TypeError(
                "alt must be a non-empty string (format fields allowed) or a callable, "
                f"got {type(alt).__name__}"
            )
        self.draw, self.alt = draw, alt
        self.figsize = _check_figsize(figsize)
        self.dpi = _check_dpi(dpi)
        if start is not None and not isinstance(start, dict):
            raise TypeError(
                f"start must be a dict: parameter name -> value, got {type(start).__name__}"
            )
        start = dict(start or {})
        unknown = set(start) - set(self.grid)
        if unknown:
            raise ValueError(
                f"start names unknown parameters {sorted(map(str, unknown))}"
            )
        self.start = {}
        for name, values in self.grid.items():
            if name in start:
                if start[name] not in values:
                    raise ValueError(
                        f"start[{name!r}] = {start[name]!r} is not one of its values"
                    )
                self.start[name] = values[values.index(start[name])]
            else:
                self.start[name] = values[len(values) // 2]
        # every alt text is made now, so a bad format field fails here, naming alt
        self.alts = [self.alt_text(values) for values in self.points()]
        self.figure = None
        self._update = None

    def alt_text(self, values):
        """The alt text of the frame for ``values``."""
        if callable(self.alt):
            text = self.alt(**values)
            if not isinstance(text, str) or not text.strip():
                raise ValueError(
                    f"alt({_call_text(values)}) returned {text!r}; "
                    "it must return a non-empty string"
                )
            return text
        try:
            return self.alt.format(**values)
        except (KeyError, IndexError, ValueError) as err:
            raise ValueError(
                f"alt = {self.alt!r} cannot be filled in with the parameters "
                f"{sorted(values)}: {type(err).__name__} {err}"
            ) from None

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
        frames, alts = [], list(self.alts)
        for values in self.points():
            small = (
                self.render_image(values)
                .convert("RGB")
                .quantize(colors=256, method=Image.Quantize.MEDIANCUT)
            )
            frames.append(
                "data:image/png;base64," + base64.b64encode(_png(small)).decode()
            )
        names = list(self.grid)
        uid = (
            "explore-" + hashlib.sha1("".join(frames + alts).encode()).hexdigest()[:10]
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
        data = _json_for_script(
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
            # the whole label, however long (ipywidgets cuts it at 80 px by default)
            style = {"description_width": "initial"}
            if isinstance(values[0], str):
                controls[name] = widgets.Dropdown(
                    options=values,
                    value=self.start[name],
                    description=label,
                    style=style,
                    layout=widgets.Layout(width="auto"),
                )
            else:
                options = [(_format_value(name, v, self.formats), v) for v in values]
                controls[name] = widgets.SelectionSlider(
                    options=options,
                    value=self.start[name],
                    description=label,
                    continuous_update=True,
                    style=style,
                    layout=widgets.Layout(width="auto", min_width="26em"),
                )
        image = widgets.Image(value=self.render(dict(self.start)), format="png")
        # a redraw runs in a widget callback, whose errors a notebook would not show:
        # they go to this output area, under the figure (empty while all is well)
        errors = widgets.Output()

        def redraw(_change=None):
            errors.clear_output()
            with errors:
                image.value = self.render(
                    {name: c.value for name, c in controls.items()}
                )

        for control in controls.values():
            control.observe(redraw, names="value")
        row = widgets.HBox(
            list(controls.values()),
            layout=widgets.Layout(flex_flow="row wrap", grid_gap="0.3em 1.5em"),
        )
        return ExplorableBox([row, image, errors], names=list(controls))


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

    Raises
    ------
    TypeError
        An argument of the wrong type (``draw`` not callable, ``params`` not a
        dict, a value neither a real number nor a string, ``figsize=3``,
        ``dpi="80"``...); the message names the argument.
    ValueError
        An argument of the right type with a wrong value (an empty or repeated
        grid, NaN, ``start`` off the grid, ``dpi`` outside 20..300, a format
        that shows two values alike, an ``alt`` field that is no parameter...);
        the message names the argument.
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
    if not isinstance(mode, str):
        raise TypeError(
            f"mode must be 'live' or 'static', got {mode!r} of type {type(mode).__name__}"
        )
    if mode not in ("live", "static"):
        raise ValueError(
            f"mode must be 'live' or 'static', got {mode!r} (from {MODE_VARIABLE}?)"
        )
    if mode == "static":
        from IPython.display import HTML

        return HTML(explorable.static_html())
    return explorable.widget()
