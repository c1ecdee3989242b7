"""Decisions: approve (with the entitlement or the temporary grant), reject with a reason, refer to the county.

A decision keeps the assessment it rests on (the means test with its trace), the date, who
decided, and the date by which the resident must be told (3 working days by default).
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Any

from app.domain import entitlements as ent
from app.domain import temporary_assistance as ta
from app.domain.casework_rules import LONG_TERM_PROGRAMS, TEMPORARY_PROGRAMS
from app.domain.means_test_trace import money_text
from app.domain.working_days import deadline
from app.errors import AppError
from app.extensions import db
from app.models import Application, CaseFile, Decision, DishonestyRecord, Entitlement, EntitlementEvent
from app.services.actors import StaffActor
from app.services.benefits_funds import settle_on_approval
from app.services.casework_access import (
    application_in_scope,
    household_type_of,
    policy_of,
    require_case_file,
    today,
)
from app.services.casework_filing import flag_if_related
from app.services.casework_flow import case_facts, check_transition, ensure_ready, take_step
from app.services.casework_notice import close_notice

_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_certificate_code() -> str:
    """A verification code that cannot be guessed: 16 characters from a 32-letter alphabet (80 bits)."""
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def _decide(
    application: Application,
    case: CaseFile,
    outcome: str,
    reason: str | None,
    amount: Decimal | None,
    actor: StaffActor,
) -> Decision:
    on = today()
    notice_days = policy_of(application, on).decision_notice_working_days
    decision = Decision(
        application_id=application.id,
        outcome=outcome,
        reason=reason,
        amount=amount,
        assessment=case.assessment if application.program in LONG_TERM_PROGRAMS else None,
        decided_on=on,
        notify_by=deadline(on, notice_days).due,
        decided_by_staff_id=actor.staff_id,
    )
    db.session.add(decision)
    close_notice(application, outcome == "approved", on)
    return decision


def approve(
    actor: StaffActor, application_id: str, opinion: str | None, amount: Decimal | None
) -> Application:
    """Approve within the township's power: an entitlement for 低保/特困, a paid grant for temporary help."""
    application = application_in_scope(actor, application_id)
    check_transition(application, "approve", actor, opinion)
    case = require_case_file(application)
    flag_if_related(application, case)  # the household may have changed since acceptance
    facts = case_facts(application, case, amount)
    ensure_ready("approve", facts)
    if application.program in TEMPORARY_PROGRAMS:
        granted = facts.amount
        settle_on_approval(application, granted, actor, "township")
        remark = f"已批准临时救助 {money_text(granted)} 元"
    else:
        granted = Decimal(case.assessment["benefit"])
        entitlement = create_entitlement(application, case, granted)
        remark = f"已批准，每月 {money_text(granted)} 元，自 {entitlement.start_month:%Y年%m月} 起发放"
    _decide(application, case, "approved", opinion, granted, actor)
    take_step(application, "approve", actor, opinion, remark)
    return application


def reject(actor: StaffActor, application_id: str, opinion: str) -> Application:
    """Reject with a written reason; the resident is told within the notice deadline."""
    application = application_in_scope(actor, application_id)
    check_transition(application, "reject", actor, opinion)
    case = require_case_file(application)
    flag_if_related(application, case)
    ensure_ready("reject", case_facts(application, case))
    _decide(application, case, "rejected", opinion, None, actor)
    take_step(application, "reject", actor, opinion, f"不予批准：{opinion}")
    return application


def refer_to_county(actor: StaffActor, application_id: str, amount: Decimal, opinion: str) -> Application:
    """Temporary assistance above the township's limit goes to the county."""
    application = application_in_scope(actor, application_id)
    check_transition(application, "refer_to_county", actor, opinion)
    case = require_case_file(application)
    ensure_ready("refer_to_county", case_facts(application, case, amount))
    case.requested_amount = amount
    take_step(application, "refer_to_county", actor, opinion, "救助金额较大，已报县级民政部门审批")
    return application


def county_decide(
    actor: StaffActor, application_id: str, approve_it: bool, opinion: str | None, amount: Decimal | None
) -> Application:
    """The county approves (and pays) or rejects temporary assistance referred to it."""
    application = application_in_scope(actor, application_id)
    action = "county_approve" if approve_it else "county_reject"
    check_transition(application, action, actor, opinion)
    case = require_case_file(application)
    granted = amount if amount is not None else case.requested_amount
    ensure_ready(action, case_facts(application, case, granted))
    if approve_it:
        level = ta.approval_level(policy_of(application), household_type_of(application), granted).level
        settle_on_approval(application, granted, actor, level)
        _decide(application, case, "approved", opinion, granted, actor)
        take_step(application, action, actor, opinion, f"县级民政部门已批准临时救助 {money_text(granted)} 元")
    else:
        _decide(application, case, "rejected", opinion, None, actor)
        take_step(application, action, actor, opinion, f"不予批准：{opinion}")
    return application


def create_entitlement(application: Application, case: CaseFile, amount: Decimal) -> Entitlement:
    """The entitlement an approval creates: amount from the assessment, start next month, review cycle by policy."""
    if amount <= 0:
        raise AppError("测算的保障金额为 0，不能批准", code="assessment_not_eligible", status=409)
    on = today()
    policy = policy_of(application, on)
    able = any(
        m.co_resident and (m.person.work_capacity or "full") == "full" for m in application.household.members
    )
    dishonest = (
        db.session.query(DishonestyRecord.id).filter_by(household_id=application.household_id).first()
        is not None
    )
    cycle = ent.review_cycle(policy, able, dishonest)
    start = ent.first_of_next_month(on)
    entitlement = Entitlement(
        application_id=application.id,
        household_id=application.household_id,
        area_id=application.area_id,
        program=application.program,
        state="active",
        monthly_amount=amount,
        covered_members=int(case.assessment.get("covered_count") or 1),
        start_month=start,
        stable=cycle.stable,
        review_cycle_months=cycle.months,
        next_review_on=ent.add_months(start, cycle.months),
        certificate_code=new_certificate_code(),
    )
    db.session.add(entitlement)
    db.session.flush()
    db.session.add(
        EntitlementEvent(
            entitlement_id=entitlement.id,
            action="create",
            from_state=None,
            to_state="active",
            amount=amount,
            reason=cycle.reason,
            detail={"review_cycle_months": cycle.months},
        )
    )
    return entitlement


def decision_view(decision: Decision | None) -> dict[str, Any] | None:
    """A decision as staff read it."""
    if decision is None:
        return None
    return {
        "outcome": decision.outcome,
        "reason": decision.reason,
        "amount": money_text(decision.amount) if decision.amount is not None else None,
        "decided_on": decision.decided_on.isoformat(),
        "notify_by": decision.notify_by.isoformat(),
        "assessment": decision.assessment,
    }
