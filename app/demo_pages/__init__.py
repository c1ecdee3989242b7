"""The resident H5 demo pages (served only when DEMO_PAGES is on): a plain page over the resident API."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, send_from_directory

_STATIC = Path(__file__).parent / "static"

demo_pages = Blueprint("demo_pages", __name__)


@demo_pages.route("/h5/")
def h5_index():  # noqa: ANN201
    """The resident's single-page app (WeChat sends the browser back here with ?code=...)."""
    return send_from_directory(_STATIC, "index.html", max_age=0)


@demo_pages.route("/h5/<path:filename>")
def h5_asset(filename: str):  # noqa: ANN201
    """The page's script and style."""
    return send_from_directory(_STATIC, filename, max_age=0)
