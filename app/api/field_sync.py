"""Field sync for staff devices: register a device, push ops, pull changes, assign villages to workers."""

from __future__ import annotations

import click
from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.api.auth import STAFF_SECURITY, current_staff, staff_required
from app.schemas.fields import text
from app.services import sync_devices, sync_pull, sync_push, sync_scope
from app.services.sync_devices import SYNC_ROLES
from app.services.transaction import transaction

blp = Blueprint(
    "field_sync",
    __name__,
    url_prefix="/api/field",
    description="外业同步：设备登记、上传操作、下载变更、分配村（社区）",
)


class FieldDeviceSchema(Schema):
    device_id = fields.String(
        required=True, validate=validate.Length(min=8, max=64), metadata={"description": "手机生成的设备编号"}
    )
    label = text(100, load_default=None, metadata={"description": "设备名称，例如“孙倩的手机”"})
    default_village_code = fields.String(
        load_default=None,
        validate=validate.Length(equal=12),
        metadata={"description": "新登记家庭默认所属的村（社区）"},
    )


class FieldVillageSchema(Schema):
    code = fields.String()
    name = fields.String()


class FieldDeviceStatusSchema(Schema):
    device_id = fields.String()
    next_device_seq = fields.Integer(metadata={"description": "服务器期待的下一个操作编号"})
    default_village_code = fields.String(allow_none=True)
    villages = fields.List(
        fields.Nested(FieldVillageSchema), metadata={"description": "这台设备同步的村（社区）"}
    )
    server_hlc = fields.String(metadata={"description": "服务器时钟；设备收到后并入自己的时钟"})


class FieldDeviceListQuerySchema(Schema):
    staff_id = fields.String(load_default=None, validate=validate.Length(max=36), metadata={"description": "只看这名工作人员的"})


class FieldDeviceSummarySchema(Schema):
    device_id = fields.String()
    label = fields.String(allow_none=True)
    staff_id = fields.String()
    staff_name = fields.String(allow_none=True)
    created_at = fields.String()
    last_seen_at = fields.String()
    revoked_at = fields.String(allow_none=True, metadata={"description": "停用（挂失）的时间"})


class FieldDeviceListSchema(Schema):
    items = fields.List(fields.Nested(FieldDeviceSummarySchema))


class FieldDeviceRevokeSchema(Schema):
    reason = text(200, required=True, validate=validate.Length(min=1, max=200), metadata={"description": "例如“手机丢失”"})


class FieldPushSchema(Schema):
    device_id = fields.String(required=True, validate=validate.Length(max=64))
    batch_id = fields.String(load_default=None, validate=validate.Length(max=64))
    ops = fields.List(
        fields.Dict(),
        required=True,
        metadata={
            "description": "操作列表：{op_id, device_seq, device_id, entity, record_id, type: upsert|delete, hlc, "
            "base_version: {device_id: device_seq}, fields, attachments: [{sha256, kind}]}"
        },
    )


class FieldPushResultSchema(Schema):
    batch_id = fields.String(allow_none=True)
    results = fields.List(
        fields.Dict(),
        metadata={
            "description": "逐条结果（与请求顺序相同）：{op_id, status: applied|duplicate|quarantined, record_version, conflicts, hlc, hlc_clamped, errors}"
        },
    )
    expected_device_seq = fields.Integer()
    server_hlc = fields.String()


class FieldPullQuerySchema(Schema):
    device_id = fields.String(required=True, validate=validate.Length(max=64))
    cursor = fields.String(load_default=None, validate=validate.Length(max=8000))
    limit = fields.Integer(
        load_default=sync_pull.DEFAULT_LIMIT, validate=validate.Range(min=1, max=sync_pull.MAX_LIMIT)
    )


class FieldPullResponseSchema(Schema):
    changes = fields.List(
        fields.Dict(),
        metadata={
            "description": "变更（每条记录一次，最新状态）：{entity, record_id, household_id, village_code, deleted, record_version, fields, attachments, state}"
        },
    )
    revoked = fields.List(
        fields.Dict(), metadata={"description": "离开您负责范围的记录（户迁走）：{entity, record_id, reason}"}
    )
    revoked_villages = fields.List(
        fields.String(), metadata={"description": "不再由您负责的村（社区）：删除这些村的全部记录"}
    )
    next_cursor = fields.String()
    has_more = fields.Boolean()
    server_hlc = fields.String()


class FieldAssignmentSchema(Schema):
    village_codes = fields.List(
        fields.String(validate=validate.Length(equal=12)), required=True, validate=validate.Length(max=200)
    )


class FieldAssignmentViewSchema(Schema):
    staff_id = fields.String()
    villages = fields.List(fields.Nested(FieldVillageSchema))
    is_default = fields.Boolean(metadata={"description": "未分配时默认负责本人账号所在的村（社区）"})


@blp.route("/devices", methods=["POST"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(FieldDeviceSchema)
@blp.response(200, FieldDeviceStatusSchema)
@staff_required(*SYNC_ROLES)
def register_device(body: dict) -> dict:
    """Register this phone for the signed-in worker (again: same answer); another worker's device id is refused."""
    actor = current_staff()
    return sync_push.run_in_transaction(
        lambda: sync_devices.register_device(
            actor, body["device_id"], body["label"], body["default_village_code"]
        )
    )


@blp.route("/devices/<device_id>", methods=["GET"])
@blp.doc(security=STAFF_SECURITY)
@blp.response(200, FieldDeviceStatusSchema)
@staff_required(*SYNC_ROLES)
def device_status(device_id: str) -> dict:
    """The next op number the server expects from this device (after a reinstall or a lost response)."""
    actor = current_staff()
    device = sync_devices.device_of(actor, device_id)
    return sync_devices.device_status(device, sync_scope.villages_of_actor(actor))


@blp.route("/devices", methods=["GET"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(FieldDeviceListQuerySchema, location="query")
@blp.response(200, FieldDeviceListSchema)
@staff_required(*SYNC_ROLES)
def list_devices(query: dict) -> dict:
    """Phones I may manage: my own; for township and county staff, those of the workers in their area."""
    return {"items": sync_devices.list_devices(current_staff(), query["staff_id"])}


@blp.route("/devices/<device_id>/revoke", methods=["POST"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(FieldDeviceRevokeSchema)
@blp.response(200, FieldDeviceSummarySchema)
@staff_required(*SYNC_ROLES)
def revoke_device(body: dict, device_id: str) -> dict:
    """Stop a lost or stolen phone: it can no longer push, pull or register (403 `device_revoked`), and its
    owner's sign-ins end everywhere, so they sign in again on the new phone. Repeating it changes nothing."""
    with transaction():
        return sync_devices.revoke_device(current_staff(), device_id, body["reason"])


@blp.route("/push", methods=["POST"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(FieldPushSchema)
@blp.response(200, FieldPushResultSchema)
@staff_required(*SYNC_ROLES)
def push(body: dict) -> dict:
    """Upload a batch of ops; exactly once, in one transaction. 409 `device_seq_gap` names the number expected."""
    return sync_push.push(current_staff(), body["device_id"], body["batch_id"], body["ops"])


@blp.route("/pull", methods=["GET"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(FieldPullQuerySchema, location="query")
@blp.response(200, FieldPullResponseSchema)
@staff_required(*SYNC_ROLES)
def pull(query: dict) -> Response:
    """Changes in my villages after the cursor, one consistent page at a time; `revoked` what left my villages."""
    body = sync_pull.pull(current_staff(), query["device_id"], query["cursor"], query["limit"])
    return Response(body, mimetype="application/json")


@blp.route("/staff/<staff_id>/villages", methods=["GET"])
@blp.doc(security=STAFF_SECURITY)
@blp.response(200, FieldAssignmentViewSchema)
@staff_required(*sync_scope.ASSIGNING_ROLES)
def worker_villages(staff_id: str) -> dict:
    """The villages a field worker syncs."""
    return sync_scope.assignments_view(current_staff(), staff_id)


@blp.route("/staff/<staff_id>/villages", methods=["PUT"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(FieldAssignmentSchema)
@blp.response(200, FieldAssignmentViewSchema)
@staff_required(*sync_scope.ASSIGNING_ROLES)
def assign_villages(body: dict, staff_id: str) -> dict:
    """Replace a field worker's villages (inside my area); their phone drops the villages they lost at its next pull."""
    with transaction():
        return sync_scope.set_assignments(current_staff(), staff_id, body["village_codes"])


@blp.cli.command("relay-outbox")
def relay_outbox_command() -> None:
    """Hand pending background jobs (thumbnails, OCR, cleaning) to the queue; for cron or after a Redis outage."""
    from app.services.sync_outbox import relay_pending

    total = 0
    for _ in range(10_000):  # bounded: 200 jobs a round
        with transaction():
            relayed = relay_pending()
        total += relayed
        if not relayed:
            break
    click.echo(f"{total} jobs relayed")


@blp.cli.command("clean-uploads")
def clean_uploads_command() -> None:
    """Delete expired partial uploads and their bytes now (the same as the queued cleaning job)."""
    from app.services.uploads import clean_expired_uploads

    with transaction():
        removed = clean_expired_uploads()
    click.echo(f"{removed} expired uploads removed")
