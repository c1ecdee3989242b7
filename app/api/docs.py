"""The browsable API docs: Swagger UI served from the installed package (no CDN, works offline)."""

from __future__ import annotations

from pathlib import Path

import swagger_ui_bundle
from flask import Blueprint, send_from_directory

_ASSETS = Path(swagger_ui_bundle.swagger_ui_path)

docs_blueprint = Blueprint("docs_assets", __name__)


@docs_blueprint.route("/api/docs/assets/<path:filename>")
def swagger_assets(filename: str):  # noqa: ANN201
    """Swagger UI's JavaScript and CSS."""
    return send_from_directory(_ASSETS, filename, max_age=86400)
