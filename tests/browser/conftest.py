"""Browser tests of the built website, in headless Chromium driven by Playwright.

They need the site in ``_build/html`` (``make book``) and Debian's Chromium at
``/usr/bin/chromium`` (or ``$CHROMIUM``); Playwright's own browser download is
not used. Without Chromium the tests are skipped, loudly, unless
``BROWSER_TESTS_REQUIRED=1`` (set by CI), which turns the skip into a failure.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading

import pytest
from _site import CHROMIUM, CHROMIUM_ARGS, REQUIRED, SITE


def _unavailable(reason: str):
    if REQUIRED:
        pytest.fail(f"browser tests are required here, but {reason}")
    pytest.skip(f"BROWSER TESTS SKIPPED: {reason}")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def base_url():
    """Serve _build/html on a free loopback port for the whole session."""
    if not (SITE / "index.html").is_file():
        _unavailable(
            f"the site is not built ({SITE}/index.html is missing; run make book)"
        )
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    if not (os.path.isfile(CHROMIUM) or shutil.which(CHROMIUM)):
        _unavailable(f"Chromium was not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageRecorder:
    """A page with a record of everything that went wrong while it loaded."""

    def __init__(self, page, base_url):
        self.page = page
        self.base_url = base_url
        self.path = None  # the page last opened
        self.external, self.console_errors, self.failed = [], [], []
        page.on("request", self._on_request)
        page.on("console", self._on_console)
        page.on(
            "pageerror", lambda err: self.console_errors.append(f"page error: {err}")
        )
        page.on("requestfailed", lambda req: self.failed.append(req.url))
        page.on("response", self._on_response)

    def _on_request(self, request):
        url = request.url
        if not (
            url.startswith(self.base_url)
            or url.startswith(("data:", "blob:", "about:"))
        ):
            self.external.append(url)

    def _on_console(self, message):
        if message.type == "error":
            self.console_errors.append(message.text)

    def _on_response(self, response):
        if response.status >= 400:
            self.failed.append(f"{response.status} {response.url}")

    def open(self, path: str):
        self.path = path
        self.page.goto(self.base_url + path, wait_until="load")
        # MathJax typesets asynchronously; wait for it where the page loads it
        self.page.evaluate(
            "() => (window.MathJax && MathJax.startup && MathJax.startup.promise) || null"
        )
        self.page.wait_for_load_state("networkidle")
        return self.page


@pytest.fixture(scope="module")
def loaded(request, browser, base_url):
    """A page of the site (the test's parameter) loaded once, for every check that reads it.

    Use it as ``@pytest.mark.parametrize("loaded", paths, indirect=True)``: pytest runs
    a module's tests page by page, so each page loads once (in its own context) for all
    the checks of that module that only read it. Its recorder holds everything that went
    wrong since the page loaded, so a check sees at least what it saw on a page of its own.
    """
    with _fresh_recorder(browser, base_url) as recorder:
        recorder.open(request.param)
        yield recorder


@pytest.fixture
def recorder(browser, base_url):
    with _fresh_recorder(browser, base_url) as recorder:
        yield recorder


@contextlib.contextmanager
def _fresh_recorder(browser, base_url):
    """A recorder on a page of its own browser context (no shared storage or cache)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield PageRecorder(context.new_page(), base_url)
    finally:
        context.close()
