"""Files attached to applications and households, stored once by content hash."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime, new_id, utcnow


class StoredFile(db.Model):
    """The bytes of one file, identified by SHA-256; many attachments may point at one file."""

    __tablename__ = "stored_files"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(50))
    storage_key: Mapped[str] = mapped_column(String(200))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Attachment(db.Model):
    """A file attached to an application as a given kind of evidence."""

    __tablename__ = "attachments"
    __table_args__ = (UniqueConstraint("application_id", "kind", "sha256", name="uq_attachments_app_kind_sha"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    application_id: Mapped[str | None] = mapped_column(ForeignKey("applications.id"), index=True)
    household_id: Mapped[str | None] = mapped_column(ForeignKey("households.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    sha256: Mapped[str] = mapped_column(ForeignKey("stored_files.sha256"), index=True)
    size: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(10))
    uploaded_by_account_id: Mapped[str | None] = mapped_column(ForeignKey("resident_accounts.id"))
    uploaded_by_staff_id: Mapped[str | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
