"""Staff reading applications in their area: lists masked, full records audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from app.domain import vocab
from app.domain.masking import mask_name
from app.errors import NotFound
from app.extensions import db
from app.models import Application, Area
from app.services.actors import StaffActor
from app.services.application_views import Disclosure, application_document, application_heading
from app.services.audit import record_audit


def _in_scope(actor: StaffActor):  # noqa: ANN202
    return Application.area_id.in_(select(Area.id).where(Area.path.startswith(actor.area_path)))


def applications_in_scope(actor: StaffActor, stage: str | None, page: int, per_page: int) -> dict[str, Any]:
    """Submitted (not draft) applications in the staff member's areas, newest first, names masked."""
    condition = [_in_scope(actor), Application.stage != "draft"]
    if stage:
        condition.append(Application.stage == stage)
    total = db.session.scalar(select(func.count()).select_from(Application).where(*condition))
    rows = db.session.scalars(
        select(Application)
        .where(*condition)
        .order_by(Application.submitted_at.desc(), Application.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).unique()
    return {
        "total": total,
        "page": page,
        "items": [
            {
                **application_heading(a),
                "applicant_name": mask_name(a.applicant.name),
                "area_name": a.area.name if a.area else None,
                "submitted_at": a.submitted_at.isoformat() if a.submitted_at else None,
                "due_date": a.due_date.isoformat() if a.due_date else None,
            }
            for a in rows
        ],
    }


def application_for_staff(actor: StaffActor, application_id: str) -> dict[str, Any]:
    """The full record of an application in scope; the read is audited. 404 outside the area."""
    application = db.session.get(Application, application_id) if len(application_id) <= 36 else None
    if application is None or application.stage == "draft" or application.area is None or not actor.covers(
        application.area.path
    ):
        raise NotFound("没有找到这份申请", code="application_not_found")
    full = actor.role in vocab.ROLES_SEEING_ID_NUMBERS
    record_audit(
        actor, "application.read_full", "application", application.id, {"id_numbers_shown": full}
    )
    return application_document(application, Disclosure(None, full_for_all=full))
