"""Resumable photo uploads from the field app (tus 1.0.0: core, creation, checksum, expiration, termination)."""

from __future__ import annotations

from datetime import UTC
from email.utils import format_datetime

from flask import Response, jsonify, request, url_for
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from app.api.auth import STAFF_SECURITY, current_staff, staff_required
from app.errors import AppError, error_body
from app.models import FieldUpload
from app.services import uploads
from app.services.sync_devices import SYNC_ROLES
from app.services.transaction import transaction

blp = Blueprint(
    "field_uploads", __name__, url_prefix="/api/field/uploads", description="外业照片的断点续传（tus 1.0）"
)

_TUS = {"Tus-Resumable": uploads.TUS_VERSION}


def _header(name: str, description: str, required: bool = True) -> dict:
    return {
        "in": "header",
        "name": name,
        "required": required,
        "schema": {"type": "string"},
        "description": description,
    }


class FieldUploadSchema(Schema):
    id = fields.String()
    sha256 = fields.String()
    length = fields.Integer()
    offset = fields.Integer()
    complete = fields.Boolean()
    expires_at = fields.String()


def _status(upload: FieldUpload) -> dict:
    return {
        "id": upload.id,
        "sha256": upload.sha256,
        "length": upload.length,
        "offset": upload.offset,
        "complete": upload.completed_at is not None,
        "expires_at": upload.expires_at.isoformat(),
    }


def _tus_headers(upload: FieldUpload) -> dict[str, str]:
    return {
        **_TUS,
        "Upload-Offset": str(upload.offset),
        "Upload-Length": str(upload.length),
        "Upload-Expires": format_datetime(upload.expires_at.astimezone(UTC), usegmt=True),
        "Cache-Control": "no-store",
    }


def _int_header(name: str) -> int:
    raw = request.headers.get(name, "")
    if not raw.isdigit() or len(raw) > 15:
        raise AppError(
            f"缺少或无效的 {name}", code="invalid_upload_header", status=400, errors={name: ["应为非负整数"]}
        )
    return int(raw)


@blp.errorhandler(uploads.UploadError)
def _upload_error(error: uploads.UploadError) -> Response:
    """The one error body, with the tus headers a client needs to resume (e.g. the server's offset)."""
    errors = dict(error.errors)
    if error.detail:
        errors["detail"] = error.detail
    response = jsonify(error_body(error.status, error.code, error.message, errors))
    response.status_code = error.status
    response.headers.update({**_TUS, **error.headers})
    return response


@blp.after_request
def _tus_discovery(response: Response) -> Response:
    """tus headers on every answer; OPTIONS advertises the version, extensions and limits."""
    response.headers.update(_TUS)
    if request.method == "OPTIONS":
        response.headers.update(
            {
                "Tus-Version": uploads.TUS_VERSION,
                "Tus-Extension": uploads.TUS_EXTENSIONS,
                "Tus-Checksum-Algorithm": "sha256",
            }
        )
    return response


def _require_tus_version() -> None:
    if request.headers.get("Tus-Resumable") != uploads.TUS_VERSION:
        raise uploads.UploadError(
            "客户端的 tus 版本不受支持",
            code="tus_version_unsupported",
            status=412,
            headers={"Tus-Version": uploads.TUS_VERSION},
        )


@blp.route("", methods=["POST"])
@blp.doc(
    security=STAFF_SECURITY,
    parameters=[
        _header("Tus-Resumable", "1.0.0"),
        _header("Upload-Length", "文件字节数"),
        _header("Upload-Metadata", "sha256 <base64(小写十六进制 SHA-256)>[,filename <base64>]"),
    ],
)
@blp.response(
    201, FieldUploadSchema, headers={"Location": {"description": "上传地址", "schema": {"type": "string"}}}
)
@staff_required(*SYNC_ROLES)
def create_upload() -> Response:
    """Declare a file by length and SHA-256; one the server already has is complete at once (`Upload-Offset` = length)."""
    _require_tus_version()
    length = _int_header("Upload-Length")
    metadata = uploads.parse_metadata(request.headers.get("Upload-Metadata"))
    with transaction():
        upload = uploads.create_upload(current_staff(), length, metadata.get("sha256", ""))
    response = jsonify(_status(upload))
    response.status_code = 201
    response.headers.update(
        {**_tus_headers(upload), "Location": url_for("field_uploads.upload_status", upload_id=upload.id)}
    )
    return response


@blp.route("/<upload_id>", methods=["GET"])
@blp.doc(
    security=STAFF_SECURITY, description="HEAD 同样可用，只返回头部：Upload-Offset 是服务器已收到的字节数。"
)
@blp.response(200, FieldUploadSchema)
@staff_required(*SYNC_ROLES)
def upload_status(upload_id: str) -> Response:
    """How much of the file the server has (`Upload-Offset`); HEAD gives the same headers without a body."""
    upload = uploads.upload_of(current_staff(), upload_id)
    response = jsonify(_status(upload))
    response.headers.update(_tus_headers(upload))
    return response


@blp.route("/<upload_id>", methods=["PATCH"])
@blp.doc(
    security=STAFF_SECURITY,
    parameters=[
        _header("Tus-Resumable", "1.0.0"),
        _header("Upload-Offset", "这一段从第几个字节开始，必须等于服务器的 Upload-Offset"),
        _header("Upload-Checksum", "sha256 <base64(这一段的 SHA-256)>"),
        _header("Content-Type", "application/offset+octet-stream"),
    ],
    responses={
        "409": {"description": "位置不一致；响应头 Upload-Offset 是服务器的位置"},
        "423": {"description": "另一个连接正在上传"},
        "460": {"description": "这一段校验值不符"},
    },
)
@blp.response(
    204, headers={"Upload-Offset": {"description": "服务器已收到的字节数", "schema": {"type": "integer"}}}
)
@staff_required(*SYNC_ROLES)
def upload_chunk(upload_id: str) -> Response:
    """Send the next chunk; it counts only when whole and its checksum matches (then 204 with the new offset)."""
    _require_tus_version()
    if request.mimetype != "application/offset+octet-stream":
        raise AppError(
            "内容类型应为 application/offset+octet-stream", code="unsupported_media_type", status=415
        )
    if request.content_length is None:
        raise AppError("请求缺少长度信息", code="length_required", status=411)
    upload = uploads.patch_upload(
        current_staff(),
        upload_id,
        _int_header("Upload-Offset"),
        request.content_length,
        request.headers.get("Upload-Checksum"),
        request.stream,
    )
    return Response(status=204, headers=_tus_headers(upload))


@blp.route("/<upload_id>", methods=["DELETE"])
@blp.doc(security=STAFF_SECURITY)
@blp.response(204)
@staff_required(*SYNC_ROLES)
def terminate_upload(upload_id: str) -> Response:
    """Cancel an upload and free what was received (tus termination)."""
    _require_tus_version()
    with transaction():
        uploads.terminate_upload(current_staff(), upload_id)
    return Response(status=204, headers=_TUS)
