"""Township casework steps before the decision: accept, ask for materials, refuse, investigate, hear.

Each step checks the stage and role (the state machine), then what the file must hold (the
casework rules), records the step with its opinion in the stage history, and queues a message to
the resident. Services flush; the view's transaction commits.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from app.domain import stages
from app.domain.casework_rules import (
    HEARING_HELD,
    HEARING_REQUIRED,
    CaseFacts,
    blockers,
)
from app.domain.working_days import deadline
from app.errors import AppError, Conflict
from app.extensions import db
from app.models import (
    Application,
    CaseAssignment,
    CaseFile,
    DeadlineExtension,
    FieldVisit,
    Hearing,
    HomeVisit,
    StageEvent,
    VerificationReport,
)
from app.services import applications
from app.services.actors import StaffActor
from app.services.casework_access import (
    application_in_scope,
    household_type_of,
    policy_of,
    require_case_file,
    staff_in_scope_of,
    today,
)
from app.services.casework_filing import flag_if_related
from app.services.casework_notice import post_notice
from app.services.casework_notifications import notify_step


def check_transition(application: Application, action: str, actor: StaffActor, opinion: str | None) -> str:
    """The target stage, or the same 403/409/422 `applications.move` would give."""
    try:
        return stages.next_stage(application.stage, action, actor.role, opinion)
    except stages.TransitionRefused as exc:
        status = {"action_not_allowed_for_role": 403, "opinion_required": 422}.get(exc.code, 409)
        raise AppError(exc.message, code=exc.code, status=status) from exc


def field_visits_of(application: Application) -> list[FieldVisit]:
    """Home visits recorded on the field app (synced) for this application, by two staff or more."""
    visits = db.session.scalars(
        select(FieldVisit).where(FieldVisit.application_id == application.id, FieldVisit.deleted.is_(False))
    )
    return [v for v in visits if len(json.loads(v.visitor_staff_ids or "[]")) >= 2]


def case_facts(application: Application, case: CaseFile, amount: Decimal | None = None) -> CaseFacts:
    """The facts the casework rules read, counted from the file."""

    def count(model: Any) -> int:
        return db.session.scalar(
            select(func.count()).select_from(model).where(model.application_id == application.id)
        )

    policy = policy_of(application)
    return CaseFacts(
        program=application.program,
        investigators=count(CaseAssignment),
        home_visits=count(HomeVisit) + len(field_visits_of(application)),
        has_verification_report=count(VerificationReport) > 0,
        hearing_status=case.hearing_status,
        filing_status=case.filing_status,
        assessment_eligible=(case.assessment or {}).get("eligible"),
        amount=amount if amount is not None else case.requested_amount,
        township_limit=policy.township_temporary_assistance_limit(household_type_of(application)),
    )


def ensure_ready(action: str, facts: CaseFacts) -> None:
    """409 `case_not_ready` listing everything that stops the action."""
    found = blockers(action, facts)
    if found:
        raise Conflict(
            "还不能进行这一步：" + "；".join(b.message for b in found),
            code="case_not_ready",
            errors={"blockers": [b.to_dict() for b in found]},
        )


def take_step(
    application: Application,
    action: str,
    actor: StaffActor,
    opinion: str | None,
    remark: str,
    kind: str = "status",
) -> StageEvent:
    """Move through the state machine, record it, and queue the resident's message."""
    applications.move(application, action, actor, opinion)
    db.session.flush()
    event = application.history[-1]
    notify_step(application, f"stage:{event.id}", today(), remark, kind)
    return event


def accept(
    actor: StaffActor, application_id: str, opinion: str | None, public_reason: str | None
) -> Application:
    """Accept: open the case file, set the deadline, post the public notice, check the register."""
    application = application_in_scope(actor, application_id)
    check_transition(application, "accept", actor, opinion)
    on = today()
    policy = policy_of(application, on)
    due = deadline(on, policy.decision_deadline_working_days)
    case = CaseFile(
        application_id=application.id,
        accepted_on=on,
        deadline_days=policy.decision_deadline_working_days,
        extension_days=0,
        due_date=due.due,
        due_provisional=due.provisional,
        hearing_status="not_required",
        hearing_reasons=[],
        filing_status="not_required",
        filing_matches=[],
    )
    db.session.add(case)
    application.due_date = due.due
    flag_if_related(application, case)
    post_notice(application, public_reason, on)
    remark = (
        f"已受理，将在{policy.decision_deadline_working_days}个工作日内（{due.due.isoformat()}前）作出决定"
    )
    take_step(application, "accept", actor, opinion, remark)
    return application


def request_materials(
    actor: StaffActor, application_id: str, missing: list[str], opinion: str | None
) -> Application:
    """One notice listing everything missing; the resident edits and resubmits."""
    application = application_in_scope(actor, application_id)
    listed = "；".join(f"{i}. {item}" for i, item in enumerate(missing, start=1))
    text = f"请一次补齐以下材料：{listed}" + (f"。{opinion}" if opinion else "")
    check_transition(application, "request_materials", actor, text)
    take_step(application, "request_materials", actor, text, text, kind="materials")
    return application


def refuse(actor: StaffActor, application_id: str, opinion: str) -> Application:
    """Not accepted, with the reason."""
    application = application_in_scope(actor, application_id)
    check_transition(application, "refuse", actor, opinion)
    take_step(application, "refuse", actor, opinion, f"不予受理：{opinion}")
    return application


def start_investigation(
    actor: StaffActor, application_id: str, staff_ids: list[str], opinion: str | None
) -> Application:
    """Assign the investigators (at least two) and start the investigation."""
    application = application_in_scope(actor, application_id)
    check_transition(application, "start_investigation", actor, opinion)
    case = require_case_file(application)
    assigned = set(
        db.session.scalars(
            select(CaseAssignment.staff_id).where(CaseAssignment.application_id == application.id)
        )
    )
    for staff in staff_in_scope_of(application, list(dict.fromkeys(staff_ids))):
        if staff.id not in assigned:
            db.session.add(
                CaseAssignment(
                    application_id=application.id, staff_id=staff.id, assigned_by_staff_id=actor.staff_id
                )
            )
    db.session.flush()
    ensure_ready("start_investigation", case_facts(application, case))
    take_step(application, "start_investigation", actor, opinion, "工作人员将入户调查并核对家庭经济状况")
    return application


def finish_investigation(actor: StaffActor, application_id: str, opinion: str | None) -> Application:
    """Investigation done (a home visit and the verification report on file): on to township review."""
    application = application_in_scope(actor, application_id)
    check_transition(application, "finish_investigation", actor, opinion)
    ensure_ready("finish_investigation", case_facts(application, require_case_file(application)))
    take_step(application, "finish_investigation", actor, opinion, "调查核对已完成，乡镇（街道）正在审核")
    return application


def call_hearing(actor: StaffActor, application_id: str, opinion: str | None) -> Application:
    """Call a democratic hearing (required ones, or a special review the township decides on)."""
    application = application_in_scope(actor, application_id)
    check_transition(application, "call_hearing", actor, opinion)
    case = require_case_file(application)
    if case.hearing_status != HEARING_REQUIRED:
        case.hearing_status = HEARING_REQUIRED
        case.hearing_reasons = sorted({*(case.hearing_reasons or []), "special_review"})
    take_step(application, "call_hearing", actor, opinion, "将组织民主评议")
    return application


def record_hearing(actor: StaffActor, application_id: str, body: dict[str, Any]) -> Application:
    """Record the hearing's participants and result; the case returns to township review."""
    application = application_in_scope(actor, application_id)
    summary = body.get("summary") or ("评议通过" if body["result"] == "support" else "评议未通过")
    check_transition(application, "finish_hearing", actor, summary)
    case = require_case_file(application)
    db.session.add(
        Hearing(
            application_id=application.id,
            held_on=body["held_on"],
            participants=body["participants"],
            votes_for=body.get("votes_for", 0),
            votes_against=body.get("votes_against", 0),
            result=body["result"],
            summary=summary,
            recorded_by_staff_id=actor.staff_id,
        )
    )
    case.hearing_status = HEARING_HELD
    take_step(application, "finish_hearing", actor, summary, "民主评议已完成，乡镇（街道）正在审核")
    return application


def send_back(actor: StaffActor, application_id: str, opinion: str) -> Application:
    """Back to investigation from review or hearing, with the reason."""
    application = application_in_scope(actor, application_id)
    check_transition(application, "send_back", actor, opinion)
    take_step(application, "send_back", actor, opinion, "需要补充调查")
    return application


def extend_deadline(actor: StaffActor, application_id: str, days: int, reason: str) -> dict[str, Any]:
    """Extend the decision deadline within the policy's allowance, with a reason."""
    application = application_in_scope(actor, application_id)
    if not stages.is_open(application.stage):
        raise Conflict("申请已办结，不能延期", code="application_closed")
    case = require_case_file(application)
    allowance = policy_of(application).decision_extension_working_days
    if case.extension_days + days > allowance:
        raise AppError(
            f"延期合计不能超过{allowance}个工作日（已延期{case.extension_days}个）",
            code="extension_too_long",
            status=422,
            errors={"working_days": [f"最多还能延期{allowance - case.extension_days}个工作日"]},
        )
    old = case.due_date
    case.extension_days += days
    due = deadline(case.accepted_on, case.deadline_days + case.extension_days)
    case.due_date, case.due_provisional = due.due, due.provisional
    application.due_date = due.due
    db.session.add(
        DeadlineExtension(
            application_id=application.id,
            working_days=days,
            reason=reason,
            old_due_date=old,
            new_due_date=due.due,
            provisional=due.provisional,
            staff_id=actor.staff_id,
        )
    )
    applications.record_stage(
        application, "extend_deadline", application.stage, application.stage, actor, reason
    )
    db.session.flush()
    return {
        "due_date": due.due.isoformat(),
        "provisional": due.provisional,
        "extension_days": case.extension_days,
    }


def record_home_visit(actor: StaffActor, application_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """A home-visit record by at least two staff (entered at the office or from the field app)."""
    application = application_in_scope(actor, application_id)
    if application.stage != "investigating":
        raise Conflict("只有调查阶段可以登记入户调查", code="not_investigating")
    visitors = staff_in_scope_of(application, list(dict.fromkeys(body["visitor_ids"])))
    visit = HomeVisit(
        application_id=application.id,
        visited_on=body["visited_on"],
        visitor_staff_ids=[s.id for s in visitors],
        living_conditions=body.get("living_conditions"),
        findings=body["findings"],
        recommendation=body.get("recommendation"),
        source=body.get("source", "office"),
        recorded_by_staff_id=actor.staff_id,
    )
    db.session.add(visit)
    db.session.flush()
    return {
        "id": visit.id,
        "visited_on": visit.visited_on.isoformat(),
        "visitors": [s.display_name for s in visitors],
    }


def record_verification(actor: StaffActor, application_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """The county's verification report; a warning makes a hearing required."""
    application = application_in_scope(actor, application_id)
    if application.stage not in ("accepted", "investigating"):
        raise Conflict("只有受理后、审核前可以登记核对报告", code="not_investigating")
    case = require_case_file(application)
    warnings = [w for w in body.get("warnings", []) if w.strip()]
    result = "warning" if warnings else body["result"]
    report = VerificationReport(
        application_id=application.id,
        result=result,
        warnings=warnings,
        summary=body.get("summary"),
        reported_on=body["reported_on"],
        source=body.get("source", "entered"),
        recorded_by_staff_id=actor.staff_id,
    )
    db.session.add(report)
    if result == "warning":
        case.hearing_status = HEARING_REQUIRED
        case.hearing_reasons = sorted({*(case.hearing_reasons or []), "verification_warning"})
    db.session.flush()
    return {"id": report.id, "result": result, "warnings": warnings, "hearing_status": case.hearing_status}
