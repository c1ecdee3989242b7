"""HTTP entry points, one blueprint per audience; views load → call one service → dump."""

from __future__ import annotations

from flask_smorest import Api


def register_blueprints(api: Api) -> None:
    """Register every API blueprint on the flask-smorest Api (so each is in the OpenAPI document)."""
    from app.api import (  # casework (issue 5)
        casework,
        casework_admin,
        field_review,  # field sync (issue 3)
        field_sync,
        public,
        public_notice,
        resident_applications,
        resident_attachments,
        resident_auth,
        resident_benefits,
        staff,
        system,
        uploads,
    )

    for module in (system, public, resident_auth, resident_applications, resident_attachments, staff, casework,
                   casework_admin, public_notice, resident_benefits, field_sync, field_review, uploads):
        api.register_blueprint(module.blp)

    from app.api import id_photos  # ID-card photos read by OCR (issue 4)

    api.register_blueprint(id_photos.resident_blp)
    api.register_blueprint(id_photos.staff_blp)

    from app.api import checkin_review, resident_checkins  # quarterly check-ins (issue 6)

    api.register_blueprint(resident_checkins.blp)
    api.register_blueprint(checkin_review.blp)
