"""How a case reads for staff: the work list, the full case file (audited), the overdue list."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import select

from app.domain import stages, vocab
from app.domain.casework_rules import HEARING_REASONS
from app.domain.masking import mask_name
from app.domain.working_days import deadline, working_days_between
from app.extensions import db
from app.models import (
    Application,
    Area,
    CaseAssignment,
    CaseFile,
    Decision,
    Hearing,
    HomeVisit,
    StaffUser,
    VerificationReport,
)
from app.services.actors import StaffActor
from app.services.application_views import Disclosure, application_document, application_heading
from app.services.audit import record_audit
from app.services.benefits_funds import grant_of, grant_view, paperwork_overdue
from app.services.casework_access import application_in_scope, area_in_scope, case_file_of, today
from app.services.casework_decisions import decision_view
from app.services.casework_flow import field_visits_of
from app.services.casework_notice import notice_of, objections_of

CASE_STAGES = sorted(stages.OPEN_STAGES - {"draft"})


def _row(application: Application, case: CaseFile | None, on: date) -> dict[str, Any]:
    overdue = bool(case and stages.is_open(application.stage) and case.due_date < on)
    return {
        **application_heading(application),
        "applicant_name": mask_name(application.applicant.name),
        "area_code": application.area.code,
        "area_name": application.area.name,
        "accepted_on": case.accepted_on.isoformat() if case else None,
        "due_date": case.due_date.isoformat() if case else None,
        "due_provisional": case.due_provisional if case else False,
        "overdue": overdue,
        "working_days_left": working_days_between(on, case.due_date) if case else None,
        "hearing_status": case.hearing_status if case else None,
        "filing_status": case.filing_status if case else None,
    }


def case_summary(application: Application) -> dict[str, Any]:
    """The work-list row of one case, after a step."""
    return _row(application, case_file_of(application), today())


def cases_in_scope(actor: StaffActor, stage: str | None) -> dict[str, Any]:
    """Open cases (submitted and after) in the caller's area, soonest due first; names masked."""
    query = (
        select(Application, CaseFile)
        .join(Area, Application.area_id == Area.id)
        .outerjoin(CaseFile, CaseFile.application_id == Application.id)
        .where(
            Area.path.startswith(actor.area_path),
            Application.stage != "draft",  # a draft belongs to the resident until it is submitted
            Application.stage.in_([stage] if stage else CASE_STAGES),
        )
        .order_by(CaseFile.due_date.is_(None), CaseFile.due_date, Application.submitted_at)
    )
    on = today()
    items = [_row(a, c, on) for a, c in db.session.execute(query).unique()]
    return {"total": len(items), "items": items}


def refresh_provisional_deadlines(actor: StaffActor) -> int:
    """Recompute due dates that rested on an unpublished year (the calendar may know it by now)."""
    rows = db.session.scalars(
        select(CaseFile)
        .join(Application, CaseFile.application_id == Application.id)
        .join(Area, Application.area_id == Area.id)
        .where(CaseFile.due_provisional, Area.path.startswith(actor.area_path))
    ).all()
    for case in rows:
        due = deadline(case.accepted_on, case.deadline_days + case.extension_days)
        case.due_date, case.due_provisional = due.due, due.provisional
        case.application.due_date = due.due
    db.session.flush()
    return len(rows)


def overdue_cases(actor: StaffActor, area_code: str | None = None) -> dict[str, Any]:
    """Open cases past their due date, and emergency payments whose paperwork is late (per township with `area_code`)."""
    refresh_provisional_deadlines(actor)
    path = area_in_scope(actor, area_code).path if area_code else actor.area_path
    on = today()
    query = (
        select(Application, CaseFile)
        .join(CaseFile, CaseFile.application_id == Application.id)
        .join(Area, Application.area_id == Area.id)
        .where(
            Area.path.startswith(path),
            Application.stage.in_(CASE_STAGES),
            CaseFile.due_date < on,
        )
        .order_by(CaseFile.due_date)
    )
    cases = [_row(a, c, on) for a, c in db.session.execute(query).unique()]
    late = [
        {**grant_view(g), "reference": db.session.get(Application, g.application_id).reference}
        for g in paperwork_overdue(path, on)
    ]
    return {"today": on.isoformat(), "cases": cases, "late_paperwork": late}


def case_document(actor: StaffActor, application_id: str) -> dict[str, Any]:
    """The whole case file for staff; the read is audited like any full application read."""
    application = application_in_scope(actor, application_id)
    full = actor.role in vocab.ROLES_SEEING_ID_NUMBERS
    record_audit(actor, "case.read_full", "application", application.id, {"id_numbers_shown": full})
    case = case_file_of(application)
    on = today()
    names = {s.id: s.display_name for s in db.session.scalars(select(StaffUser))}

    def rows(model: Any) -> list[Any]:
        return list(db.session.scalars(select(model).where(model.application_id == application.id)))

    document = {
        "application": application_document(application, Disclosure(None, full_for_all=full)),
        "summary": _row(application, case, on),
        "history": [
            {
                "action": e.action,
                "from_stage": e.from_stage,
                "to_stage": e.to_stage,
                "actor_role": e.actor_role,
                "opinion": e.opinion,
                "at": e.created_at.isoformat(),
            }
            for e in application.history
        ],
        "case": None,
    }
    if case is None:
        return document
    document["case"] = {
        "accepted_on": case.accepted_on.isoformat(),
        "deadline_days": case.deadline_days,
        "extension_days": case.extension_days,
        "due_date": case.due_date.isoformat(),
        "due_provisional": case.due_provisional,
        "hearing_status": case.hearing_status,
        "hearing_reasons": [HEARING_REASONS.get(r, r) for r in case.hearing_reasons or []],
        "filing_status": case.filing_status,
        "filing_matches": case.filing_matches or [],
        "investigators": [names.get(a.staff_id) for a in rows(CaseAssignment)],
        "home_visits": [
            {
                "id": v.id,
                "visited_on": v.visited_on.isoformat(),
                "visitors": [names.get(i) for i in v.visitor_staff_ids],
                "living_conditions": v.living_conditions,
                "findings": v.findings,
                "recommendation": v.recommendation,
                "source": v.source,
            }
            for v in rows(HomeVisit)
        ]
        + [
            {
                "id": v.id,
                "visited_on": v.visited_at.date().isoformat() if v.visited_at else None,
                "visitors": [names.get(i, i) for i in json.loads(v.visitor_staff_ids or "[]")],
                "living_conditions": v.living_conditions,
                "findings": v.findings,
                "recommendation": None,
                "source": "field_app",
            }
            for v in field_visits_of(application)
        ],
        "verification_reports": [
            {
                "id": r.id,
                "result": r.result,
                "warnings": r.warnings,
                "summary": r.summary,
                "reported_on": r.reported_on.isoformat(),
                "source": r.source,
            }
            for r in rows(VerificationReport)
        ],
        "hearings": [
            {
                "id": h.id,
                "held_on": h.held_on.isoformat(),
                "participants": h.participants,
                "votes_for": h.votes_for,
                "votes_against": h.votes_against,
                "result": h.result,
                "summary": h.summary,
            }
            for h in rows(Hearing)
        ],
        "assessment": case.assessment,
        "notice": _notice(application),
        "objections": objections_of(application),
        "decision": decision_view(
            db.session.scalar(select(Decision).where(Decision.application_id == application.id))
        ),
        "temporary_grant": grant_view(g) if (g := grant_of(application)) else None,
    }
    return document


def _notice(application: Application) -> dict[str, Any] | None:
    notice = notice_of(application)
    if notice is None:
        return None
    return {
        "id": notice.id,
        "status": notice.status,
        "name": notice.masked_name,
        "household_size": notice.household_size,
        "reason": notice.reason,
        "posted_on": notice.posted_on.isoformat(),
    }
