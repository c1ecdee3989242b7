"""Residents: quarterly check-in windows and submitting a check-in (self or guardian) with a selfie."""

from __future__ import annotations

from flask import request
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from app.api.auth import RESIDENT_SECURITY, current_resident, resident_required
from app.errors import ValidationFailed
from app.services import checkin_submit as service
from app.services.checkin_windows import window_view, windows_of_resident
from app.services.transaction import transaction

blp = Blueprint(
    "resident_checkins",
    __name__,
    url_prefix="/api/resident/checkins",
    description="居民：每季度打卡签到（本人或代办人拍照打卡）",
)

MODES = ("self", "guardian")
SYSTEMS = ("wgs84", "gcj02")


class CheckinWindowSchema(Schema):
    id = fields.String()
    quarter = fields.String()
    person_name = fields.String(allow_none=True)
    opens_on = fields.String()
    closes_on = fields.String()
    grace_until = fields.String()
    status = fields.String()
    status_label = fields.String()


class CheckinWindowListSchema(Schema):
    items = fields.List(fields.Nested(CheckinWindowSchema))


class CheckinLocationSchema(Schema):
    latitude = fields.Float(required=True, validate=validate.Range(-90, 90))
    longitude = fields.Float(required=True, validate=validate.Range(-180, 180))
    accuracy = fields.Float(load_default=None, validate=validate.Range(0, 100_000))
    coordinate_system = fields.String(required=True, validate=validate.OneOf(SYSTEMS),
                                      metadata={"description": "wx.getLocation 的 type：wgs84 或 gcj02"})  # fmt: skip


class CheckinGuardianSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    relation = fields.String(required=True, validate=validate.Length(min=1, max=20))


class CheckinBodySchema(Schema):
    mode = fields.String(load_default="self", validate=validate.OneOf(MODES))
    guardian = fields.Nested(CheckinGuardianSchema, load_default=None)
    server_id = fields.String(required=True, validate=validate.Length(min=1, max=256),
                              metadata={"description": "wx.uploadImage 返回的 serverId"})  # fmt: skip
    location = fields.Nested(CheckinLocationSchema, load_default=None)
    device_id = fields.String(load_default=None, validate=validate.Length(max=100))


class CheckinFormSchema(Schema):
    mode = fields.String(load_default="self", validate=validate.OneOf(MODES))
    guardian_name = fields.String(load_default=None, validate=validate.Length(max=50))
    guardian_relation = fields.String(load_default=None, validate=validate.Length(max=20))
    latitude = fields.Float(load_default=None, validate=validate.Range(-90, 90))
    longitude = fields.Float(load_default=None, validate=validate.Range(-180, 180))
    accuracy = fields.Float(load_default=None, validate=validate.Range(0, 100_000))
    coordinate_system = fields.String(load_default=None, validate=validate.OneOf(SYSTEMS))
    device_id = fields.String(load_default=None, validate=validate.Length(max=100))


class SelfieFileSchema(Schema):
    selfie = Upload(required=True, metadata={"description": "正面自拍照（JPG/PNG/WEBP）"})


class CheckinResultSchema(Schema):
    id = fields.String()
    window_id = fields.String()
    quarter = fields.String()
    mode = fields.String()
    status = fields.String(metadata={"description": "processing / done / review / rejected / not_accepted"})
    received_at = fields.String()
    message = fields.String()
    retake_reasons = fields.List(fields.String())


@blp.route("/windows", methods=["GET"])
@blp.doc(security=RESIDENT_SECURITY)
@blp.response(200, CheckinWindowListSchema)
@resident_required
def my_windows() -> dict:
    """My check-in windows (and those of the people I applied for), newest first."""
    return {"items": [window_view(w) for w in windows_of_resident(current_resident())]}


@blp.route("/windows/<window_id>/checkins", methods=["POST"])
@blp.doc(security=RESIDENT_SECURITY)
@blp.arguments(CheckinBodySchema)
@blp.response(202, CheckinResultSchema)
@resident_required
def check_in_with_wechat_photo(body: dict, window_id: str) -> dict:
    """Check in with a photo taken in WeChat (serverId) and the location from wx.getLocation."""
    with transaction():
        return service.submit_checkin(current_resident(), window_id, body, None, request.user_agent.string)


@blp.route("/windows/<window_id>/checkins/upload", methods=["POST"])
@blp.doc(security=RESIDENT_SECURITY)
@blp.arguments(CheckinFormSchema, location="form")
@blp.arguments(SelfieFileSchema, location="files")
@blp.response(202, CheckinResultSchema)
@resident_required
def check_in_with_upload(form: dict, files: dict, window_id: str) -> dict:
    """Check in with an uploaded selfie (multipart/form-data; location as separate fields)."""
    data = files["selfie"].read()
    if not data:
        raise ValidationFailed(errors={"selfie": ["上传的文件是空的"]})
    params = _form_params(form)
    with transaction():
        return service.submit_checkin(current_resident(), window_id, params, data, request.user_agent.string)


def _form_params(form: dict) -> dict:
    located = [form[k] for k in ("latitude", "longitude", "coordinate_system")]
    if any(v is not None for v in located) and any(v is None for v in located):
        raise ValidationFailed(errors={"location": ["位置需要同时有纬度、经度和坐标系"]})
    location = None
    if located[0] is not None:
        location = {"latitude": form["latitude"], "longitude": form["longitude"], "accuracy": form["accuracy"],
                    "coordinate_system": form["coordinate_system"]}  # fmt: skip
    guardian = {"name": form["guardian_name"], "relation": form["guardian_relation"]}
    return {"mode": form["mode"], "guardian": guardian, "location": location, "device_id": form["device_id"]}


@blp.route("/<checkin_id>", methods=["GET"])
@blp.doc(security=RESIDENT_SECURITY)
@blp.response(200, CheckinResultSchema)
@resident_required
def my_checkin(checkin_id: str) -> dict:
    """The result of one of my check-ins (retake advice when the photo could not be used)."""
    return service.checkin_for_resident(current_resident(), checkin_id)
