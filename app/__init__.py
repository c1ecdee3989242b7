"""Doudi (兜底): the social-assistance self-service backend.

`create_app` is imported lazily so that the pure core (`app.domain`) can be used by `ocr/`
and command-line tools without pulling in Flask and every extension.
"""

from __future__ import annotations

from typing import Any


def create_app(config: Any = None):  # noqa: ANN201 - returns flask.Flask
    """Build the Flask application; `config` is a config class, object or mapping of overrides."""
    from app.factory import build_app

    return build_app(config)
