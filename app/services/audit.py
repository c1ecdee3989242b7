"""Writing the audit log (in the caller's transaction)."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from app.extensions import db
from app.models import AuditEntry
from app.services.actors import ResidentActor, StaffActor


def record_audit(
    actor: ResidentActor | StaffActor | None,
    action: str,
    subject_type: str,
    subject_id: str | None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Add one audit entry; `detail` must carry no personal data."""
    if isinstance(actor, StaffActor):
        actor_type, actor_id, role = "staff", actor.staff_id, actor.role
    elif isinstance(actor, ResidentActor):
        actor_type, actor_id, role = "resident", actor.account_id, None
    else:
        actor_type, actor_id, role = "system", None, None
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
