"""HTTP entry points, one blueprint per audience; views load → call one service → dump."""

from __future__ import annotations

from flask_smorest import Api


def register_blueprints(api: Api) -> None:
    """Register every API blueprint on the flask-smorest Api (so each is in the OpenAPI document)."""
    from app.api import public, resident_applications, resident_attachments, resident_auth, staff, system

    for module in (system, public, resident_auth, resident_applications, resident_attachments, staff):
        api.register_blueprint(module.blp)
