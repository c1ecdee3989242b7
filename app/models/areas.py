"""Administrative areas (county → township → village) and the per-area policy table."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, utcnow


class Area(db.Model):
    """One administrative area; `path` is the chain of codes from the root, for subtree queries."""

    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(10))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    path: Mapped[str] = mapped_column(String(255), index=True)

    parent: Mapped[Area | None] = relationship(remote_side=[id])

    def is_within(self, other: Area) -> bool:
        """True when this area is `other` or lies below it."""
        return self.path.startswith(other.path)


class Policy(db.Model):
    """Local policy values for an area from a date on; the nearest ancestor's newest row applies."""

    __tablename__ = "policies"
    __table_args__ = (UniqueConstraint("area_id", "effective_from", name="uq_policies_area_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    effective_from: Mapped[date] = mapped_column(Date)
    values: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


Index("ix_policies_area_effective", Policy.area_id, Policy.effective_from)
