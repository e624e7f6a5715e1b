"""Measure the explorables: live-update latency, pre-render time, page weight.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/explorables.py``).
It prints figures; it asserts nothing (speed is measured here, not in tests).

* Live update: the time from a control's new value to a new PNG in the widget,
  i.e. ``Explorable.render`` (recompute in ``draw`` + matplotlib redraw + PNG),
  median over every point of the grid. It is compared with a *bare* matplotlib
  redraw of the same figure (``fig.canvas.draw()`` of the very frame just drawn,
  no artist creation, no PNG): the floor any live matplotlib view pays.
  Targets: median <= 100 ms, and <= 1.5x the bare redraw. For scale, the
  redraw of a plain one-line figure of the same size is printed too.
* Pre-render: the time to build the static form (every frame, quantised).
* Page weight: each built chapter page with its images and frames
  (needs ``make book`` first). Target: <= 3 MB.
"""

from __future__ import annotations

import contextlib
import io
import os
import pathlib
import re
import statistics
import sys
import time
from unittest import mock

import matplotlib

matplotlib.use("Agg")

import nbformat
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from helpers import explore as explore_module
from helpers.plotting import STYLE

ROOT = pathlib.Path(__file__).resolve().parents[1]
BOOK, SITE = ROOT / "book", ROOT / "_build" / "html"


def collect_explorables(notebook: pathlib.Path):
    """Run a notebook's code in-process and keep every Explorable it makes."""
    found = []

    def capture(draw, params, **kwargs):
        kwargs.pop("mode", None)
        found.append(explore_module.Explorable(draw, params, **kwargs))

    nb = nbformat.read(notebook, as_version=4)
    namespace = {"__name__": "__bench__"}
    cwd = os.getcwd()
    os.chdir(notebook.parent)
    try:
        with (
            mock.patch.object(explore_module, "explore", capture),
            contextlib.redirect_stdout(io.StringIO()),
            mock.patch("matplotlib.pyplot.show"),
        ):
            for cell in nb.cells:
                if cell.cell_type == "code":
                    source = "\n".join(
                        line
                        for line in cell.source.splitlines()
                        if not line.startswith("%")
                    )
                    exec(compile(source, f"{notebook.name}", "exec"), namespace)
                    matplotlib.pyplot.close("all")
    finally:
        os.chdir(cwd)
    return found


def plain_redraw_ms(figsize, dpi, repeats=30):
    """Median time to redraw a plain one-line figure of the same size and style to PNG."""
    with matplotlib.rc_context({**STYLE, "savefig.bbox": "standard"}):
        fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        FigureCanvasAgg(fig)
        x = np.linspace(0, 6, 200)
        times = []
        for i in range(repeats):
            t0 = time.perf_counter()
            fig.clear()
            ax = fig.subplots()
            ax.plot(x, np.sin(x + i))
            fig.savefig(io.BytesIO(), format="png", dpi=dpi)
            times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times)


def live_update_ms(explorable):
    """Median ms of a full live update, and of a bare redraw of the same figure."""
    points = list(explorable.points())
    explorable.render(points[0])  # warm-up: fonts, caches
    live, bare = [], []
    for values in points:
        t0 = time.perf_counter()
        explorable.render(values)
        live.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        explorable.figure.canvas.draw()
        bare.append(time.perf_counter() - t0)
    return 1000 * statistics.median(live), 1000 * statistics.median(bare), len(points)


def page_weight(html_path: pathlib.Path) -> int:
    """Bytes of a page plus the local images it shows (data-URI frames are inline)."""
    text = html_path.read_text(encoding="utf-8")
    total = len(text.encode())
    for src in set(re.findall(r'<img[^>]+src="([^"]+)"', text)):
        if not src.startswith(("data:", "http")):
            target = (html_path.parent / src.split("#")[0]).resolve()
            if target.is_file():
                total += target.stat().st_size
    return total


def main() -> int:
    print(
        "Live update of each explorable (recompute + redraw + PNG), median over its grid"
    )
    header = (
        "notebook",
        "#",
        "frames",
        "live ms",
        "bare ms",
        "ratio",
        "plain ms",
        "prerender s",
        "kB",
    )
    print(
        "{:28s} {:>2s} {:>6s} {:>8s} {:>8s} {:>6s} {:>8s} {:>11s} {:>6s}".format(
            *header
        )
    )
    for notebook in sorted(BOOK.glob("*.ipynb")):
        for i, explorable in enumerate(collect_explorables(notebook)):
            live, bare, frames = live_update_ms(explorable)
            plain = plain_redraw_ms(explorable.figsize, explorable.dpi)
            t0 = time.perf_counter()
            html = explorable.static_html()
            prerender = time.perf_counter() - t0
            print(
                f"{notebook.name:28s} {i:2d} {frames:6d} {live:8.1f} {bare:8.1f} "
                f"{live / bare:6.2f} {plain:8.1f} {prerender:11.2f} {len(html) / 1e3:6.0f}"
            )
    if SITE.is_dir():
        print("\nPage weight of the built chapter pages (HTML + images + frames)")
        for page in sorted((SITE / "book").glob("*.html")):
            print(f"  {page.name:32s} {page_weight(page) / 1e6:6.2f} MB")
    else:
        print("\n(no built site: run make book to measure page weights)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
