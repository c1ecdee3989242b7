"""Persons: the people applications are about, with their identity data encrypted at rest."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime, new_id, utcnow
from app.security.crypto import EncryptedText, lookup_hash


class Person(db.Model):
    """A person as declared or verified. The ID number is ciphertext plus a keyed lookup hash."""

    __tablename__ = "persons"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str | None] = mapped_column(String(50))
    id_number: Mapped[str | None] = mapped_column(EncryptedText)
    id_number_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    sex: Mapped[str | None] = mapped_column(String(6))
    birth_date: Mapped[date | None] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(EncryptedText)
    disability_grade: Mapped[int | None] = mapped_column(SmallInteger)
    serious_illness: Mapped[bool] = mapped_column(Boolean, default=False)
    work_capacity: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def set_id_number(self, number: str | None, sex: str | None = None, birth_date: date | None = None) -> None:
        """Store a validated, normalised ID number with its lookup hash and derived facts."""
        self.id_number = number
        self.id_number_hash = lookup_hash(number) if number else None
        self.sex = sex
        self.birth_date = birth_date
