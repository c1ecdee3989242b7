"""The transaction boundary used by views and jobs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

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
