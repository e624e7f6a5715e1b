"""Where the built site is, and which pages it has (shared by the browser tests)."""

from __future__ import annotations

import os
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
SITE = pathlib.Path(os.environ.get("BOOK_SITE", ROOT / "_build" / "html"))
SCREENSHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
REQUIRED = os.environ.get("BROWSER_TESTS_REQUIRED") == "1"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


def site_pages() -> list[str]:
    """Every HTML page of the built site, relative to its root."""
    if not SITE.is_dir():
        return []
    return sorted(
        p.relative_to(SITE).as_posix()
        for p in SITE.rglob("*.html")
        if "_static" not in p.parts and "_sources" not in p.parts
    )


def is_redirect(path: str) -> bool:
    """True for the stub pages that only redirect elsewhere (the site's index.html)."""
    return 'http-equiv="refresh"' in (SITE / path).read_text(encoding="utf-8").lower()


def content_pages() -> list[str]:
    """The pages a reader reads: every page but the redirect stubs."""
    return [p for p in site_pages() if not is_redirect(p)]
