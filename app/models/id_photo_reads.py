"""What OCR read from an ID-card photo: one row per stored photo (by SHA-256), read once.

The row is the job's state (queued → running → done | failed) as well as its result. The ID number
is personal data: it is kept encrypted in its own column, never in the JSON result.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime, utcnow
from app.security.crypto import EncryptedText

READ_STATES = ("queued", "running", "done", "failed")


class IdPhotoRead(db.Model):
    """The reading of one stored ID-card photo and the state of the job that makes it."""

    __tablename__ = "id_photo_reads"

    sha256: Mapped[str] = mapped_column(ForeignKey("stored_files.sha256"), primary_key=True)
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    # How often a job was enqueued for this photo: the job id is derived from it, so a re-enqueue after
    # a worker died gets a fresh id while a duplicate request reuses the queued one.
    generation: Mapped[int] = mapped_column(Integer, default=1)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(String(40))
    engine: Mapped[str | None] = mapped_column(String(20))
    side: Mapped[str | None] = mapped_column(String(10))
    # {"fields", "confidence", "source", "warnings", "rotation"}; fields never hold the ID number.
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    id_number: Mapped[str | None] = mapped_column(EncryptedText)
    normalised_key: Mapped[str | None] = mapped_column(String(200))
    thumbnail_key: Mapped[str | None] = mapped_column(String(200))
    ocr_seconds: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def job_id(self) -> str:
        """The RQ job id of the current generation (RQ allows letters, digits, - and _)."""
        return f"id-photo-{self.sha256}-{self.generation}"
