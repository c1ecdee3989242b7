"""Public, read-only: the one-round public notice and the long-term list per village or township,
objections from anyone, and the check of a certificate code. Nothing here names anyone in full."""

from __future__ import annotations

from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from app.schemas.casework import ObjectionSchema
from app.schemas.fields import text
from app.services import casework_notice
from app.services.certificates import verify
from app.services.transaction import transaction

blp = Blueprint(
    "public_notice",
    __name__,
    url_prefix="/api/public",
    description="公开信息：一榜公示、长期公示名单、群众异议、电子证核验",
)


class NoticeQuerySchema(Schema):
    area = text(12, required=True, metadata={"description": "村（社区）或乡镇（街道）代码"})


class NoticeSchema(Schema):
    id = fields.String()
    name = fields.String(metadata={"description": "姓名（部分隐去，如 张*三）"})
    household_size = fields.Integer()
    program = fields.String()
    program_label = fields.String()
    reason = fields.String()
    area_code = fields.String()
    area_name = fields.String()
    posted_on = fields.String()
    status = fields.String()


class NoticeListSchema(Schema):
    area = fields.Dict()
    items = fields.List(fields.Nested(NoticeSchema))


class ObjectionReceiptSchema(Schema):
    id = fields.String()
    received = fields.Boolean()
    message = fields.String()


class CertificateCheckSchema(Schema):
    code = fields.String()
    valid = fields.Boolean()
    status = fields.String()
    status_label = fields.String()
    program = fields.String()
    program_label = fields.String()
    issued_by = fields.String()
    valid_from = fields.String()


@blp.route("/notices", methods=["GET"])
@blp.arguments(NoticeQuerySchema, location="query")
@blp.response(200, NoticeListSchema)
def list_notices(query: dict) -> dict:
    """Cases on public notice (from acceptance to the decision) in a village or township."""
    return casework_notice.public_notices(query["area"], long_term=False)


@blp.route("/notices/long-term", methods=["GET"])
@blp.arguments(NoticeQuerySchema, location="query")
@blp.response(200, NoticeListSchema)
def list_long_term(query: dict) -> dict:
    """Households receiving 低保 or 特困 support (the long-term public list)."""
    return casework_notice.public_notices(query["area"], long_term=True)


@blp.route("/notices/<notice_id>/objections", methods=["POST"])
@blp.arguments(ObjectionSchema)
@blp.response(201, ObjectionReceiptSchema)
def file_objection(body: dict, notice_id: str) -> dict:
    """Anyone may object to a notice, leaving a way to contact them; the case is investigated again."""
    with transaction():
        return casework_notice.file_objection(notice_id, body, request.remote_addr)


@blp.route("/certificates/<code>", methods=["GET"])
@blp.response(200, CertificateCheckSchema)
def check_certificate(code: str) -> dict:
    """Whether a certificate code is genuine and still valid (no personal data)."""
    return verify(code[:40])
