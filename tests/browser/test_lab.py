"""Live explorables in JupyterLab, in headless Chromium: what a reader who runs a chapter sees.

One JupyterLab server from this environment runs on a free loopback port with a
token, over a temporary copy of every chapter notebook that calls ``explore(``
(the notebooks in book/ are never touched), with its own workspaces, settings
and runtime directories. For each notebook, in a fresh workspace, the test runs
all cells from the Run menu, then checks that

* every cell ran, and no cell has an error or a stderr output;
* every control of every explorable has its label shown in full (ipywidgets
  cuts long descriptions by default), and moving it (arrow keys on a slider,
  another option of a dropdown) changes the bytes of the figure;
* the browser console logged no error.

It is skipped (or fails, with ``BROWSER_TESTS_REQUIRED=1``) like the other
browser tests when Chromium is missing.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import nbformat
import pytest
from _site import ROOT, SCREENSHOTS
from playwright.sync_api import TimeoutError as PlaywrightTimeout

NOTEBOOKS = sorted(
    p.name
    for p in (ROOT / "book").glob("*.ipynb")
    if "explore(" in p.read_text(encoding="utf-8")
)
START_TIMEOUT = 90
RUN_TIMEOUT_MS = 180_000
REDRAW_TIMEOUT_MS = 30_000

APP_READY = """() => {
  const app = window.jupyterapp;
  const nb = app && app.shell.currentWidget;
  const ctx = nb && nb.sessionContext;
  return !!(ctx && ctx.session && ctx.session.kernel && nb.content
    && ctx.kernelDisplayStatus === 'idle');
}"""
# Done: the kernel is idle, no prompt shows [*], and the first code cell ran.
RUN_DONE = """() => {
  const nb = window.jupyterapp.shell.currentWidget;
  const code = [...nb.content.model.cells].filter(c => c.type === 'code');
  const busy = [...nb.content.node.querySelectorAll('.jp-InputPrompt')]
    .some(p => p.textContent.includes('*'));
  return nb.sessionContext.kernelDisplayStatus === 'idle' && !busy
    && code.length > 0 && code[0].executionCount !== null;
}"""
CELL_REPORT = """() => {
  const nb = window.jupyterapp.shell.currentWidget;
  return [...nb.content.model.cells].filter(c => c.type === 'code').map((c, i) => ({
    index: i,
    ran: c.executionCount !== null,
    source: c.sharedModel.getSource().slice(0, 80),
    bad: c.outputs.toJSON()
      .filter(o => o.output_type === 'error'
        || (o.output_type === 'stream' && o.name === 'stderr'))
      .map(o => o.output_type === 'error'
        ? `${o.ename}: ${o.evalue}` : String(o.text).slice(0, 300)),
  }));
}"""
IMAGE_DIGEST = """async img => {
  const bytes = await (await fetch(img.src)).arrayBuffer();
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map(b => b.toString(16).padStart(2, '0')).join('');
}"""
TRUNCATED = """el => ({text: el.textContent, cut: el.scrollWidth > el.clientWidth,
  width: el.clientWidth, needed: el.scrollWidth})"""
# where the figure of an explorable is: an ipywidgets Image in a VBox under its controls
EXPLORABLES = ".jp-OutputArea-output .widget-vbox:has(> img.widget-image)"


# loopback requests go straight to the server, whatever proxy the environment names
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _copy_notebook(source: pathlib.Path, target: pathlib.Path) -> None:
    """Copy a notebook without its outputs, so "it ran" can only mean it ran here."""
    nb = nbformat.read(source, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.write(nb, target)


@pytest.fixture(scope="module")
def lab(browser, tmp_path_factory):
    """A JupyterLab server over copies of the notebooks; yields (url, token, log path)."""
    if not NOTEBOOKS:
        pytest.skip("no notebook calls explore(")
    tmp = tmp_path_factory.mktemp("lab")
    root, workspaces, settings, runtime = (
        tmp / name for name in ("root", "workspaces", "settings", "runtime")
    )
    for d in (root, workspaces, settings, runtime):
        d.mkdir()
    for name in NOTEBOOKS:
        _copy_notebook(ROOT / "book" / name, root / name)
    # no "Would you like to get notified about official Jupyter news?" pop-up
    notification = settings / "@jupyterlab" / "apputils-extension"
    notification.mkdir(parents=True)
    (notification / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    port, token = _free_port(), secrets.token_hex(16)
    env = {k: v for k, v in os.environ.items() if k != "BOOK_EXPLORE"}
    env |= {
        "JUPYTER_RUNTIME_DIR": str(runtime),
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.workspaces_dir={workspaces}",
        f"--LabApp.user_settings_dir={settings}",
        "--LabApp.expose_app_in_browser=True",
        "--LanguageServerManager.autodetect=False",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log = tmp / "lab.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            command,
            cwd=root,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if server.poll() is not None:
                pytest.fail(
                    f"JupyterLab exited ({server.returncode}):\n{log.read_text()}"
                )
            try:
                with _NO_PROXY.open(f"{url}/api/status?token={token}", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"JupyterLab did not start in {START_TIMEOUT} s:\n{log.read_text()}"
                )
            time.sleep(0.5)
        yield url, token, log
    finally:
        # the server and its kernels are one process group, started here: stop them all
        _signal_group(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
        time.sleep(0.5)
        _signal_group(server.pid, signal.SIGKILL)
        server.wait(timeout=15)


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        pass


class _Session:
    """One notebook open in its own browser context and workspace, its console recorded."""

    def __init__(self, browser, url, token, notebook):
        self.notebook = notebook
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.page = self.context.new_page()
        self.page.set_default_timeout(60_000)
        self.console = []
        self.server_errors = []
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda err: self.console.append(f"page error: {err}"))
        self.page.on("response", self._on_response)
        workspace = notebook.removesuffix(".ipynb").replace("_", "-")
        self.page.goto(
            f"{url}/lab/workspaces/{workspace}/tree/{notebook}?reset&token={token}"
        )

    def _on_response(self, response):
        # A JupyterLab server call that fails with 5xx under load (seen now and then on
        # 2 cores, nine kernels at once) is recorded with its address and printed, not
        # failed on: what a reader meets is checked by the cells, redraws and page errors.
        if response.status >= 500:
            self.server_errors.append(f"{response.status}: {response.url}")

    def _on_console(self, message):
        server_side = "the server responded with a status of 5" in message.text
        if message.type == "error" and not server_side:
            self.console.append(f"{message.type}: {message.text}")

    def run_all(self):
        """Run > Run All Cells, as a reader does, once the kernel is up."""
        self.page.wait_for_function(APP_READY, timeout=RUN_TIMEOUT_MS)
        self.page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        self.page.locator('li[data-command="runmenu:run-all"]').click()


@pytest.fixture(scope="module")
def sessions(request, browser, lab):
    """Every selected notebook opened and started at once: the kernels run side by side."""
    url, token, _log = lab
    selected = [
        item.callspec.params["notebook"]
        for item in request.session.items
        if getattr(item, "originalname", None) == "test_live_explorables_in_jupyterlab"
    ]
    opened = {}
    try:
        for notebook in selected:
            opened[notebook] = _Session(browser, url, token, notebook)
        for session in opened.values():
            session.run_all()
        yield opened
    finally:
        for session in opened.values():
            session.context.close()


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_live_explorables_in_jupyterlab(sessions, notebook):
    session = sessions[notebook]
    page, console = session.page, session.console
    try:
        page.wait_for_function(RUN_DONE, timeout=RUN_TIMEOUT_MS, polling=250)
        # the page edits the copy in the server's temporary root, never book/
        assert (
            page.evaluate("() => window.jupyterapp.shell.currentWidget.context.path")
            == notebook
        )
        cells = page.evaluate(CELL_REPORT)
        not_run = [c["source"] for c in cells if not c["ran"]]
        bad = [
            f"cell {c['index']} ({c['source']!r}): {c['bad']}"
            for c in cells
            if c["bad"]
        ]
        assert bad == [], f"{notebook}: error or stderr output:\n" + "\n".join(bad)
        assert not_run == [], f"{notebook}: cells that did not run: {not_run}"

        boxes = page.locator(EXPLORABLES)
        expected = sum(
            len(re.findall(r"^explore\(", c.source, re.M))
            for c in nbformat.read(ROOT / "book" / notebook, as_version=4).cells
            if c.cell_type == "code"
        )
        assert boxes.count() == expected, (
            f"{notebook}: {boxes.count()} explorables shown"
        )
        for e in range(boxes.count()):
            box = boxes.nth(e)
            box.scroll_into_view_if_needed()
            img = box.locator("> img.widget-image")
            # where a failed redraw shows its traceback (helpers.explore)
            errors = box.locator("> .widget-output")
            assert errors.count() == 1
            controls = box.locator(".widget-slider, .widget-dropdown")
            assert controls.count() > 0
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            stem = f"lab_{notebook.removesuffix('.ipynb')}_explorable{e}"
            box.screenshot(path=str(SCREENSHOTS / f"{stem}_a.png"))
            for i in range(controls.count()):
                control = controls.nth(i)
                # the label in full: not cut, and an ellipsis nowhere
                label = control.locator(".widget-label").evaluate(TRUNCATED)
                assert not label["cut"] and label["text"].strip(), (
                    f"{notebook} explorable {e}: label {label['text']!r} is cut "
                    f"({label['width']} px shown of {label['needed']} px)"
                )
                before_src = img.get_attribute("src")
                before = img.evaluate(IMAGE_DIGEST)
                if "widget-dropdown" in (control.get_attribute("class") or ""):
                    select = control.locator("select")
                    n = select.locator("option").count()
                    current = select.evaluate("s => s.selectedIndex")
                    select.select_option(index=(current + 1) % n)
                else:
                    readout = control.locator(".widget-readout")
                    shown = readout.evaluate(TRUNCATED)
                    assert not shown["cut"], f"{notebook}: readout {shown} is cut"
                    handle = control.locator(".noUi-handle")
                    at_max = handle.get_attribute(
                        "aria-valuenow"
                    ) == handle.get_attribute("aria-valuemax")
                    handle.focus()
                    handle.press("ArrowLeft" if at_max else "ArrowRight")
                    page.wait_for_function(
                        "([r, t]) => r.textContent !== t",
                        arg=[readout.element_handle(), shown["text"]],
                        timeout=REDRAW_TIMEOUT_MS,
                    )
                # a new figure, or the traceback of a failed redraw, whichever comes first
                try:
                    page.wait_for_function(
                        "([img, src, err]) => img.src !== src"
                        " || err.textContent.trim() !== ''",
                        arg=[img.element_handle(), before_src, errors.element_handle()],
                        timeout=REDRAW_TIMEOUT_MS,
                    )
                except PlaywrightTimeout:
                    pytest.fail(
                        f"{notebook} explorable {e}: control {i} moved, but the figure "
                        f"was not redrawn within {REDRAW_TIMEOUT_MS / 1000:.0f} s"
                    )
                assert errors.inner_text().strip() == "", (
                    f"{notebook} explorable {e}: moving control {i} failed to redraw:\n"
                    + errors.inner_text()[-2000:]
                )
                after = img.evaluate(IMAGE_DIGEST)
                assert after != before, (
                    f"{notebook} explorable {e}: moving control {i} left the figure unchanged"
                )
            box.screenshot(path=str(SCREENSHOTS / f"{stem}_b.png"))
        # nothing new went wrong while the controls moved
        cells = page.evaluate(CELL_REPORT)
        assert [c for c in cells if c["bad"]] == []
        assert console == [], f"{notebook}: console errors: {console}"
        if session.server_errors:
            print(f"{notebook}: JupyterLab server errors: {session.server_errors}")
    finally:
        session.context.close()
