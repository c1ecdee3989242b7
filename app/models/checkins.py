"""Quarterly check-ins (每季度打卡): windows per covered person, check-ins with their face result,
reference faces, home-visit tasks for missed windows, referrals to the township, recorded deaths.

Location and face data are personal data: coordinates and embeddings are stored here for the
anomaly checks and never appear in resident or public outputs (staff see distances, not places).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime, new_id, utcnow


class CheckinWindow(db.Model):
    """One covered person's check-in window of one quarter: open → checked_in / review / missed."""

    __tablename__ = "checkin_windows"
    __table_args__ = (
        UniqueConstraint("entitlement_id", "person_id", "quarter", name="uq_checkin_windows_person_quarter"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    entitlement_id: Mapped[str] = mapped_column(ForeignKey("entitlements.id"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id"), index=True)
    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    quarter: Mapped[str] = mapped_column(String(7), index=True)
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    grace_until: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(15), default="open", index=True)
    valid_checkin_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Checkin(db.Model):
    """One check-in attempt: who submitted it and how, where and when, and what the face check said."""

    __tablename__ = "checkins"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    window_id: Mapped[str] = mapped_column(ForeignKey("checkin_windows.id"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id"), index=True)
    mode: Mapped[str] = mapped_column(String(10))
    submitted_by_account_id: Mapped[str | None] = mapped_column(ForeignKey("resident_accounts.id"))
    submitted_by_staff_id: Mapped[str | None] = mapped_column(ForeignKey("staff_users.id"))
    guardian_name: Mapped[str | None] = mapped_column(String(50))
    guardian_relation: Mapped[str | None] = mapped_column(String(20))
    # For an assisted check-in: the synced record it came from (unique: a re-sync changes nothing).
    sync_record_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    visit_outcome: Mapped[str | None] = mapped_column(String(10))
    selfie_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    coordinate_system: Mapped[str | None] = mapped_column(String(6))
    device_key: Mapped[str | None] = mapped_column(String(100), index=True)
    user_agent: Mapped[str | None] = mapped_column(String(300))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(15), default="processing", index=True)
    face_decision: Mapped[str | None] = mapped_column(String(10))
    face_similarity: Mapped[float | None] = mapped_column(Float)
    face_distance: Mapped[float | None] = mapped_column(Float)
    face_threshold: Mapped[float | None] = mapped_column(Float)
    face_model_id: Mapped[str | None] = mapped_column(String(100))
    face_reasons: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    face_hash: Mapped[str | None] = mapped_column(String(16))
    face_hash_mirrored: Mapped[str | None] = mapped_column(String(16))
    embedding: Mapped[str | None] = mapped_column(Text)
    reference_id: Mapped[str | None] = mapped_column(String(36))
    anomalies: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    valid: Mapped[bool] = mapped_column(Boolean, default=False)
    review_status: Mapped[str] = mapped_column(String(10), default="none", index=True)
    reviewed_by_staff_id: Mapped[str | None] = mapped_column(ForeignKey("staff_users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_note: Mapped[str | None] = mapped_column(Text)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FaceReference(db.Model):
    """A person's reference face: from an enrolment selfie at a home visit or the ID-card portrait."""

    __tablename__ = "face_references"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id"), index=True)
    source: Mapped[str] = mapped_column(String(20))
    sha256: Mapped[str] = mapped_column(String(64))
    model_id: Mapped[str] = mapped_column(String(100))
    embedding: Mapped[str] = mapped_column(Text)
    face_hash: Mapped[str] = mapped_column(String(16))
    face_hash_mirrored: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    enrolled_by_staff_id: Mapped[str | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CheckinVisitTask(db.Model):
    """A home visit owed because a window passed without a valid check-in; synced to the village's devices."""

    __tablename__ = "checkin_visit_tasks"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    window_id: Mapped[str] = mapped_column(ForeignKey("checkin_windows.id"), unique=True)
    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    checkin_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CheckinReferral(db.Model):
    """A case sent to the township for a suspension decision (repeated misses, or absence confirmed)."""

    __tablename__ = "checkin_referrals"
    __table_args__ = (
        UniqueConstraint("entitlement_id", "person_id", "event_key", name="uq_checkin_referrals_event"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    entitlement_id: Mapped[str] = mapped_column(ForeignKey("entitlements.id"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id"))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    event_key: Mapped[str] = mapped_column(String(60))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    decided_by_staff_id: Mapped[str | None] = mapped_column(ForeignKey("staff_users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DeathRecord(db.Model):
    """A recorded death (from the civil registry or a visit); check-ins after it are an anomaly."""

    __tablename__ = "death_records"

    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id"), primary_key=True)
    died_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(String(100))
    recorded_by_staff_id: Mapped[str | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


Index("ix_checkins_review", Checkin.review_status, Checkin.received_at)
