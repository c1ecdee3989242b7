"""Storage helpers shared by the sync services: compact JSON text, portable upserts, the change counter.

Every statement here runs in the caller's transaction (services flush, never commit). The change
counter is one row updated in the pushing transaction: the row lock makes the next pusher wait for
the commit, so numbers become visible in the order they were handed out and `seq > cursor` never
skips a change (PostgreSQL sequences commit out of order; a counter row cannot).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import orjson
from sqlalchemy import Table, case, select, tuple_, update

from app.extensions import db
from app.models import SyncCounter, SyncRecord

CHANGES = "changes"
RecordKey = tuple[str, str]


def to_json(value: Any) -> str:
    """Compact JSON text as stored and sent (Chinese kept readable, no spaces); orjson for speed."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # integers beyond 64 bits (an app extension field may hold one)
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def from_json(text: str | None, default: Any = None) -> Any:
    """Parse stored JSON text (None stays `default`)."""
    if text is None:
        return default
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def dialect() -> str:
    """`postgresql` or `sqlite`."""
    return db.session.get_bind().dialect.name


def upsert(
    table: Table, rows: Sequence[dict[str, Any]], keys: Sequence[str], update_columns: Iterable[str]
) -> None:
    """Insert rows, updating `update_columns` where the key exists (one statement per few hundred rows)."""
    from app.services.sync_bulk import insert_rows

    insert_rows(table, rows, conflict_keys=keys, update_columns=list(update_columns))


def insert_ignoring_duplicates(table: Table, rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> None:
    """Insert rows, skipping those whose key is already there."""
    upsert(table, rows, keys, ())


def lock_records(keys: Iterable[RecordKey]) -> dict[RecordKey, dict[str, Any]]:
    """Load (and on PostgreSQL lock) the records with these keys; households first, then by id.

    A fixed lock order keeps concurrent batches from deadlocking; households come first because a
    household's move updates its children while holding the household.
    """
    wanted = sorted(set(keys), key=lambda key: (key[0] != "household", key[0], key[1]))
    found: dict[RecordKey, dict[str, Any]] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        order = case((SyncRecord.entity == "household", 0), else_=1)
        query = (
            select(SyncRecord.__table__)
            .where(tuple_(SyncRecord.entity, SyncRecord.record_id).in_(chunk))
            .order_by(order, SyncRecord.entity, SyncRecord.record_id)
        )
        if dialect() == "postgresql":
            query = query.with_for_update()
        for row in db.session.execute(query).mappings():
            found[(row["entity"], row["record_id"])] = dict(row)
    return found


def lock_children(household_ids: Iterable[str]) -> list[dict[str, Any]]:
    """Load (and lock) every non-household record of these households, for a move."""
    ids = sorted(set(household_ids))
    if not ids:
        return []
    query = (
        select(SyncRecord.entity, SyncRecord.record_id, SyncRecord.household_id, SyncRecord.area_id)
        .where(SyncRecord.household_id.in_(ids), SyncRecord.entity != "household")
        .order_by(SyncRecord.entity, SyncRecord.record_id)
    )
    if dialect() == "postgresql":
        query = query.with_for_update()
    return [dict(row) for row in db.session.execute(query).mappings()]


def take_change_numbers(count: int, max_hlc: str) -> int:
    """Reserve `count` consecutive change numbers; returns the first. Holds the counter row until commit."""
    table = SyncCounter.__table__
    statement = (
        update(table)
        .where(table.c.name == CHANGES)
        .values(
            value=table.c.value + count,
            max_hlc=case((table.c.max_hlc < max_hlc, max_hlc), else_=table.c.max_hlc),
        )
        .returning(table.c.value)
    )
    last = db.session.execute(statement).scalar()
    if last is None:  # the very first push (or the table was emptied): create the row, then take numbers
        insert_ignoring_duplicates(table, [{"name": CHANGES, "value": 0, "max_hlc": ""}], ["name"])
        last = db.session.execute(statement).scalar_one()
    return last - count + 1


def read_counter() -> tuple[int, str]:
    """The last committed change number and the highest accepted hlc (0 and "" before any push)."""
    row = db.session.execute(
        select(SyncCounter.value, SyncCounter.max_hlc).where(SyncCounter.name == CHANGES)
    ).first()
    return (row[0], row[1]) if row else (0, "")
