"""Resident attachments: photos by direct upload or by WeChat serverId."""

from __future__ import annotations

from flask import Response
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from app.api.auth import RESIDENT_SECURITY, current_resident, resident_required
from app.domain import vocab
from app.errors import ValidationFailed
from app.schemas.fields import choice
from app.schemas.outputs import AttachmentListSchema, AttachmentSchema
from app.services import attachments as service
from app.services.transaction import transaction

blp = Blueprint(
    "resident_attachments",
    __name__,
    url_prefix="/api/resident/applications",
    description="居民：上传证件和材料照片",
)


class KindFormSchema(Schema):
    kind = choice(vocab.ATTACHMENT_KINDS, required=True)


class FileSchema(Schema):
    file = Upload(required=True, metadata={"description": "照片（JPG/PNG/WEBP，不超过10MB）"})


class WeChatMediaSchema(Schema):
    kind = choice(vocab.ATTACHMENT_KINDS, required=True)
    server_id = fields.String(
        required=True,
        validate=validate.Length(min=1, max=256),
        metadata={"description": "wx.uploadImage 返回的 serverId"},
    )


@blp.route("/<application_id>/attachments", methods=["GET"])
@blp.doc(security=RESIDENT_SECURITY)
@blp.response(200, AttachmentListSchema)
@resident_required
def list_attachments(application_id: str) -> dict:
    """The photos attached to an application."""
    return {"items": service.attachments_of(current_resident(), application_id)}


@blp.route("/<application_id>/attachments", methods=["POST"])
@blp.doc(security=RESIDENT_SECURITY)
@blp.arguments(KindFormSchema, location="form")
@blp.arguments(FileSchema, location="files")
@blp.response(201, AttachmentSchema)
@resident_required
def upload_attachment(form: dict, files: dict, application_id: str):  # noqa: ANN201
    """Upload a photo (multipart/form-data: `kind` and `file`); the same photo twice is kept once."""
    data = files["file"].read()
    if not data:
        raise ValidationFailed(errors={"file": ["上传的文件是空的"]})
    with transaction():
        return service.attach_upload(current_resident(), application_id, form["kind"], data)


@blp.route("/<application_id>/attachments/wechat", methods=["POST"])
@blp.doc(security=RESIDENT_SECURITY)
@blp.arguments(WeChatMediaSchema)
@blp.response(201, AttachmentSchema)
@resident_required
def attach_wechat_photo(body: dict, application_id: str):  # noqa: ANN201
    """Attach a photo taken in WeChat: the server fetches it by `server_id` at once and keeps its own copy."""
    with transaction():
        return service.attach_wechat_media(current_resident(), application_id, body["kind"], body["server_id"])


@blp.route("/<application_id>/attachments/<attachment_id>/content", methods=["GET"])
@blp.doc(security=RESIDENT_SECURITY, responses={"200": {"description": "照片本身"}})
@resident_required
def attachment_content(application_id: str, attachment_id: str) -> Response:
    """The photo itself."""
    data, content_type = service.attachment_content(current_resident(), application_id, attachment_id)
    return Response(data, mimetype=content_type, headers={"Cache-Control": "private, max-age=3600"})


@blp.route("/<application_id>/attachments/<attachment_id>", methods=["DELETE"])
@blp.doc(security=RESIDENT_SECURITY)
@blp.response(204)
@resident_required
def delete_attachment(application_id: str, attachment_id: str) -> None:
    """Remove a photo from a draft."""
    with transaction():
        service.remove_attachment(current_resident(), application_id, attachment_id)
