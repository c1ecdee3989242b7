"""Check-ins and the field app: home-visit tasks written into the sync pull, assisted check-ins synced back.

A missed window makes a `checkin_task` record: a server-authored sync record of the household's
village, so the village assistants' devices receive it in their ordinary pull (with the household
record itself when the household never came through the field app). It is written the way a device
write is: an op merged with `sync.merge.apply_op`, logged in the op log, numbered from the change
counter in this transaction (so commit order = number order and no pull skips it). The ops come
from a server-side device `tasks-<staff id>` belonging to one of the village's assistants, so base
versions naming it pass the push checks like any other device's. Devices cannot write tasks
(`checkin_task` is not a pushable entity); they answer one with a `checkin` record (see
`sync_entities`), whose projection lands here: the check-in is recorded once per synced record,
the task is marked done (again through a server op, so every device sees it closed), and an
absence confirmed by the visit goes to the township.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import (
    Area,
    Checkin,
    CheckinVisitTask,
    CheckinWindow,
    FieldAssignment,
    Household,
    Person,
    StaffUser,
    SyncDevice,
    SyncOp,
    SyncRecord,
)
from app.models.types import utcnow
from app.services.actors import StaffActor
from app.services.sync_bulk import insert_rows, update_rows
from app.services.sync_devices import server_clock
from app.services.sync_outbox import add_job
from app.services.sync_store import (
    dialect,
    from_json,
    lock_records,
    read_counter,
    take_change_numbers,
    to_json,
)
from sync.hlc import format_hlc, parse_hlc
from sync.merge import apply_op, displayed_values

TASK = "checkin_task"
DEVICE_PREFIX = "tasks-"


def _author_device(village: Area) -> SyncDevice | None:
    """The server-side device tasks of a village are written from (None when it has no assistant)."""
    assigned = select(FieldAssignment.staff_id).where(
        FieldAssignment.area_id == village.id, FieldAssignment.ended_at.is_(None)
    )
    staff_id = db.session.scalar(
        select(StaffUser.id)
        .where(StaffUser.role == "village_assistant", StaffUser.active.is_(True))
        .where((StaffUser.area_id == village.id) | StaffUser.id.in_(assigned))
        .order_by(StaffUser.created_at, StaffUser.id)
        .limit(1)
    )
    if staff_id is None:
        return None
    query = select(SyncDevice).where(SyncDevice.id == DEVICE_PREFIX + staff_id)
    if dialect() == "postgresql":
        query = query.with_for_update()
    device = db.session.scalar(query)
    if device is None:
        device = SyncDevice(
            id=DEVICE_PREFIX + staff_id, staff_id=staff_id, label="系统任务（打卡上门）", next_device_seq=1
        )
        db.session.add(device)
        db.session.flush()
    return device


def _server_write(device: SyncDevice, entity: str, record_id: str, household_id: str, area_id: int,
                  fields: dict[str, Any]) -> None:  # fmt: skip
    """Merge one server op into a record, log it, and give the record a new change number."""
    current = lock_records([(entity, record_id)]).get((entity, record_id))
    state = from_json(current["state"]) if current else None
    stamp = parse_hlc(server_clock().reading(read_counter()[1]))
    op = {
        "op_id": str(uuid.uuid4()), "device_id": device.id, "device_seq": device.next_device_seq,
        "entity": entity, "record_id": record_id, "type": "upsert",
        "hlc": format_hlc(stamp.ms, stamp.counter, device.id),
        "base_version": state["version"] if state else {}, "fields": fields,
    }  # fmt: skip
    state, result = apply_op(state, op)
    device.next_device_seq += 1
    now = utcnow()
    insert_rows(SyncOp.__table__, [{
        "op_id": op["op_id"], "device_id": device.id, "device_seq": op["device_seq"], "batch_id": None,
        "staff_id": device.staff_id, "origin": "server", "status": "applied", "entity": entity,
        "record_id": record_id, "op_type": "upsert", "hlc": op["hlc"], "hlc_original": None,
        "base_version": to_json(op["base_version"]), "fields": to_json(fields), "attachments": None,
        "result": to_json({"op_id": op["op_id"], **result.to_dict()}), "fingerprint": op["op_id"],
        "sealed_payload": None, "received_at": now,
    }])  # fmt: skip
    db.session.flush()
    row = {
        "entity": entity, "record_id": record_id, "state": to_json(state),
        "display": to_json(displayed_values(state)), "deleted": state["deleted"],
        "has_conflicts": bool(state["open_conflicts"]), "record_version": state["record_version"],
        "change_seq": take_change_numbers(1, op["hlc"]), "area_id": area_id, "updated_at": now,
    }  # fmt: skip
    if current is None:
        insert_rows(SyncRecord.__table__, [{**row, "household_id": household_id, "attachments": None,
                                            "created_by_staff_id": None, "created_at": now}])  # fmt: skip
    else:
        update_rows(SyncRecord.__table__, [row], ["entity", "record_id"])


def publish_task(task: CheckinVisitTask) -> bool:
    """Put an open task (and its household, if the devices do not have it) into the village's pull."""
    village = db.session.get(Area, task.area_id)
    device = _author_device(village)
    if device is None:
        return False
    household = db.session.get(Household, task.household_id)
    has_household = db.session.scalar(
        select(SyncRecord.record_id).where(
            SyncRecord.entity == "household", SyncRecord.record_id == household.id
        )
    )
    if not has_household:
        _server_write(device, "household", household.id, household.id, village.id, {
            "village_code": village.code, "household_type": household.household_type,
            "registered_address": household.registered_address, "current_address": household.current_address,
        })  # fmt: skip
    window = db.session.get(CheckinWindow, task.window_id)
    person = db.session.get(Person, window.person_id)
    _server_write(device, TASK, task.id, household.id, village.id, {
        "household_id": household.id, "kind": "checkin_visit", "status": "open", "quarter": window.quarter,
        "person_name": person.name, "grace_until": window.grace_until.isoformat(),
        "instructions": "本季度未按时打卡：请上门确认本人情况，在家则拍照协助打卡，不在家请如实登记。",
    })  # fmt: skip
    task.published = True
    return True


def close_task(task: CheckinVisitTask, resolution: str, checkin_id: str | None) -> None:
    """Mark a task done (in the table and, through a server op, on every device)."""
    if task.status != "open":
        return
    task.status, task.resolved_at, task.checkin_id = "done", utcnow(), checkin_id
    if task.published:
        device = _author_device(db.session.get(Area, task.area_id))
        if device is not None:
            _server_write(device, TASK, task.id, task.household_id, task.area_id,
                          {"status": "done", "resolution": resolution})  # fmt: skip


def record_assisted_checkins(rows: list[tuple[Any, dict[str, Any]]], actor: StaffActor) -> None:
    """Projection hook: each synced `checkin` record becomes one assisted check-in (once per record)."""
    from app.services.checkin_outcomes import apply_assisted

    for record, values in rows:
        if record.state["deleted"]:
            continue
        if db.session.scalar(select(Checkin.id).where(Checkin.sync_record_id == record.record_id)):
            continue
        task = db.session.get(CheckinVisitTask, values["task_id"])
        if task is None:  # a checkin_task record always has its table row; be safe all the same
            continue
        window = db.session.get(CheckinWindow, task.window_id)
        location = values.get("location") or {}
        photo = next((a["sha256"] for a in record.attachments if a["kind"] == "checkin_selfie"), None)
        checkin = Checkin(
            window_id=window.id, person_id=window.person_id, mode="assisted", submitted_by_staff_id=actor.staff_id,
            sync_record_id=record.record_id, visit_outcome=values["outcome"], selfie_sha256=photo,
            latitude=location.get("lat"), longitude=location.get("lng"), accuracy_m=location.get("accuracy_m"),
            coordinate_system=values.get("coordinate_system") or ("wgs84" if location else None),
            device_key=f"field:{record.created_by or actor.staff_id}",
            received_at=datetime.fromisoformat(values["checked_in_at"]),
            status="processing" if photo else "no_photo",
        )  # fmt: skip
        db.session.add(checkin)
        db.session.flush()
        apply_assisted(checkin, window, task)
        if photo:
            add_job("checkin_face", [checkin.id], f"checkin-face-{checkin.id}")
