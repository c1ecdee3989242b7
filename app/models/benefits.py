"""After the decision: decisions, entitlements, temporary grants, the reserve fund, the dishonesty ledger."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Date, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.applications import Application
from app.models.types import UTCDateTime, new_id, utcnow

Money = Numeric(12, 2)
_SerialId = BigInteger().with_variant(Integer, "sqlite")


class Decision(db.Model):
    """The decision on an application, with the assessment (means test and trace) it rests on."""

    __tablename__ = "decisions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), unique=True)
    outcome: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(Text)
    amount: Mapped[Decimal | None] = mapped_column(Money)
    assessment: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    decided_on: Mapped[date] = mapped_column(Date)
    notify_by: Mapped[date] = mapped_column(Date)
    decided_by_staff_id: Mapped[str] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[Application] = relationship(lazy="joined")


class Entitlement(db.Model):
    """A household's monthly 低保/特困 benefit from its start month, reviewed on a cycle."""

    __tablename__ = "entitlements"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), unique=True)
    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    program: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(15), index=True)
    monthly_amount: Mapped[Decimal] = mapped_column(Money)
    covered_members: Mapped[int] = mapped_column(Integer)
    start_month: Mapped[date] = mapped_column(Date)
    stable: Mapped[bool] = mapped_column(Boolean)
    review_cycle_months: Mapped[int] = mapped_column(Integer)
    next_review_on: Mapped[date] = mapped_column(Date, index=True)
    gradual_exit_until: Mapped[date | None] = mapped_column(Date)
    terminated_on: Mapped[date | None] = mapped_column(Date)
    certificate_code: Mapped[str] = mapped_column(String(20), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    application: Mapped[Application] = relationship(lazy="joined")


class EntitlementEvent(db.Model):
    """One change of an entitlement: review, suspension, exit, amount change."""

    __tablename__ = "entitlement_events"

    id: Mapped[int] = mapped_column(_SerialId, primary_key=True)
    entitlement_id: Mapped[str] = mapped_column(ForeignKey("entitlements.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    from_state: Mapped[str | None] = mapped_column(String(15))
    to_state: Mapped[str] = mapped_column(String(15))
    amount: Mapped[Decimal | None] = mapped_column(Money)
    reason: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    staff_id: Mapped[str | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TemporaryGrant(db.Model):
    """A temporary-assistance payment: who approved it, whether it was paid first, paperwork due."""

    __tablename__ = "temporary_grants"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), unique=True)
    township_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    program: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Money)
    level: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(15))
    paid_first: Mapped[bool] = mapped_column(Boolean, default=False)
    paid_on: Mapped[date | None] = mapped_column(Date)
    paperwork_due: Mapped[date | None] = mapped_column(Date)
    paperwork_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    paperwork_completed_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReserveFund(db.Model):
    """A township's reserve fund (备用金) balance; rows are locked while a payment is made."""

    __tablename__ = "reserve_funds"

    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), primary_key=True)
    balance: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ReserveFundEntry(db.Model):
    """One movement of a reserve fund: allocation or top-up by the county, disbursement, refund."""

    __tablename__ = "reserve_fund_entries"

    id: Mapped[int] = mapped_column(_SerialId, primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    kind: Mapped[str] = mapped_column(String(15))
    amount: Mapped[Decimal] = mapped_column(Money)
    balance_after: Mapped[Decimal] = mapped_column(Money)
    grant_id: Mapped[str | None] = mapped_column(ForeignKey("temporary_grants.id"))
    note: Mapped[str | None] = mapped_column(Text)
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DishonestyRecord(db.Model):
    """A confirmed fraud (失信台账): what happened and the money to recover."""

    __tablename__ = "dishonesty_records"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    application_id: Mapped[str | None] = mapped_column(ForeignKey("applications.id"))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text)
    amount_to_recover: Mapped[Decimal] = mapped_column(Money)
    confirmed_on: Mapped[date] = mapped_column(Date)
    recorded_by_staff_id: Mapped[str] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Repayment(db.Model):
    """Money paid back against a dishonesty record."""

    __tablename__ = "repayments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    record_id: Mapped[str] = mapped_column(ForeignKey("dishonesty_records.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    paid_on: Mapped[date] = mapped_column(Date)
    recorded_by_staff_id: Mapped[str] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Notification(db.Model):
    """A WeChat template message to a resident about a visible step; sent by a job, at most once."""

    __tablename__ = "notifications"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    event_key: Mapped[str] = mapped_column(String(100), unique=True)
    application_id: Mapped[str | None] = mapped_column(ForeignKey("applications.id"), index=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("resident_accounts.id"))
    template_id: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    url: Mapped[str | None] = mapped_column(String(500))
    client_msg_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(200))
    msgid: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
