"""Reviewing synced field records: open conflicts with every candidate, deciding them, record history."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.api.auth import STAFF_SECURITY, current_staff, staff_required
from app.services import sync_quarantine, sync_review
from app.services.sync_devices import OFFICE_ROLES, SYNC_ROLES
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


class FieldQuarantineQuerySchema(FieldPageQuerySchema):
    state = fields.String(
        load_default="open",
        validate=validate.OneOf(["open", "decided", "all"]),
        metadata={"description": "open 待处理（默认）、decided 已处理、all 全部"},
    )


class FieldQuarantineDecisionSchema(Schema):
    decision = fields.String(metadata={"description": "apply 改正后采用；dismiss 不采用"})
    staff_id = fields.String()
    note = fields.String(allow_none=True)
    applied_op_id = fields.String(allow_none=True, metadata={"description": "采用时写入的办公室操作"})
    decided_at = fields.String()


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
    decision = fields.Nested(FieldQuarantineDecisionSchema, allow_none=True)


class FieldQuarantineListSchema(Schema):
    total = fields.Integer()
    page = fields.Integer()
    items = fields.List(fields.Nested(FieldQuarantinedSchema))


class FieldQuarantinedOpSchema(FieldQuarantinedSchema):
    type = fields.String(allow_none=True)
    values = fields.Dict(
        attribute="fields", data_key="fields", metadata={"description": "手机发来的内容（他人证件号码按岗位遮挡）"}
    )
    attachments = fields.List(fields.Raw())


class FieldQuarantineDecideSchema(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(sync_quarantine.DECISIONS))
    corrections = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=60)),
        load_default=dict,
        validate=validate.Length(max=40),
        metadata={"description": "采用前改正的字段，如 {\"id_number\": \"…\"}"},
    )
    note = fields.String(
        load_default=None, validate=validate.Length(max=500), metadata={"description": "说明；不采用时必填"}
    )


@blp.route("/conflicts", methods=["GET"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(FieldConflictQuerySchema, location="query")
@blp.response(200, FieldConflictListSchema)
@staff_required(*OFFICE_ROLES)
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
@staff_required(*OFFICE_ROLES)
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
@blp.arguments(FieldQuarantineQuerySchema, location="query")
@blp.response(200, FieldQuarantineListSchema)
@staff_required(*OFFICE_ROLES)
def quarantine(query: dict) -> dict:
    """Ops from phones in my area that could not be applied, with the reasons (kept, never dropped)."""
    return sync_quarantine.quarantined(current_staff(), query["state"], query["page"], query["per_page"])


@blp.route("/quarantine/<op_id>", methods=["GET"])
@blp.doc(security=STAFF_SECURITY)
@blp.response(200, FieldQuarantinedOpSchema)
@staff_required(*OFFICE_ROLES)
def quarantined_op(op_id: str) -> dict:
    """One quarantined op: what the phone sent, why it was kept aside, and the decision if any."""
    with transaction():  # reading other people's ID numbers is audited
        return sync_quarantine.quarantined_op(current_staff(), op_id)


@blp.route("/quarantine/<op_id>/decision", methods=["POST"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(FieldQuarantineDecideSchema)
@blp.response(200, FieldQuarantinedOpSchema)
@blp.alt_response(409, description="quarantine_already_decided：已经处理过")
@blp.alt_response(422, description="quarantine_fix_invalid：改正后仍有问题，errors 列出全部")
@staff_required(*OFFICE_ROLES)
def decide_quarantined_op(body: dict, op_id: str) -> dict:
    """Apply the op with corrections (written as an office op), or dismiss it with a reason; once."""
    actor = current_staff()
    return run_in_transaction(
        lambda: sync_quarantine.decide(actor, op_id, body["decision"], body["corrections"], body["note"])
    )
