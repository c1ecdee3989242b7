"""Writing a push batch: follow household moves, project, take change numbers, write in a few statements.

Runs after every op of the batch has been checked and merged (`sync_batch.Batch`). The counter row
is taken as late as possible (after the projection), so the lock that orders commits is held only
while the records, op log and exits are written.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import Area, SyncOp, SyncRecord, SyncScopeExit
from app.models.types import utcnow
from app.services import sync_attachments, sync_projection
from app.services.sync_bulk import insert_rows, update_rows
from app.services.sync_entities import HOUSEHOLD
from app.services.sync_sealing import masked, store_sealed
from app.services.sync_store import lock_children, take_change_numbers, to_json
from sync.merge import displayed_values


def finish(batch: Any) -> None:
    """Follow moves, project into the tables, number the changes and write everything."""
    moved, children = _follow_moves(batch)
    changed = batch.order
    if changed:
        sync_projection.project(changed, batch.actor, batch.sealed_rows)
    if moved:
        sync_projection.follow_moves({household_id: new for household_id, (_, new, _) in moved.items()})
    now = utcnow()
    # Everything that needs no change number is written before the counter row is taken: its lock
    # (which orders the commits) is then held only for the records, the exits and the commit.
    insert_rows(SyncOp.__table__, batch.op_rows)
    store_sealed(batch.sealed_rows)
    sync_attachments.add_refs(batch.new_refs, {(t.entity, t.record_id): t for t in changed}, batch.actor)
    batch.device.next_device_seq = batch.next_seq[batch.device.id]
    batch.device.last_seen_at = now
    db.session.flush()
    count = len(changed) + len(children) + sum(1 + len(kids) for kids in moved.values())
    first = take_change_numbers(count, batch.max_hlc) if count else 0
    _write_records(changed, children, first, now)
    insert_rows(SyncScopeExit.__table__, _exit_rows(moved, first + len(changed) + len(children), now))


def _follow_moves(batch: Any) -> tuple[dict[str, tuple[int, int, list[dict]]], list[dict[str, Any]]]:
    """Households whose village changed: their new area, and every child (locked) that goes with them."""
    moved: dict[str, tuple[int, int, list[dict]]] = {}
    for record in batch.order:
        if record.entity != HOUSEHOLD:
            continue
        code = displayed_values(record.state).get("village_code")
        target = batch.area_codes.get(code) if code else None
        if target is None and code:
            target = db.session.scalar(select(Area).where(Area.code == code))
        if target is not None and target.id != record.area_id:
            if record.exists:
                moved[record.record_id] = (record.area_id, target.id, [])
            record.area_id = target.id
    for record in batch.order:
        if record.entity != HOUSEHOLD:
            record.area_id = batch.records[(HOUSEHOLD, record.household_id)].area_id
    children = []
    for row in lock_children(moved):
        old, new, kids = moved[row["household_id"]]
        kids.append(row)
        touched = batch.records.get((row["entity"], row["record_id"]))
        if touched is None or not touched.changed:
            children.append({**row, "area_id": new})
    return moved, children


def _write_records(changed: list[Any], children: list[dict], first: int, now: Any) -> None:
    new_rows, old_rows = [], []
    for offset, record in enumerate(changed):
        row = {
            "entity": record.entity,
            "record_id": record.record_id,
            "state": to_json(record.state),
            "display": to_json({k: masked(v) for k, v in displayed_values(record.state).items()}),
            "attachments": to_json(record.attachments) if record.attachments else None,
            "deleted": record.state["deleted"],
            "has_conflicts": bool(record.state["open_conflicts"]),
            "record_version": record.state["record_version"],
            "change_seq": first + offset,
            "area_id": record.area_id,
            "updated_at": now,
        }
        if record.exists:
            old_rows.append(row)
        else:
            new_rows.append(
                {
                    **row,
                    "household_id": record.household_id,
                    "created_by_staff_id": record.created_by,
                    "created_at": now,
                }
            )
    table = SyncRecord.__table__
    insert_rows(table, new_rows)
    update_rows(table, old_rows, ["entity", "record_id"])
    moved = [
        {"entity": c["entity"], "record_id": c["record_id"], "area_id": c["area_id"],
         "change_seq": first + len(changed) + i, "updated_at": now}
        for i, c in enumerate(children)
    ]  # fmt: skip
    update_rows(table, moved, ["entity", "record_id"])


def _exit_rows(moved: dict[str, tuple[int, int, list[dict]]], first: int, now: Any) -> list[dict]:
    rows = []
    for household_id, (old, new, kids) in moved.items():
        for entity, record_id in [(HOUSEHOLD, household_id)] + [(k["entity"], k["record_id"]) for k in kids]:
            rows.append({"seq": first + len(rows), "entity": entity, "record_id": record_id,
                         "from_area_id": old, "to_area_id": new, "at": now})  # fmt: skip
    return rows
