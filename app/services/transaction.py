"""The transaction boundary used by views and jobs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError

from app.extensions import db


@contextmanager
def transaction() -> Iterator[None]:
    """Commit what the block did, or roll it all back if it raised."""
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def add_unless_duplicate(row: object) -> bool:
    """Insert `row` in a savepoint; False (and nothing else undone) when a unique key says it exists already.

    For rows two requests or runs may insert at the same moment: the loser skips instead of failing.
    """
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return False
    return True
