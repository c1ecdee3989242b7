"""Writing the audit log (in the caller's transaction)."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from app.extensions import db
from app.models import AuditEntry
from app.services.actors import ResidentActor, StaffActor, actor_identity


def record_audit(
    actor: ResidentActor | StaffActor | None,
    action: str,
    subject_type: str,
    subject_id: str | None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Add one audit entry; `detail` must carry no personal data."""
    actor_type, actor_id, role = actor_identity(actor)
    db.session.add(
        AuditEntry(
            actor_type=actor_type,
            actor_id=actor_id,
            actor_role=role,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            ip=request.remote_addr if has_request_context() else None,
            detail=detail,
        )
    )
