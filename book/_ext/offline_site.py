"""Keep the built site self-contained and accessible.

Jupyter Book 1 always loads sphinx-thebe, which declares a CDN address for
thebe (twice, so browsers report "THEBE_JS_URL has already been declared").
This book has no live kernels on the website (its sliders are static), so the
thebe scripts and stylesheet are dropped from every page.

Docutils writes bibliographies as ``role="list"`` holding entries with the
deprecated ``role="doc-biblioentry"``, which axe-core reports as a critical
ARIA error (a list without list items); the entries become ``listitem``.
"""

from __future__ import annotations


def _is_thebe(asset) -> bool:
    filename = getattr(asset, "filename", None) or ""
    body = (getattr(asset, "attributes", None) or {}).get("body", "")
    return "thebe" in filename or "THEBE_JS_URL" in body


def _drop_thebe_assets(app, *_args) -> None:
    builder = app.builder
    for attr in ("_js_files", "_css_files"):
        assets = getattr(builder, attr, None)
        if assets is not None:
            assets[:] = [a for a in assets if not _is_thebe(a)]
    app.registry.js_files = [
        (f, kw)
        for f, kw in app.registry.js_files
        if "thebe" not in (f or "") and "THEBE_JS_URL" not in kw.get("body", "")
    ]
    app.registry.css_files = [
        (f, kw) for f, kw in app.registry.css_files if "thebe" not in (f or "")
    ]


def _fix_bibliography_roles(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body")
    if body and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def setup(app):
    # after sphinx-thebe's own handler (default priority 500) has added them
    app.connect("env-before-read-docs", _drop_thebe_assets, priority=900)
    app.connect("html-page-context", _drop_thebe_assets, priority=900)
    app.connect("html-page-context", _fix_bibliography_roles)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
