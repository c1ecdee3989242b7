"""Conflicts for people: what reviewers see of synced records, and how they decide.

A reviewer lists the records of their area with open conflicts, each field showing every
candidate (value, who wrote it, on which device, when) and the default the system shows meanwhile.
Deciding writes an ordinary op from the reviewer's office device whose base is the record's whole
version, so it has seen every sibling: choose a candidate, or enter a new value. Any record's
history is read from the op log. ID numbers are shown in clear only to the roles whose work needs
them, and such reads are audited.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from app.domain import vocab
from app.errors import AppError, NotFound, ValidationFailed
from app.extensions import db
from app.models import Area, StaffUser, SyncDevice, SyncOp, SyncRecord
from app.services import sync_attachments
from app.services.actors import StaffActor
from app.services.audit import record_audit
from app.services.sync_devices import office_device, server_clock
from app.services.sync_entities import ENTITIES, check_fields
from app.services.sync_push import apply_batch
from app.services.sync_scope import villages_of_actor
from app.services.sync_sealing import is_token, reveal, shown
from app.services.sync_store import dialect, from_json
from sync.conflicts import describe_conflicts
from sync.hlc import format_hlc, parse_hlc
from sync.ops import DELETED_FIELD


class RecordChanged(AppError):
    status, code, message = 409, "changed_meanwhile", "这条记录刚刚又有新的修改，请刷新后再处理"


def _moment(hlc: str | None) -> str | None:
    if not hlc:
        return None
    return datetime.fromtimestamp(parse_hlc(hlc).ms / 1000, tz=UTC).isoformat()


def staff_and_device_names(staff_ids: set[str], device_ids: set[str]) -> tuple[dict[str, str], dict[str, str | None]]:
    staff = (
        dict(
            db.session.execute(
                select(StaffUser.id, StaffUser.display_name).where(StaffUser.id.in_(staff_ids))
            ).all()
        )
        if staff_ids
        else {}
    )
    devices = (
        dict(
            db.session.execute(
                select(SyncDevice.id, SyncDevice.label).where(SyncDevice.id.in_(device_ids))
            ).all()
        )
        if device_ids
        else {}
    )
    return staff, devices


def _clear_values(
    actor: StaffActor, values: list[Any], subject: tuple[str, str | None]
) -> dict[str, str] | None:
    """Clear text of sealed values for roles that may see it (audited), None for everyone else."""
    hashes = {v["hash"] for v in values if is_token(v)}
    if actor.role not in vocab.ROLES_SEEING_ID_NUMBERS or not hashes:
        return None
    record_audit(actor, "field.sealed_values_read", subject[0], subject[1], {"count": len(hashes)})
    return reveal(hashes)


def _visible(actor: StaffActor, entity: str, record_id: str, lock: bool = False) -> dict[str, Any]:
    query = select(SyncRecord.__table__).where(SyncRecord.entity == entity, SyncRecord.record_id == record_id)
    if lock and dialect() == "postgresql":
        query = query.with_for_update()
    row = (
        db.session.execute(query).mappings().first() if entity in ENTITIES and len(record_id) <= 36 else None
    )
    if row is None or row["area_id"] not in set(villages_of_actor(actor)):
        raise NotFound("没有找到这条记录", code="record_not_found")
    return dict(row)


def _describe(actor: StaffActor, row: dict[str, Any]) -> dict[str, Any]:
    state = from_json(row["state"])
    conflicts = describe_conflicts(state)
    candidates = [c for conflict in conflicts for c in conflict["candidates"]]
    staff, devices = staff_and_device_names(
        {c["user_id"] for c in candidates if c["user_id"]}, {c["device_id"] for c in candidates}
    )
    clear = _clear_values(actor, [c["value"] for c in candidates], (row["entity"], row["record_id"]))
    for conflict in conflicts:
        conflict["default"] = shown(conflict["default"], clear)
        for candidate in conflict["candidates"]:
            staff_id = candidate.pop("user_id")
            candidate.update(
                value=shown(candidate["value"], clear),
                staff_id=staff_id,
                staff_name=staff.get(staff_id or ""),
                device_label=devices.get(candidate["device_id"]),
                at=_moment(candidate["hlc"]),
            )
    return {
        "entity": row["entity"],
        "record_id": row["record_id"],
        "household_id": row["household_id"],
        "village_code": db.session.get(Area, row["area_id"]).code,
        "record_version": row["record_version"],
        "deleted": row["deleted"],
        "conflicts": conflicts,
    }


def list_conflicts(actor: StaffActor, village_code: str | None, page: int, per_page: int) -> dict[str, Any]:
    """Records with open conflicts in the reviewer's villages (one village if asked), most recent first."""
    villages = set(villages_of_actor(actor))
    if village_code:
        area = db.session.scalar(select(Area).where(Area.code == village_code))
        villages &= {area.id} if area else set()
    condition = (SyncRecord.has_conflicts.is_(True), SyncRecord.area_id.in_(sorted(villages)))
    total = (
        db.session.scalar(select(func.count()).select_from(SyncRecord).where(*condition)) if villages else 0
    )
    rows = (
        db.session.execute(
            select(SyncRecord.__table__)
            .where(*condition)
            .order_by(SyncRecord.updated_at.desc(), SyncRecord.record_id)
            .limit(per_page)
            .offset((page - 1) * per_page)
        ).mappings()
        if villages
        else []
    )
    return {"total": total, "page": page, "items": [_describe(actor, dict(row)) for row in rows]}


def record_view(actor: StaffActor, entity: str, record_id: str) -> dict[str, Any]:
    """A synced record for reviewers: shown values, open conflicts, files (with missing markers)."""
    row = _visible(actor, entity, record_id)
    display = from_json(row["display"])
    state = from_json(row["state"])
    values = [write["value"] for register in state["fields"].values() for write in register["writes"][-1:]]
    clear = _clear_values(actor, values, (entity, record_id))
    fields = {
        name: shown(register["writes"][-1]["value"], clear)
        for name, register in state["fields"].items()
        if register["writes"]
    }
    attachments = sync_attachments.refs_of(entity, record_id)
    return {
        **_describe(actor, row),
        "fields": fields if clear is not None else display,
        "attachments": attachments,
        "missing_attachments": sum(1 for a in attachments if a["missing"]),
    }


def history(actor: StaffActor, entity: str, record_id: str) -> list[dict[str, Any]]:
    """Every op on the record from the op log, oldest first, with who, which device and when."""
    _visible(actor, entity, record_id)
    ops = list(
        db.session.scalars(
            select(SyncOp).where(SyncOp.entity == entity, SyncOp.record_id == record_id).order_by(SyncOp.id)
        )
    )
    staff, devices = staff_and_device_names({op.staff_id for op in ops}, {op.device_id for op in ops})
    entries = []
    for op in ops:
        result = from_json(op.result)
        fields = from_json(op.fields, {}) if op.status != "quarantined" else {}
        entries.append(
            {
                "op_id": op.op_id, "status": op.status, "origin": op.origin, "type": op.op_type,
                "device_id": op.device_id, "device_label": devices.get(op.device_id),
                "staff_id": op.staff_id, "staff_name": staff.get(op.staff_id),
                "hlc": op.hlc, "at": _moment(op.hlc), "hlc_clamped": bool(op.hlc_original),
                "received_at": op.received_at.isoformat(), "record_version": result.get("record_version"),
                "fields": {name: shown(value, None) for name, value in fields.items()},
                "conflicts": result.get("conflicts", []), "errors": result.get("errors", []),
            }
        )  # fmt: skip
    return entries


def resolve(
    actor: StaffActor,
    entity: str,
    record_id: str,
    choices: list[dict[str, Any]],
    expected_version: int | None,
) -> dict[str, Any]:
    """Decide conflicts of one record with an office op that has seen every candidate."""
    row = _visible(actor, entity, record_id, lock=True)
    state = from_json(row["state"])
    if expected_version is not None and expected_version != state["record_version"]:
        raise RecordChanged()
    open_conflicts = {c["field"]: c for c in describe_conflicts(state)}
    fields, problems, op_type = {}, {}, "upsert"
    for choice in choices:
        name = choice["field"]
        conflict = open_conflicts.get(name)
        if conflict is None:
            problems[name] = ["这一项没有待处理的冲突"]
            continue
        if choice.get("op_id"):
            chosen = next((c for c in conflict["candidates"] if c["op_id"] == choice["op_id"]), None)
            if chosen is None:
                problems[name] = ["没有这个候选值"]
                continue
            value = chosen["value"]
        else:
            value = choice.get("value")
        if name == DELETED_FIELD:
            if value not in ("alive", "deleted"):
                problems[name] = ["应选择保留（alive）或删除（deleted）"]
            op_type = "delete" if value == "deleted" else op_type
        else:
            fields[name] = value
    new_values = {k: v for k, v in fields.items() if not is_token(v)}
    checked = check_fields(entity, new_values, creating=False)
    for problem in checked.problems:
        field_name, _, message = problem.partition(": ")
        problems.setdefault(field_name.removeprefix("fields."), []).append(message)
    if op_type == "delete" and fields:
        problems[DELETED_FIELD] = ["选择删除时不能同时修改其他项"]
    if problems:
        raise ValidationFailed(errors=problems)
    fields.update(checked.values)
    device = office_device(actor)
    stamp = parse_hlc(server_clock().reading(server_clock_floor()))
    op = {
        "op_id": str(uuid.uuid4()), "device_id": device.id, "device_seq": device.next_device_seq,
        "entity": entity, "record_id": record_id, "type": op_type,
        "hlc": format_hlc(stamp.ms, stamp.counter, device.id),
        "base_version": state["version"], "fields": fields if op_type == "upsert" else {},
    }  # fmt: skip
    outcome = apply_batch(actor, device, None, [op], origin="resolution")["results"][0]
    if outcome["status"] != "applied":
        raise ValidationFailed(errors={"_schema": outcome.get("errors", ["无法保存这个决定"])})
    return {"result": outcome, "record": record_view(actor, entity, record_id)}


def server_clock_floor() -> str:
    """The highest committed hlc (office ops are stamped after it)."""
    from app.services.sync_store import read_counter

    return read_counter()[1]
