"""Temporary assistance payments and the township reserve fund (备用金) ledger.

The balance row is locked (SELECT … FOR UPDATE on PostgreSQL) while an entry is written, so two
payments at once cannot both spend the last of the fund; a payment larger than the balance is a
409 until the county tops the fund up.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from app.domain import temporary_assistance as ta
from app.errors import AppError, Conflict
from app.extensions import db
from app.models import Application, Area, ReserveFund, ReserveFundEntry, TemporaryGrant
from app.services.actors import StaffActor
from app.services.applications import record_stage
from app.services.casework_access import (
    application_in_scope,
    area_in_scope,
    household_type_of,
    policy_of,
    require_open,
    today,
    township_of,
)
from app.services.casework_notifications import notify_step


def _fund(area: Area) -> ReserveFund:
    fund = db.session.scalar(select(ReserveFund).where(ReserveFund.area_id == area.id).with_for_update())
    if fund is None:
        fund = ReserveFund(area_id=area.id, balance=Decimal("0.00"))
        db.session.add(fund)
        db.session.flush()
    return fund


def post_entry(
    township: Area,
    kind: str,
    amount: Decimal,
    actor: StaffActor,
    note: str | None,
    grant: TemporaryGrant | None = None,
) -> ReserveFundEntry:
    """Write one ledger entry and move the balance; 409 when a payment would overdraw the fund."""
    fund = _fund(township)
    try:
        fund.balance = ta.balance_after(fund.balance, kind, amount)
    except ta.FundWouldGoNegative as exc:
        raise Conflict(exc.message, code="reserve_fund_insufficient") from exc
    entry = ReserveFundEntry(
        area_id=township.id,
        kind=kind,
        amount=amount,
        balance_after=fund.balance,
        grant_id=grant.id if grant else None,
        note=note,
        staff_id=actor.staff_id,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def county_entry(
    actor: StaffActor, township_code: str, kind: str, amount: Decimal, note: str | None
) -> dict[str, Any]:
    """The county allocates to or tops up a township's reserve fund."""
    township = area_in_scope(actor, township_code)
    if township.level != "township":
        raise AppError("备用金按乡镇（街道）管理", code="not_a_township", status=422)
    post_entry(township, kind, amount, actor, note)
    return fund_view(actor, township_code)


def fund_view(actor: StaffActor, township_code: str, limit: int = 100) -> dict[str, Any]:
    """Balance and the latest ledger entries of a township's reserve fund."""
    township = township_of(area_in_scope(actor, township_code))
    fund = db.session.scalar(select(ReserveFund).where(ReserveFund.area_id == township.id))
    entries = db.session.scalars(
        select(ReserveFundEntry)
        .where(ReserveFundEntry.area_id == township.id)
        .order_by(ReserveFundEntry.id.desc())
        .limit(limit)
    )
    return {
        "township_code": township.code,
        "township_name": township.name,
        "balance": f"{fund.balance if fund else Decimal('0'):.2f}",
        "entries": [
            {
                "id": e.id,
                "kind": e.kind,
                "kind_label": ta.LEDGER_KINDS[e.kind],
                "amount": f"{e.amount:.2f}",
                "balance_after": f"{e.balance_after:.2f}",
                "grant_id": e.grant_id,
                "note": e.note,
                "created_at": e.created_at.isoformat(),
            }
            for e in entries
        ],
    }


def grant_of(application: Application) -> TemporaryGrant | None:
    """The temporary grant of an application, if any."""
    return db.session.scalar(select(TemporaryGrant).where(TemporaryGrant.application_id == application.id))


def pay_from_reserve(
    application: Application, amount: Decimal, actor: StaffActor, level: str, paid_first: bool
) -> TemporaryGrant:
    """Create the grant and pay it from the township's reserve fund."""
    township = township_of(application.area)
    on = today()
    grant = TemporaryGrant(
        application_id=application.id,
        township_id=township.id,
        program=application.program,
        amount=amount,
        level=level,
        status="paid",
        paid_first=paid_first,
        paid_on=on,
    )
    db.session.add(grant)
    db.session.flush()
    post_entry(township, "disbursement", amount, actor, f"{application.reference} 临时救助", grant)
    return grant


def settle_on_approval(
    application: Application, amount: Decimal, actor: StaffActor, level: str
) -> TemporaryGrant:
    """At approval: confirm a paid-first grant (paperwork done) or pay now (township) / record (county)."""
    grant = grant_of(application)
    if grant is not None:
        grant.paperwork_completed_on = today()
        return grant
    if level == "county":
        grant = TemporaryGrant(
            application_id=application.id,
            township_id=township_of(application.area).id,
            program=application.program,
            amount=amount,
            level="county",
            status="paid",
            paid_on=today(),
        )
        db.session.add(grant)
        db.session.flush()
        return grant
    return pay_from_reserve(application, amount, actor, "township", paid_first=False)


def emergency_payment(
    actor: StaffActor, application_id: str, amount: Decimal, opinion: str
) -> dict[str, Any]:
    """急难型: pay first within the township limit from the reserve fund; paperwork due in N working days."""
    application = application_in_scope(actor, application_id)
    require_open(application)
    if application.stage in ("needs_materials",) or grant_of(application) is not None:
        raise Conflict("这份申请不能再先行救助", code="emergency_payment_not_allowed")
    on = today()
    policy = policy_of(application, on)
    decision = ta.pay_first(policy, application.program, household_type_of(application), amount, on)
    if not decision.allowed:
        raise Conflict(decision.reason, code="emergency_payment_not_allowed")
    grant = pay_from_reserve(application, amount, actor, "township", paid_first=True)
    grant.paperwork_due = decision.paperwork_due
    grant.paperwork_provisional = decision.provisional
    event = record_stage(
        application, "emergency_payment", application.stage, application.stage, actor, opinion
    )
    db.session.flush()
    notify_step(application, f"stage:{event.id}", on, f"已先行发放临时救助金 {amount:.2f} 元，请配合补齐材料")
    return grant_view(grant)


def grant_view(grant: TemporaryGrant) -> dict[str, Any]:
    """A grant as staff read it."""
    return {
        "id": grant.id,
        "application_id": grant.application_id,
        "amount": f"{grant.amount:.2f}",
        "level": grant.level,
        "status": grant.status,
        "paid_first": grant.paid_first,
        "paid_on": grant.paid_on.isoformat() if grant.paid_on else None,
        "paperwork_due": grant.paperwork_due.isoformat() if grant.paperwork_due else None,
        "paperwork_provisional": grant.paperwork_provisional,
        "paperwork_completed_on": grant.paperwork_completed_on.isoformat()
        if grant.paperwork_completed_on
        else None,
    }


def paperwork_overdue(area_path: str, on: date) -> list[TemporaryGrant]:
    """Paid-first grants whose paperwork is late, in an area."""
    return list(
        db.session.scalars(
            select(TemporaryGrant)
            .join(Area, TemporaryGrant.township_id == Area.id)
            .where(
                TemporaryGrant.paid_first,
                TemporaryGrant.paperwork_completed_on.is_(None),
                TemporaryGrant.paperwork_due < on,
                Area.path.startswith(area_path),
            )
        )
    )
