"""Reviewing synced field records: open conflicts with every candidate, deciding them, record history."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.api.auth import STAFF_SECURITY, current_staff, staff_required
from app.services import sync_review
from app.services.sync_devices import SYNC_ROLES
from app.services.sync_push import run_in_transaction
from app.services.transaction import transaction

blp = Blueprint(
    "field_review",
    __name__,
    url_prefix="/api/field",
    description="外业记录审核：冲突、决定、修改历史、隔离的数据",
)


class FieldPageQuerySchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class FieldConflictQuerySchema(FieldPageQuerySchema):
    village = fields.String(
        load_default=None, validate=validate.Length(equal=12), metadata={"description": "只看一个村（社区）"}
    )


class FieldCandidateSchema(Schema):
    value = fields.Raw(allow_none=True)
    op_id = fields.String()
    device_id = fields.String()
    device_label = fields.String(allow_none=True)
    staff_id = fields.String(allow_none=True)
    staff_name = fields.String(allow_none=True)
    hlc = fields.String()
    at = fields.String(metadata={"description": "修改时间（设备时钟，已校正）"})
    is_default = fields.Boolean(metadata={"description": "处理前系统暂时显示的值"})


class FieldConflictSchema(Schema):
    field = fields.String(metadata={"description": "字段名；_deleted 表示“删除与修改”的冲突"})
    kind = fields.String()
    default = fields.Raw(allow_none=True)
    candidates = fields.List(fields.Nested(FieldCandidateSchema))


class FieldRecordConflictsSchema(Schema):
    entity = fields.String()
    record_id = fields.String()
    household_id = fields.String()
    village_code = fields.String()
    record_version = fields.Integer()
    deleted = fields.Boolean()
    conflicts = fields.List(fields.Nested(FieldConflictSchema))


class FieldConflictListSchema(Schema):
    total = fields.Integer()
    page = fields.Integer()
    items = fields.List(fields.Nested(FieldRecordConflictsSchema))


class FieldAttachmentRefSchema(Schema):
    sha256 = fields.String()
    kind = fields.String()
    missing = fields.Boolean(metadata={"description": "文件尚未上传到服务器"})


class FieldRecordSchema(FieldRecordConflictsSchema):
    values = fields.Dict(attribute="fields", data_key="fields", metadata={"description": "现在显示的值"})
    attachments = fields.List(fields.Nested(FieldAttachmentRefSchema))
    missing_attachments = fields.Integer()


class FieldChoiceSchema(Schema):
    field = fields.String(required=True, validate=validate.Length(min=1, max=60))
    op_id = fields.String(validate=validate.Length(max=64), metadata={"description": "选用某个候选值"})
    value = fields.Raw(allow_none=True, metadata={"description": "或者填写新的值"})


class FieldResolveSchema(Schema):
    choices = fields.List(
        fields.Nested(FieldChoiceSchema), required=True, validate=validate.Length(min=1, max=40)
    )
    expected_record_version = fields.Integer(
        load_default=None, metadata={"description": "您看到的版本；之后又有修改则 409"}
    )


class FieldResolveResultSchema(Schema):
    result = fields.Dict()
    record = fields.Nested(FieldRecordSchema)


class FieldHistoryEntrySchema(Schema):
    op_id = fields.String()
    status = fields.String()
    origin = fields.String()
    type = fields.String(allow_none=True)
    device_id = fields.String()
    device_label = fields.String(allow_none=True)
    staff_id = fields.String()
    staff_name = fields.String(allow_none=True)
    hlc = fields.String(allow_none=True)
    at = fields.String(allow_none=True)
    hlc_clamped = fields.Boolean()
    received_at = fields.String()
    record_version = fields.Integer(allow_none=True)
    values = fields.Dict(attribute="fields", data_key="fields")
    conflicts = fields.List(fields.Dict())
    errors = fields.List(fields.String())


class FieldHistorySchema(Schema):
    items = fields.List(fields.Nested(FieldHistoryEntrySchema))


class FieldQuarantinedSchema(Schema):
    op_id = fields.String()
    device_id = fields.String()
    device_label = fields.String(allow_none=True)
    staff_id = fields.String()
    staff_name = fields.String(allow_none=True)
    entity = fields.String(allow_none=True)
    record_id = fields.String(allow_none=True)
    received_at = fields.String()
    errors = fields.List(fields.String())


class FieldQuarantineListSchema(Schema):
    total = fields.Integer()
    page = fields.Integer()
    items = fields.List(fields.Nested(FieldQuarantinedSchema))


@blp.route("/conflicts", methods=["GET"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(FieldConflictQuerySchema, location="query")
@blp.response(200, FieldConflictListSchema)
@staff_required(*sync_review.OFFICE_ROLES)
def list_conflicts(query: dict) -> dict:
    """Open conflicts in my area: every candidate with who, which device and when."""
    with transaction():
        return sync_review.list_conflicts(current_staff(), query["village"], query["page"], query["per_page"])


@blp.route("/records/<entity>/<record_id>", methods=["GET"])
@blp.doc(security=STAFF_SECURITY)
@blp.response(200, FieldRecordSchema)
@staff_required(*SYNC_ROLES)
def get_record(entity: str, record_id: str) -> dict:
    """A synced record as shown now, its open conflicts, and its files (missing until uploaded)."""
    with transaction():
        return sync_review.record_view(current_staff(), entity, record_id)


@blp.route("/records/<entity>/<record_id>/resolve", methods=["POST"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(FieldResolveSchema)
@blp.response(200, FieldResolveResultSchema)
@staff_required(*sync_review.OFFICE_ROLES)
def resolve(body: dict, entity: str, record_id: str) -> dict:
    """Decide conflicts: choose a candidate (`op_id`) or enter a new `value`; written as an office op."""
    actor = current_staff()
    return run_in_transaction(
        lambda: sync_review.resolve(
            actor, entity, record_id, body["choices"], body["expected_record_version"]
        )
    )


@blp.route("/records/<entity>/<record_id>/history", methods=["GET"])
@blp.doc(security=STAFF_SECURITY)
@blp.response(200, FieldHistorySchema)
@staff_required(*SYNC_ROLES)
def record_history(entity: str, record_id: str) -> dict:
    """Every change of a record from the op log, oldest first."""
    return {"items": sync_review.history(current_staff(), entity, record_id)}


@blp.route("/quarantine", methods=["GET"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(FieldPageQuerySchema, location="query")
@blp.response(200, FieldQuarantineListSchema)
@staff_required(*sync_review.OFFICE_ROLES)
def quarantine(query: dict) -> dict:
    """Ops from phones in my area that could not be applied, with the reasons (kept, never dropped)."""
    return sync_review.quarantined(current_staff(), query["page"], query["per_page"])
