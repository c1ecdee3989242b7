"""Relational rows for what only the field app records: home visits, and resumable uploads in progress."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime, utcnow


class FieldVisit(db.Model):
    """A home visit (入户调查) recorded on a phone: who went (two staff or more), when, where, what they found."""

    __tablename__ = "field_visits"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    household_id: Mapped[str] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[str | None] = mapped_column(String(36), index=True)
    visited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    visitor_staff_ids: Mapped[str | None] = mapped_column(Text)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    findings: Mapped[str | None] = mapped_column(Text)
    living_conditions: Mapped[str | None] = mapped_column(Text)
    recorded_by_staff_id: Mapped[str | None] = mapped_column(String(36))
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FieldUpload(db.Model):
    """A resumable upload (tus): declared length and SHA-256, bytes received so far, and a lease lock."""

    __tablename__ = "field_uploads"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff_users.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    length: Mapped[int] = mapped_column(BigInteger)
    offset: Mapped[int] = mapped_column(BigInteger, default=0)
    content_type: Mapped[str | None] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The lease: whoever holds lock_token may write until locked_until; a dead connection's lease runs out.
    lock_token: Mapped[str | None] = mapped_column(String(36))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
