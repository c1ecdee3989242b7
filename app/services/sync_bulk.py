"""Bulk writes of a push batch: one executemany per table and kind of write.

psycopg 3 sends an executemany as one pipeline of prepared statements, which measured cheaper (in
Python and in PostgreSQL) than a single `INSERT … SELECT FROM unnest(arrays)` or a long VALUES list:
those make the driver escape every JSON state into an array literal or parse thousands of
placeholders. Upserts use the dialect's ON CONFLICT (PostgreSQL and SQLite both have it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, and_, bindparam, update
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db


def insert_rows(
    table: Table,
    rows: Sequence[dict[str, Any]],
    conflict_keys: Sequence[str] = (),
    update_columns: Sequence[str] = (),
) -> None:
    """INSERT rows (all with the same keys); with `conflict_keys`, update those columns or skip on conflict."""
    if not rows:
        return
    dialect = db.session.get_bind().dialect.name
    statement = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    if conflict_keys and update_columns:
        statement = statement.on_conflict_do_update(
            index_elements=list(conflict_keys), set_={c: statement.excluded[c] for c in update_columns}
        )
    elif conflict_keys:
        statement = statement.on_conflict_do_nothing(index_elements=list(conflict_keys))
    db.session.execute(statement, list(rows))


def update_rows(table: Table, rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> None:
    """UPDATE rows found by `keys`, setting every other column given (all rows with the same keys)."""
    if not rows:
        return
    columns = [name for name in rows[0] if name not in keys]
    where = and_(*(table.c[k] == bindparam(f"k_{k}") for k in keys))
    renamed = [{(f"k_{k}" if k in keys else k): v for k, v in row.items()} for row in rows]
    db.session.execute(update(table).where(where).values({c: bindparam(c) for c in columns}), renamed)
