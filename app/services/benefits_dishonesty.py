"""The dishonesty ledger (失信台账): confirmed fraud, money to recover, repayments.

A ledger entry makes the household's entitlements "unstable": reviewed on the shorter cycle.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from app.domain import entitlements as ent
from app.domain.masking import mask_name
from app.domain.means_test_trace import money_text
from app.errors import AppError, NotFound
from app.extensions import db
from app.models import Application, Area, DishonestyRecord, Entitlement, EntitlementEvent, Repayment
from app.services.actors import StaffActor
from app.services.audit import record_audit
from app.services.casework_access import application_in_scope, policy_of, today

KINDS = {
    "false_declaration": "虚报瞒报",
    "hidden_income": "隐瞒收入",
    "forged_papers": "伪造材料",
    "other": "其他",
}


def record_dishonesty(actor: StaffActor, body: dict[str, Any]) -> dict[str, Any]:
    """Record confirmed fraud on a household (through one of its applications)."""
    application = application_in_scope(actor, body["application_id"])
    record = DishonestyRecord(
        household_id=application.household_id,
        application_id=application.id,
        area_id=application.area_id,
        kind=body["kind"],
        description=body["description"],
        amount_to_recover=body.get("amount_to_recover") or Decimal("0"),
        confirmed_on=body.get("confirmed_on") or today(),
        recorded_by_staff_id=actor.staff_id,
    )
    db.session.add(record)
    db.session.flush()
    _review_more_often(application, actor)
    record_audit(actor, "dishonesty.record", "dishonesty_record", record.id)
    return record_view(record)


def _review_more_often(application: Application, actor: StaffActor) -> None:
    policy = policy_of(application)
    months = policy.review_cycle_months(False)
    soonest = ent.add_months(today(), months)
    rows = db.session.scalars(
        select(Entitlement).where(
            Entitlement.household_id == application.household_id, Entitlement.state != "terminated"
        )
    )
    for row in rows:
        row.stable = False
        row.review_cycle_months = months
        row.next_review_on = min(row.next_review_on, soonest)
        db.session.add(
            EntitlementEvent(
                entitlement_id=row.id,
                action="reclassify",
                from_state=row.state,
                to_state=row.state,
                reason="列入失信台账，改为不稳定家庭复核周期",
                staff_id=actor.staff_id,
            )
        )


def add_repayment(actor: StaffActor, record_id: str, amount: Decimal, paid_on: date | None) -> dict[str, Any]:
    """Record money paid back; more than what is outstanding is refused."""
    record = _record_in_scope(actor, record_id)
    outstanding = record.amount_to_recover - _repaid(record)
    if amount > outstanding:
        raise AppError(
            f"还款超过待追回金额（{money_text(outstanding)} 元）", code="repayment_too_large", status=422
        )
    db.session.add(
        Repayment(
            record_id=record.id,
            amount=amount,
            paid_on=paid_on or today(),
            recorded_by_staff_id=actor.staff_id,
        )
    )
    db.session.flush()
    return record_view(record)


def ledger(actor: StaffActor) -> list[dict[str, Any]]:
    """The ledger entries in the caller's area, newest first."""
    rows = db.session.scalars(
        select(DishonestyRecord)
        .join(Area, DishonestyRecord.area_id == Area.id)
        .where(Area.path.startswith(actor.area_path))
        .order_by(DishonestyRecord.confirmed_on.desc(), DishonestyRecord.id)
    )
    return [record_view(r) for r in rows]


def _record_in_scope(actor: StaffActor, record_id: str) -> DishonestyRecord:
    record = db.session.get(DishonestyRecord, record_id) if len(record_id) <= 36 else None
    area = db.session.get(Area, record.area_id) if record else None
    if record is None or area is None or not actor.covers(area.path):
        raise NotFound("没有找到这条记录", code="dishonesty_record_not_found")
    return record


def _repaid(record: DishonestyRecord) -> Decimal:
    total = db.session.scalar(select(func.sum(Repayment.amount)).where(Repayment.record_id == record.id))
    return Decimal(total or 0)


def record_view(record: DishonestyRecord) -> dict[str, Any]:
    """A ledger entry as staff read it."""
    application = db.session.get(Application, record.application_id) if record.application_id else None
    repaid = _repaid(record)
    return {
        "id": record.id,
        "reference": application.reference if application else None,
        "applicant_name": mask_name(application.applicant.name) if application else None,
        "kind": record.kind,
        "kind_label": KINDS.get(record.kind, record.kind),
        "description": record.description,
        "amount_to_recover": money_text(record.amount_to_recover),
        "repaid": money_text(repaid),
        "outstanding": money_text(record.amount_to_recover - repaid),
        "confirmed_on": record.confirmed_on.isoformat(),
    }
