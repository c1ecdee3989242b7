"""Households, their members, and the income, asset and rigid-expense items declared for them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.people import Person
from app.models.types import UTCDateTime, new_id, utcnow

Money = Numeric(12, 2)


class Household(db.Model):
    """A household (家庭) in a village, with its registered and current addresses."""

    __tablename__ = "households"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    household_type: Mapped[str | None] = mapped_column(String(10))
    registered_address: Mapped[str | None] = mapped_column(String(200))
    current_address: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    members: Mapped[list[Member]] = relationship(
        back_populates="household", order_by="Member.position", cascade="all, delete-orphan"
    )
    incomes: Mapped[list[IncomeItem]] = relationship(order_by="IncomeItem.position", cascade="all, delete-orphan")
    assets: Mapped[list[AssetItem]] = relationship(order_by="AssetItem.position", cascade="all, delete-orphan")
    expenses: Mapped[list[ExpenseItem]] = relationship(
        order_by="ExpenseItem.position", cascade="all, delete-orphan"
    )


class Member(db.Model):
    """A person's membership of a household: relation to the applicant, living there or not."""

    __tablename__ = "household_members"
    __table_args__ = (UniqueConstraint("household_id", "person_id", name="uq_household_members_person"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    household_id: Mapped[str] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id"), index=True)
    relation: Mapped[str | None] = mapped_column(String(20))
    co_resident: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    household: Mapped[Household] = relationship(back_populates="members")
    person: Mapped[Person] = relationship(lazy="joined")


class _Item:
    """Columns every declared item has: its household, optional member, amount and evidence."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    amount: Mapped[Decimal | None] = mapped_column(Money)
    note: Mapped[str | None] = mapped_column(Text)
    evidence_attachment_id: Mapped[str | None] = mapped_column(String(36))
    position: Mapped[int] = mapped_column(Integer, default=0)


class IncomeItem(_Item, db.Model):
    """Income of a member (or the household) by category and period."""

    __tablename__ = "income_items"

    household_id: Mapped[str] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[str | None] = mapped_column(ForeignKey("household_members.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(30))
    period: Mapped[str] = mapped_column(String(10), default="monthly")


class AssetItem(_Item, db.Model):
    """A declared asset: housing, vehicle, deposits and the like."""

    __tablename__ = "asset_items"

    household_id: Mapped[str] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[str | None] = mapped_column(ForeignKey("household_members.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    description: Mapped[str | None] = mapped_column(String(200))


class ExpenseItem(_Item, db.Model):
    """A rigid expenditure (medical, rehabilitation, education, pension contribution)."""

    __tablename__ = "expense_items"

    household_id: Mapped[str] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[str | None] = mapped_column(ForeignKey("household_members.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    period: Mapped[str] = mapped_column(String(10), default="yearly")
    incurred_on: Mapped[date | None] = mapped_column(Date)
    reimbursed: Mapped[Decimal | None] = mapped_column(Money)
