"""A tiny job used by the queue tests (importable by a real RQ worker process)."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry
from app.services.audit import record_audit


def record_ping(subject_id: str) -> None:
    """Write one audit entry for `subject_id`, unless it is already there (so a retry is harmless)."""
    exists = db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "ping", AuditEntry.subject_id == subject_id))
    if exists is None:
        record_audit(None, "ping", "test", subject_id)
        db.session.commit()
