"""ID-card photos read by OCR: residents poll and apply their reading; staff see the readings in their area.

Photos are uploaded through the attachment endpoints (direct upload or WeChat serverId, kind
`id_card_portrait` / `id_card_emblem`); the upload enqueues the reading and these endpoints follow it.
"""

from __future__ import annotations

from flask_smorest import Blueprint

from app.api.auth import (
    RESIDENT_SECURITY,
    STAFF_SECURITY,
    current_resident,
    current_staff,
    resident_required,
    staff_required,
)
from app.schemas.id_photos import (
    ApplyReadingSchema,
    ApplyResultSchema,
    IdCardReadingListSchema,
    IdCardReadingSchema,
)
from app.services import id_photo_reads as service
from app.services.transaction import transaction

resident_blp = Blueprint(
    "resident_id_photos",
    __name__,
    url_prefix="/api/resident/applications",
    description="居民：身份证照片自动识别（拍照填表）",
)
staff_blp = Blueprint(
    "staff_id_photos",
    __name__,
    url_prefix="/api/staff/applications",
    description="工作人员：申请中身份证照片的识别结果",
)
READING = "/<application_id>/attachments/<attachment_id>/id-card-reading"


@resident_blp.route(READING, methods=["GET"])
@resident_blp.doc(security=RESIDENT_SECURITY)
@resident_blp.response(200, IdCardReadingSchema)
@resident_required
def get_reading(application_id: str, attachment_id: str) -> dict:
    """Poll the reading of an ID-card photo: queued, running, done (with proposed fields) or failed (with why)."""
    with transaction():
        return service.reading_for_resident(current_resident(), application_id, attachment_id)


@resident_blp.route(f"{READING}/apply", methods=["POST"])
@resident_blp.doc(security=RESIDENT_SECURITY)
@resident_blp.arguments(ApplyReadingSchema)
@resident_blp.response(200, ApplyResultSchema)
@resident_required
def apply_reading(body: dict, application_id: str, attachment_id: str) -> dict:
    """Fill the applicant part from the reading: only empty fields with sure values, plus those in `accept`."""
    with transaction():
        return service.apply_reading(current_resident(), application_id, attachment_id, body["accept"])


@staff_blp.route("/<application_id>/id-card-readings", methods=["GET"])
@staff_blp.doc(security=STAFF_SECURITY)
@staff_blp.response(200, IdCardReadingListSchema)
@staff_required()
def staff_readings(application_id: str) -> dict:
    """The readings of an application's ID-card photos (ID numbers shown to roles that need them); audited."""
    with transaction():
        return service.readings_for_staff(current_staff(), application_id)
