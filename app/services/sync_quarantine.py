"""Quarantined field ops: reviewers read what the phone sent and decide: apply it as corrected, or dismiss it.

A push never drops an op: one with problems is kept (payload encrypted) and answered `quarantined`. Here a
township reviewer sees those of their area's field staff, reads the payload (other people's ID numbers and
phones in clear only for roles that need them, audited), and decides once:
- **apply**: the op's fields, with the reviewer's corrections, are written as a new op from the reviewer's
  office device, based on what the phone had seen (so edits it had not seen become conflicts, as usual);
  if it still has problems nothing is written and every problem comes back together;
- **dismiss**: nothing is written; the reason is kept.
The op log is never changed; the decision (and the office op it wrote) is recorded beside it.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select

from app.domain import vocab
from app.domain.masking import mask_id_number, mask_phone
from app.errors import Conflict, NotFound, ValidationFailed
from app.extensions import db
from app.models import SyncDevice, SyncOp, SyncQuarantineDecision
from app.services.actors import StaffActor
from app.services.audit import record_audit
from app.services.sync_devices import office_device, server_clock
from app.services.sync_entities import ENTITIES, sealed_kind
from app.services.sync_push import apply_batch
from app.services.sync_review import server_clock_floor, staff_and_device_names
from app.services.sync_scope import staff_in_area
from app.services.sync_store import dialect, from_json
from sync.hlc import format_hlc, parse_hlc

DECISIONS = ("apply", "dismiss")
_MASK = {"id_number": mask_id_number, "phone": mask_phone}


def _quarantined_op(actor: StaffActor, op_id: str, lock: bool = False) -> SyncOp:
    query = select(SyncOp).where(
        SyncOp.op_id == op_id, SyncOp.status == "quarantined", SyncOp.staff_id.in_(staff_in_area(actor))
    )
    if lock and dialect() == "postgresql":
        query = query.with_for_update()
    op = db.session.scalar(query) if len(op_id) <= 64 else None
    if op is None:
        raise NotFound("没有找到这条隔离的数据", code="quarantined_op_not_found")
    return op


def _names(ops: list[SyncOp]) -> tuple[dict[str, str], dict[str, str | None]]:
    return staff_and_device_names({op.staff_id for op in ops}, {op.device_id for op in ops})


def _decision_view(decision: SyncQuarantineDecision | None) -> dict[str, Any] | None:
    if decision is None:
        return None
    return {
        "decision": decision.decision,
        "staff_id": decision.staff_id,
        "note": decision.note,
        "applied_op_id": decision.applied_op_id,
        "decided_at": decision.decided_at.isoformat(),
    }


def _summary(
    op: SyncOp, staff: dict, devices: dict, decision: SyncQuarantineDecision | None
) -> dict[str, Any]:
    return {
        "op_id": op.op_id,
        "device_id": op.device_id,
        "device_label": devices.get(op.device_id),
        "staff_id": op.staff_id,
        "staff_name": staff.get(op.staff_id),
        "entity": op.entity,
        "record_id": op.record_id,
        "received_at": op.received_at.isoformat(),
        "errors": from_json(op.result).get("errors", []),
        "decision": _decision_view(decision),
    }


def quarantined(actor: StaffActor, state: str, page: int, per_page: int) -> dict[str, Any]:
    """Quarantined ops from devices of staff in the reviewer's area, newest first: open, decided or all."""
    condition = [SyncOp.status == "quarantined", SyncOp.staff_id.in_(staff_in_area(actor))]
    decided = select(SyncQuarantineDecision.op_id)
    if state == "open":
        condition.append(SyncOp.op_id.not_in(decided))
    elif state == "decided":
        condition.append(SyncOp.op_id.in_(decided))
    total = db.session.scalar(select(func.count()).select_from(SyncOp).where(*condition))
    ops = list(
        db.session.scalars(
            select(SyncOp)
            .where(*condition)
            .order_by(SyncOp.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    decisions = {
        d.op_id: d
        for d in db.session.scalars(
            select(SyncQuarantineDecision).where(SyncQuarantineDecision.op_id.in_([op.op_id for op in ops]))
        )
    }
    staff, devices = _names(ops)
    return {
        "total": total,
        "page": page,
        "items": [_summary(op, staff, devices, decisions.get(op.op_id)) for op in ops],
    }


def _shown_fields(actor: StaffActor, op: SyncOp, fields: dict[str, Any]) -> dict[str, Any]:
    """The fields as sent; ID numbers and phones masked unless the reviewer's role needs them (audited)."""
    entity = op.entity if op.entity in ENTITIES else None
    sensitive = {name: sealed_kind(entity, name) for name in fields} if entity else {}
    sensitive = {name: kind for name, kind in sensitive.items() if kind and isinstance(fields[name], str)}
    if not sensitive:
        return fields
    if actor.role in vocab.ROLES_SEEING_ID_NUMBERS:
        record_audit(actor, "field.quarantined_op_read", op.entity or "", op.record_id, {"op_id": op.op_id})
        return fields
    return {
        name: _MASK[sensitive[name]](value) if name in sensitive else value for name, value in fields.items()
    }


def quarantined_op(actor: StaffActor, op_id: str) -> dict[str, Any]:
    """One quarantined op: who sent it and when, why it was kept aside, what it carried, and any decision."""
    op = _quarantined_op(actor, op_id)
    payload = from_json(op.sealed_payload, {})
    payload = payload if isinstance(payload, dict) else {}
    fields = payload.get("fields") if isinstance(payload.get("fields"), dict) else {}
    staff, devices = _names([op])
    return {
        **_summary(op, staff, devices, db.session.get(SyncQuarantineDecision, op.op_id)),
        "type": payload.get("type"),
        "fields": _shown_fields(actor, op, fields),
        "attachments": payload.get("attachments") if isinstance(payload.get("attachments"), list) else [],
    }


def decide(
    actor: StaffActor, op_id: str, decision: str, corrections: dict[str, Any], note: str | None
) -> dict[str, Any]:
    """Apply the op as corrected (a new office op) or dismiss it; once per op (409 after that)."""
    op = _quarantined_op(actor, op_id, lock=True)
    if db.session.get(SyncQuarantineDecision, op.op_id) is not None:
        raise Conflict("这条隔离的数据已经处理过了", code="quarantine_already_decided")
    applied_op_id = None
    if decision == "apply":
        applied_op_id = _apply_corrected(actor, op, corrections)
    elif not note:
        raise ValidationFailed(errors={"note": ["不采用这条数据时，请写明原因"]})
    db.session.add(
        SyncQuarantineDecision(
            op_id=op.op_id, decision=decision, staff_id=actor.staff_id, note=note, applied_op_id=applied_op_id
        )
    )
    record_audit(actor, f"field.quarantine_{decision}", op.entity or "", op.record_id, {"op_id": op.op_id})
    db.session.flush()
    return quarantined_op(actor, op_id)


def _apply_corrected(actor: StaffActor, op: SyncOp, corrections: dict[str, Any]) -> str:
    payload = from_json(op.sealed_payload, {})
    if not isinstance(payload, dict) or payload.get("type") not in ("upsert", "delete"):
        raise ValidationFailed(errors={"_schema": ["手机发来的数据无法解读，只能不采用"]})
    if payload["type"] == "delete" and corrections:
        raise ValidationFailed(errors={"fields": ["删除操作不能修改内容"]})
    fields = payload.get("fields") if isinstance(payload.get("fields"), dict) else {}
    device = office_device(actor)
    seen = payload.get("base_version") if isinstance(payload.get("base_version"), dict) else {}
    known = dict(
        db.session.execute(
            select(SyncDevice.id, SyncDevice.next_device_seq).where(SyncDevice.id.in_([str(d) for d in seen]))
        ).all()
    )
    # What the phone had seen, less ops this server never received (an office op cannot claim those).
    base = {
        device_id: seq
        for device_id, seq in seen.items()
        if isinstance(seq, int) and not isinstance(seq, bool) and 0 < seq < known.get(device_id, 1)
    }
    stamp = parse_hlc(server_clock().reading(server_clock_floor()))
    fix = {
        "op_id": str(uuid.uuid4()),
        "device_id": device.id,
        "device_seq": device.next_device_seq,
        "entity": payload.get("entity"),
        "record_id": payload.get("record_id"),
        "type": payload["type"],
        "hlc": format_hlc(stamp.ms, stamp.counter, device.id),
        "base_version": base,
        "fields": {**fields, **corrections} if payload["type"] == "upsert" else {},
        "attachments": payload.get("attachments") or [],
    }
    outcome = apply_batch(actor, device, None, [fix], origin="quarantine")["results"][0]
    if outcome["status"] != "applied":  # raising rolls the whole transaction back: nothing of it is kept
        problems: dict[str, list[str]] = {}
        for problem in outcome.get("errors", []):
            path, _, message = problem.partition(": ")
            key = path if message and path.startswith("fields.") else "_schema"
            problems.setdefault(key, []).append(message if key != "_schema" else problem)
        raise ValidationFailed("改正后仍有问题，请按提示修改", code="quarantine_fix_invalid", errors=problems)
    return fix["op_id"]
