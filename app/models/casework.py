"""Township casework on an application: the case file, investigation, hearing, notice, filing review."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.applications import Application
from app.models.types import UTCDateTime, new_id, utcnow
from app.security.crypto import EncryptedText

Money = Numeric(12, 2)


class CaseFile(db.Model):
    """The township's file on one accepted application: deadline, hearing, filing, assessment."""

    __tablename__ = "case_files"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), unique=True)
    accepted_on: Mapped[date] = mapped_column(Date)
    deadline_days: Mapped[int] = mapped_column(Integer)
    extension_days: Mapped[int] = mapped_column(Integer, default=0)
    due_date: Mapped[date] = mapped_column(Date, index=True)
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    hearing_status: Mapped[str] = mapped_column(String(15), default="not_required")
    hearing_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    filing_status: Mapped[str] = mapped_column(String(15), default="not_required")
    filing_matches: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    filed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    filed_by_staff_id: Mapped[str | None] = mapped_column(ForeignKey("staff_users.id"))
    filing_opinion: Mapped[str | None] = mapped_column(Text)
    assessment: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    assessment_params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    assessed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    requested_amount: Mapped[Decimal | None] = mapped_column(Money)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    application: Mapped[Application] = relationship(lazy="joined")


class CaseAssignment(db.Model):
    """A staff member assigned to investigate a case (at least two per case)."""

    __tablename__ = "case_assignments"
    __table_args__ = (UniqueConstraint("application_id", "staff_id", name="uq_case_assignments_staff"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff_users.id"))
    assigned_by_staff_id: Mapped[str] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class HomeVisit(db.Model):
    """A home-visit record (入户调查), from the field app or entered at the office."""

    __tablename__ = "home_visits"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    visited_on: Mapped[date] = mapped_column(Date)
    visitor_staff_ids: Mapped[list[str]] = mapped_column(JSON)
    living_conditions: Mapped[str | None] = mapped_column(Text)
    findings: Mapped[str] = mapped_column(Text)
    recommendation: Mapped[str | None] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(10))
    recorded_by_staff_id: Mapped[str] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class VerificationReport(db.Model):
    """The county's household economic verification (家庭经济状况核对): result and warnings."""

    __tablename__ = "verification_reports"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    result: Mapped[str] = mapped_column(String(10))
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)
    summary: Mapped[str | None] = mapped_column(Text)
    reported_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(10))
    recorded_by_staff_id: Mapped[str] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Hearing(db.Model):
    """A democratic hearing (民主评议): participants and result."""

    __tablename__ = "hearings"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    participants: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    votes_for: Mapped[int] = mapped_column(Integer, default=0)
    votes_against: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[str] = mapped_column(String(10))
    summary: Mapped[str | None] = mapped_column(Text)
    recorded_by_staff_id: Mapped[str] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DeadlineExtension(db.Model):
    """An extension of the decision deadline, with its reason."""

    __tablename__ = "deadline_extensions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    working_days: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    old_due_date: Mapped[date] = mapped_column(Date)
    new_due_date: Mapped[date] = mapped_column(Date)
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PublicNotice(db.Model):
    """The one-round public notice (一榜公示) of a case, and later its place on the long-term list."""

    __tablename__ = "public_notices"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), unique=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    program: Mapped[str] = mapped_column(String(20))
    masked_name: Mapped[str] = mapped_column(String(50))
    household_size: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="posted", index=True)
    posted_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Objection(db.Model):
    """An objection to a public notice, filed by anyone with a way to contact them."""

    __tablename__ = "objections"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    notice_id: Mapped[str] = mapped_column(ForeignKey("public_notices.id"), index=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    content: Mapped[str] = mapped_column(Text)
    contact_name: Mapped[str] = mapped_column(String(50))
    contact_phone: Mapped[str] = mapped_column(EncryptedText)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Keyed hashes (never the values) so one person or one address cannot flood a notice with objections.
    phone_hash: Mapped[str | None] = mapped_column(String(64))
    source_hash: Mapped[str | None] = mapped_column(String(64))


Index("ix_objections_source_hash_created_at", Objection.source_hash, Objection.created_at)
Index("ix_objections_phone_hash_notice_id", Objection.phone_hash, Objection.notice_id)


class RelativeRegisterEntry(db.Model):
    """A cadre or public employee, or a close relative of one, on the township's register (备案)."""

    __tablename__ = "relative_register"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    id_number: Mapped[str] = mapped_column(EncryptedText)
    id_number_hash: Mapped[str] = mapped_column(String(64), index=True)
    cadre_name: Mapped[str] = mapped_column(String(50))
    position: Mapped[str] = mapped_column(String(100))
    relation_to_cadre: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_staff_id: Mapped[str] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
