"""Applications for assistance and their append-only stage history."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.stages import FINAL_STAGES
from app.extensions import db
from app.models.accounts import ResidentAccount
from app.models.areas import Area
from app.models.households import Household
from app.models.people import Person
from app.models.types import UTCDateTime, new_id, utcnow
from app.security.crypto import EncryptedText


class Application(db.Model):
    """One application for one program, about one applicant and their household."""

    __tablename__ = "applications"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    reference: Mapped[str] = mapped_column(String(24), unique=True)
    program: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(10))
    stage: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"))
    applicant_id: Mapped[str] = mapped_column(ForeignKey("persons.id"))
    # Denormalised from the applicant so "one open application per person and program" is one indexed query.
    applicant_id_hash: Mapped[str | None] = mapped_column(String(64))

    created_by_account_id: Mapped[str | None] = mapped_column(ForeignKey("resident_accounts.id"), index=True)
    created_by_staff_id: Mapped[str | None] = mapped_column(ForeignKey("staff_users.id"))
    on_behalf: Mapped[bool] = mapped_column(Boolean, default=False)
    proxy_name: Mapped[str | None] = mapped_column(String(50))
    proxy_relation: Mapped[str | None] = mapped_column(String(20))
    proxy_phone: Mapped[str | None] = mapped_column(EncryptedText)

    reason: Mapped[str | None] = mapped_column(Text)
    bank_name: Mapped[str | None] = mapped_column(String(60))
    bank_account: Mapped[str | None] = mapped_column(EncryptedText)
    bank_account_holder: Mapped[str | None] = mapped_column(String(50))
    consent_to_verification: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_date: Mapped[date | None] = mapped_column(Date)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    household: Mapped[Household] = relationship(lazy="joined")
    applicant: Mapped[Person] = relationship(lazy="joined")
    area: Mapped[Area | None] = relationship(lazy="joined")
    created_by: Mapped[ResidentAccount | None] = relationship()
    history: Mapped[list[StageEvent]] = relationship(order_by="StageEvent.id", back_populates="application")

    __mapper_args__ = {"version_id_col": version}


Index("ix_applications_applicant_program", Application.applicant_id_hash, Application.program)
# One application being handled per person and program, enforced by the database too (a lost race gets
# a 409). Drafts are left out: anyone can type any ID number into a draft, and that must lock nobody out.
_OPEN = Application.stage.notin_(sorted(FINAL_STAGES | {"draft"}))
Index(
    "uq_applications_open_per_person",
    Application.applicant_id_hash,
    Application.program,
    unique=True,
    postgresql_where=_OPEN,
    sqlite_where=_OPEN,
)


class StageEvent(db.Model):
    """One step in an application's life; rows are only ever added (the database refuses edits)."""

    __tablename__ = "stage_events"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    action: Mapped[str] = mapped_column(String(30))
    from_stage: Mapped[str | None] = mapped_column(String(20))
    to_stage: Mapped[str] = mapped_column(String(20))
    actor_type: Mapped[str] = mapped_column(String(10))
    actor_id: Mapped[str | None] = mapped_column(String(36))
    actor_role: Mapped[str | None] = mapped_column(String(30))
    opinion: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[Application] = relationship(back_populates="history")
