"""Dynamic management of entitlements: periodic reviews, suspension, gradual exit, termination."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from app.domain import entitlements as ent
from app.domain import vocab
from app.domain.masking import mask_name
from app.domain.means_test_trace import money_text
from app.errors import AppError, Conflict, NotFound
from app.extensions import db
from app.models import Area, CaseFile, DishonestyRecord, Entitlement, EntitlementEvent
from app.services.actors import StaffActor
from app.services.casework_access import household_type_of, policy_of, today
from app.services.casework_means import assess
from app.services.casework_notice import remove_from_long_term


def entitlement_in_scope(actor: StaffActor, entitlement_id: str) -> Entitlement:
    """An entitlement in the caller's area, or 404."""
    row = db.session.get(Entitlement, entitlement_id) if len(entitlement_id) <= 36 else None
    area = db.session.get(Area, row.area_id) if row else None
    if row is None or area is None or not actor.covers(area.path):
        raise NotFound("没有找到这项保障", code="entitlement_not_found")
    return row


def entitlements_in_scope(actor: StaffActor, state: str | None, due_by: date | None) -> list[dict[str, Any]]:
    """Entitlements in the caller's area; `due_by` lists those whose review is due by then."""
    query = (
        select(Entitlement)
        .join(Area, Entitlement.area_id == Area.id)
        .where(Area.path.startswith(actor.area_path))
        .order_by(Entitlement.next_review_on, Entitlement.id)
    )
    if state:
        query = query.where(Entitlement.state == state)
    if due_by:
        query = query.where(
            Entitlement.next_review_on <= due_by, Entitlement.state.in_(["active", "gradual_exit"])
        )
    return [entitlement_view(e) for e in db.session.scalars(query).unique()]


def entitlement_view(row: Entitlement, with_events: bool = False) -> dict[str, Any]:
    """An entitlement as staff read it (the applicant's name masked)."""
    view = {
        "id": row.id,
        "application_id": row.application_id,
        "reference": row.application.reference,
        "applicant_name": mask_name(row.application.applicant.name),
        "program": row.program,
        "program_label": vocab.PROGRAMS[row.program],
        "state": row.state,
        "state_label": ent.STATES[row.state],
        "monthly_amount": money_text(row.monthly_amount),
        "covered_members": row.covered_members,
        "start_month": row.start_month.isoformat(),
        "stable": row.stable,
        "review_cycle_months": row.review_cycle_months,
        "next_review_on": row.next_review_on.isoformat(),
        "gradual_exit_until": row.gradual_exit_until.isoformat() if row.gradual_exit_until else None,
        "terminated_on": row.terminated_on.isoformat() if row.terminated_on else None,
    }
    if with_events:
        events = db.session.scalars(
            select(EntitlementEvent)
            .where(EntitlementEvent.entitlement_id == row.id)
            .order_by(EntitlementEvent.id)
        )
        view["events"] = [
            {
                "action": e.action,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "amount": money_text(e.amount) if e.amount is not None else None,
                "reason": e.reason,
                "detail": e.detail,
                "created_at": e.created_at.isoformat(),
            }
            for e in events
        ]
    return view


def _move(row: Entitlement, action: str, actor: StaffActor | None, reason: str | None, **extra: Any) -> None:
    try:
        target = ent.next_state(row.state, action)
    except ent.EntitlementMoveRefused as exc:
        raise Conflict(exc.message, code="entitlement_move_not_allowed") from exc
    db.session.add(
        EntitlementEvent(
            entitlement_id=row.id,
            action=action,
            from_state=row.state,
            to_state=target,
            amount=extra.get("amount"),
            reason=reason,
            detail=extra.get("detail"),
            staff_id=actor.staff_id if actor else None,
        )
    )
    row.state = target
    if target == "terminated":
        row.terminated_on = today()
        remove_from_long_term(row.application_id, row.terminated_on)


def change_state(actor: StaffActor, entitlement_id: str, action: str, reason: str) -> dict[str, Any]:
    """Suspend, resume, terminate (or start a review) with a reason."""
    row = entitlement_in_scope(actor, entitlement_id)
    _move(row, action, actor, reason)
    db.session.flush()
    return entitlement_view(row, with_events=True)


def complete_review(actor: StaffActor, entitlement_id: str, params: dict[str, Any]) -> dict[str, Any]:
    """Re-run the assessment on today's household data and decide: continue (new amount) or gradual exit."""
    row = entitlement_in_scope(actor, entitlement_id)
    if row.state != "under_review":
        raise Conflict("请先开始复核", code="entitlement_not_under_review")
    application = row.application
    on = today()
    policy = policy_of(application, on)
    result = assess(application, policy, _with_findings_on_file(application.id, params), on)
    outcome = ent.review_outcome(
        policy,
        household_type_of(application),
        bool(result["eligible"]),
        row.monthly_amount,
        Decimal(result["benefit"]),
        Decimal(result.get("employment_income", "0")),
        bool(params.get("registered_poverty", False)),
    )
    if outcome.action == "continue" and outcome.amount <= 0:
        raise AppError("测算金额为 0，请选择停止保障", code="assessment_not_eligible", status=409)
    _move(row, outcome.action, actor, outcome.reason, amount=outcome.amount, detail={"assessment": result})
    row.monthly_amount = outcome.amount
    dishonest = (
        db.session.query(DishonestyRecord.id).filter_by(household_id=row.household_id).first() is not None
    )
    months = policy.review_cycle_months(row.stable and not dishonest)
    if outcome.action == "gradual_exit":
        row.gradual_exit_until = ent.add_months(ent.first_of_next_month(on), outcome.exit_months)
        row.next_review_on = row.gradual_exit_until
    else:
        row.next_review_on = ent.add_months(on, months)
    db.session.flush()
    return {
        **entitlement_view(row, with_events=False),
        "review": {"outcome": outcome.action, "reason": outcome.reason, "assessment": result},
    }


def _with_findings_on_file(application_id: str, params: dict[str, Any]) -> dict[str, Any]:
    """The review's findings, falling back to those on the case file (who is covered, school levels, …)."""
    case = db.session.scalar(select(CaseFile).where(CaseFile.application_id == application_id))
    on_file = dict(case.assessment_params or {}) if case else {}
    given = {k: v for k, v in params.items() if v not in (None, [], {})}
    return {**on_file, **given}


def end_finished_gradual_exits(actor: StaffActor | None, on: date) -> int:
    """Terminate the entitlements whose gradual exit period has ended: in the caller's area, or everywhere when
    the scheduler (no actor) runs it. Rows are locked and ones another run holds are skipped, so two runs at
    the same moment never terminate one entitlement twice."""
    query = select(Entitlement).where(
        Entitlement.state == "gradual_exit", Entitlement.gradual_exit_until <= on
    )
    if actor is not None:
        query = query.join(Area, Entitlement.area_id == Area.id).where(Area.path.startswith(actor.area_path))
    rows = db.session.scalars(query.with_for_update(skip_locked=True, of=Entitlement)).all()
    for row in rows:
        _move(row, "terminate", actor, "渐退期满，停止保障")
    db.session.flush()
    return len(rows)
