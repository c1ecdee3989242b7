"""Pull: the changes of the worker's villages after a cursor, in consistent pages, with revocations.

The cursor is opaque to the device (signed JSON) and carries what the server needs to answer
without any per-device state, so a lost response can be retried with the old cursor:

- `c`: every change up to this number has been delivered for the villages in `h`;
- `h`: the villages the device holds records of;
- while a pull is paging: `m` the snapshot (the counter value when the pull began), `a` the last
  number delivered in this pull, `p` the villages being delivered.

A page is `changes` (records of the villages now assigned whose number is in (c, m], or any number
for a village newly assigned), `revoked` (records that moved out of a held village during (c, m]
and are not in scope now), and on the first page `revoked_villages` (held villages no longer
assigned: drop every record of them). Rows are stored with their latest number only, so a record
changed after the snapshot leaves the range and comes in the next pull: every page shows the state
as of `m`. If the villages change while paging, the pull restarts from `c` holding both sets.
"""

from __future__ import annotations

import json
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import String, and_, case, cast, func, literal, or_, select, union_all

from app.errors import AppError
from app.extensions import db
from app.models import Area, StaffUser, SyncRecord, SyncScopeExit
from app.services.actors import StaffActor
from app.services.sync_devices import device_of, server_clock
from app.services.sync_scope import areas_by_id, villages_of_staff
from app.services.sync_store import read_counter

DEFAULT_LIMIT = 500
MAX_LIMIT = 5000
UNION_VILLAGES = 40  # up to this many villages, one index range each


class InvalidCursor(AppError):
    status, code, message = 400, "invalid_cursor", "同步位置无效，请从头同步"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="doudi-sync-cursor")


def read_cursor(text: str | None, device_id: str) -> dict[str, Any]:
    """The cursor's content (a fresh one for None); tampered or foreign cursors are refused."""
    if not text:
        return {"d": device_id, "c": 0, "h": [], "m": None, "a": None, "p": None}
    try:
        cursor = _serializer().loads(text)
    except BadSignature as exc:
        raise InvalidCursor() from exc
    if not isinstance(cursor, dict) or cursor.get("d") != device_id:
        raise InvalidCursor()
    return cursor


def _fragment(table: Any, areas: Any) -> Any:
    """A change as JSON text, built by the database (stored JSON is spliced in, never parsed)."""
    deleted = case((table.c.deleted, literal("true")), else_=literal("false"))
    return (
        literal('{"entity":"') + table.c.entity + '","record_id":"' + table.c.record_id + '","household_id":"'
        + table.c.household_id + '","village_code":"' + areas.c.code + '","deleted":' + deleted + ',"record_version":'
        + cast(table.c.record_version, String) + ',"fields":' + table.c.display + ',"attachments":'
        + func.coalesce(table.c.attachments, "[]") + ',"state":' + table.c.state + "}"
    ).label("fragment")  # fmt: skip


def _changes(
    cursor: dict[str, Any], snapshot: int, after: int, villages: list[int], added: list[int], limit: int
) -> list:
    """The next changes of these villages: the numbers come from one index range per village (area,
    number) merged in order; only the rows of the page are then read and turned into JSON."""
    table, areas = SyncRecord.__table__, Area.__table__
    if len(villages) > UNION_VILLAGES:  # county-wide scopes: one query over all their villages instead
        return _changes_wide(cursor, snapshot, after, villages, added, limit)
    parts = []
    for village in villages:
        start = after if village in added else max(after, cursor["c"])
        numbers = (
            select(table.c.area_id, table.c.change_seq)
            .where(table.c.area_id == village, table.c.change_seq > start, table.c.change_seq <= snapshot)
            .order_by(table.c.area_id, table.c.change_seq)
            .limit(limit + 1)
            .subquery()
        )
        parts.append(select(numbers))
    if not parts:
        return []
    merged = union_all(*parts).subquery()
    page = select(merged.c.area_id, merged.c.change_seq).order_by(merged.c.change_seq).limit(limit + 1).subquery()
    query = (
        select(table.c.change_seq, _fragment(table, areas))
        .join(page, and_(page.c.area_id == table.c.area_id, page.c.change_seq == table.c.change_seq))
        .join(areas, areas.c.id == table.c.area_id)
        .order_by(table.c.change_seq)
    )
    return db.session.execute(query).all()


def _changes_wide(
    cursor: dict[str, Any], snapshot: int, after: int, villages: list[int], added: list[int], limit: int
) -> list:
    table, areas = SyncRecord.__table__, Area.__table__
    condition = and_(
        table.c.area_id.in_(villages), table.c.change_seq > after, table.c.change_seq <= snapshot
    )
    if cursor["c"] > after:
        condition = and_(condition, or_(table.c.change_seq > cursor["c"], table.c.area_id.in_(added)))
    query = (
        select(table.c.change_seq, _fragment(table, areas))
        .join(areas, areas.c.id == table.c.area_id)
        .where(condition)
        .order_by(table.c.change_seq)
        .limit(limit + 1)
    )
    return db.session.execute(query).all()


def _exits(cursor: dict[str, Any], snapshot: int, after: int, villages: list[int], limit: int) -> list:
    if not cursor["h"]:
        return []
    exits, records = SyncScopeExit.__table__, SyncRecord.__table__
    query = (
        select(exits.c.seq, exits.c.entity, exits.c.record_id)
        .join(records, and_(records.c.entity == exits.c.entity, records.c.record_id == exits.c.record_id))
        .where(
            exits.c.from_area_id.in_(cursor["h"]),
            exits.c.seq > max(after, cursor["c"]),
            exits.c.seq <= snapshot,
            records.c.area_id.notin_(villages) if villages else True,
        )
        .order_by(exits.c.seq)
        .limit(limit + 1)
    )
    return db.session.execute(query).all()


def pull(actor: StaffActor, device_id: str, cursor_text: str | None, limit: int) -> str:
    """One page of changes for the device, as JSON text (states are spliced in as stored)."""
    device = device_of(actor, device_id)
    cursor = read_cursor(cursor_text, device.id)
    villages = villages_of_staff(db.session.get(StaffUser, actor.staff_id))
    if cursor["m"] is not None and cursor["p"] != villages:
        # The worker's villages changed while paging: start again, treating both sets as held.
        cursor = {**cursor, "h": sorted(set(cursor["h"]) | set(cursor["p"])), "m": None, "a": None, "p": None}
    counter, max_hlc = read_counter()
    first_page = cursor["m"] is None
    snapshot = counter if first_page else cursor["m"]
    added = sorted(set(villages) - set(cursor["h"]))
    after = (0 if added else cursor["c"]) if first_page else cursor["a"]
    changes = _changes(cursor, snapshot, after, villages, added, limit)
    exits = _exits(cursor, snapshot, after, villages, limit)
    if exits:  # rare (households that moved): merge the two streams by number
        merged = sorted(
            [(row[0], 0, row) for row in changes] + [(row[0], 1, row) for row in exits], key=lambda t: t[:2]
        )
    else:
        merged = [(row[0], 0, row) for row in changes]
    page, more_in_snapshot = merged[:limit], len(merged) > limit
    # The snapshot is done but newer changes exist: say so, the next pull starts a fresh snapshot.
    has_more = more_in_snapshot or counter > snapshot
    if more_in_snapshot:
        next_cursor = {**cursor, "m": snapshot, "a": page[-1][0], "p": villages}
    else:
        next_cursor = {"d": device.id, "c": snapshot, "h": villages, "m": None, "a": None, "p": None}
    lost = sorted(set(cursor["h"]) - set(villages)) if first_page else []
    codes = {area.id: area.code for area in areas_by_id(lost).values()}
    revoked = [
        {"entity": row.entity, "record_id": row.record_id, "reason": "moved"}
        for _, kind, row in page
        if kind == 1
    ]
    # One join over the parts: the page may be megabytes, so it is copied once, not once per `+`.
    body = "".join(
        [
            '{"changes":[',
            ",".join([row[1] for _, kind, row in page if kind == 0]),
            f'],"revoked":{json.dumps(revoked)},',
            f'"revoked_villages":{json.dumps([codes[i] for i in lost if i in codes])},',
            f'"next_cursor":{json.dumps(_serializer().dumps(next_cursor))},',
            f'"has_more":{"true" if has_more else "false"},',
            f'"server_hlc":{json.dumps(server_clock().reading(max_hlc))}}}',
        ]
    )
    return body
