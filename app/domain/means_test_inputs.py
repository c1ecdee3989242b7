"""What the means test reads: household members, income items, asset items, rigid expenditures.

All money is `Decimal` in 元 (an `int` is accepted and converted; a `float` is refused because it
cannot hold fen exactly). Enum fields also accept their string keys (as a schema delivers them). Structurally impossible input raises `ValueError`; anything a household
may legitimately declare (an old receipt, an excluded income category) is accepted and explained
in the trace instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from app.domain import vocab
from app.domain.policy import HouseholdType


class WorkCapacity(StrEnum):
    """A member's capacity to work."""

    FULL = "full"
    PARTIAL = "partial"
    NONE = "none"


class EmploymentCategory(StrEnum):
    """Why an employed member may get the employment-cost deduction (OTHER: no deduction)."""

    NEW_GRADUATE = "new_graduate"
    RELEASED_PRISONER = "released_prisoner"
    DISCHARGED_SOLDIER = "discharged_soldier"
    OTHER = "other"


class IncomePeriod(StrEnum):
    """How an income amount was declared; everything is normalised to a monthly amount."""

    MONTHLY = "monthly"
    YEARLY = "yearly"
    ONE_OFF = "once"


class ExpenseKind(StrEnum):
    """The rigid expenditures that may be deducted from household income."""

    MEDICAL = "medical"
    REHABILITATION = "rehabilitation"
    EDUCATION = "education"
    PENSION_CONTRIBUTION = "pension_contribution"
    OTHER = "other"


class ExpensePeriod(StrEnum):
    """A recurring monthly or yearly cost, or a single dated payment (a receipt)."""

    MONTHLY = "monthly"
    YEARLY = "yearly"
    PAYMENT = "payment"


class EducationLevel(StrEnum):
    """School level of a pupil or student; compulsory schooling is not deductible."""

    COMPULSORY = "compulsory"
    SENIOR_HIGH = "senior_high"
    SECONDARY_VOCATIONAL = "secondary_vocational"
    HIGHER_VOCATIONAL = "higher_vocational"
    UNDERGRADUATE = "undergraduate"
    POSTGRADUATE = "postgraduate"


class AssetKind(StrEnum):
    """Declared asset kinds: deposits (incl. wealth products) by value, housing and vehicles by count."""

    DEPOSIT = "deposit"
    HOUSING = "housing"
    VEHICLE = "vehicle"
    BUSINESS = "business"
    OTHER = "other"


def as_money(value: Decimal | int, what: str) -> Decimal:
    """Check and convert an amount of money: a non-negative Decimal (or int), never a float."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{what} must be a Decimal or int, not {type(value).__name__}")
    amount = Decimal(value)
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"{what} must be a non-negative amount, got {value}")
    return amount


@dataclass(frozen=True)
class Member:
    """One household member as declared; `covered` False keeps them out of the benefit count."""

    id: str
    name: str
    relation: str = "self"
    co_resident: bool = True
    covered: bool = True
    birth_date: date | None = None
    disability_grade: int | None = None
    serious_illness: bool = False
    work_capacity: WorkCapacity = WorkCapacity.FULL
    employed: bool = False
    employment_category: EmploymentCategory | None = None
    # The 低保 standard where the member works, when it differs from the household's own.
    work_place_monthly_standard: Decimal | None = None

    def __post_init__(self) -> None:
        if self.disability_grade is not None and not 1 <= self.disability_grade <= 4:
            raise ValueError("disability_grade must be 1–4 (1 is the most severe)")
        object.__setattr__(self, "work_capacity", WorkCapacity(self.work_capacity))
        if self.employment_category is not None:
            object.__setattr__(self, "employment_category", EmploymentCategory(self.employment_category))
        if self.work_place_monthly_standard is not None:
            standard = as_money(self.work_place_monthly_standard, "work_place_monthly_standard")
            object.__setattr__(self, "work_place_monthly_standard", standard)


@dataclass(frozen=True)
class IncomeItem:
    """One income of one member: a monthly, yearly, or one-off amount spread over `spread_months`."""

    member_id: str
    category: str
    amount: Decimal
    period: IncomePeriod = IncomePeriod.MONTHLY
    spread_months: int = 1
    label: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", as_money(self.amount, "income amount"))
        object.__setattr__(self, "period", IncomePeriod(self.period))
        if self.spread_months < 1:
            raise ValueError("spread_months must be at least 1")

    def monthly_amount(self) -> Decimal:
        """The amount per month, unrounded."""
        if self.period is IncomePeriod.YEARLY:
            return self.amount / 12
        if self.period is IncomePeriod.ONE_OFF:
            return self.amount / self.spread_months
        return self.amount

    @property
    def display_label(self) -> str:
        """The Chinese label shown in the trace."""
        return self.label or vocab.INCOME_CATEGORIES.get(self.category, self.category)


@dataclass(frozen=True)
class AssetItem:
    """One asset: a value for deposits and securities, a count for houses and vehicles."""

    kind: AssetKind
    member_id: str | None = None
    value: Decimal = Decimal("0")
    count: int = 1
    label: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", AssetKind(self.kind))
        object.__setattr__(self, "value", as_money(self.value, "asset value"))
        if self.count < 0:
            raise ValueError("asset count must not be negative")


@dataclass(frozen=True)
class ExpenseItem:
    """One rigid expenditure of one member, with the part paid by insurance, aid, subsidy or employer.

    `paid_by_others` is the insurance and medical-aid reimbursement for medical costs, the
    subsidy and employer share for pension contributions, and waivers for tuition.
    """

    member_id: str
    kind: ExpenseKind
    amount: Decimal
    period: ExpensePeriod = ExpensePeriod.PAYMENT
    paid_on: date | None = None
    paid_by_others: Decimal = Decimal("0")
    travel_lodging: bool = False
    study_abroad: bool = False
    education_level: EducationLevel | None = None
    label: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", as_money(self.amount, "expense amount"))
        object.__setattr__(self, "paid_by_others", as_money(self.paid_by_others, "paid_by_others"))
        object.__setattr__(self, "kind", ExpenseKind(self.kind))
        object.__setattr__(self, "period", ExpensePeriod(self.period))
        if self.education_level is not None:
            object.__setattr__(self, "education_level", EducationLevel(self.education_level))
        if self.period is ExpensePeriod.PAYMENT and self.paid_on is None:
            raise ValueError("a single payment needs paid_on")
        if self.kind is ExpenseKind.EDUCATION and self.education_level is None:
            raise ValueError("an education expense needs education_level")


@dataclass(frozen=True)
class Household:
    """The household under test; sequences are stored as tuples so the value stays immutable."""

    household_type: HouseholdType
    members: tuple[Member, ...]
    incomes: tuple[IncomeItem, ...] = ()
    assets: tuple[AssetItem, ...] = ()
    expenses: tuple[ExpenseItem, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "household_type", HouseholdType(self.household_type))
        for name in ("members", "incomes", "assets", "expenses"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        ids = [member.id for member in self.members]
        if len(set(ids)) != len(ids):
            raise ValueError("member ids must be unique")
        known = set(ids)
        referenced = [item.member_id for item in (*self.incomes, *self.expenses)]
        referenced += [item.member_id for item in self.assets if item.member_id is not None]
        unknown = sorted(set(referenced) - known)
        if unknown:
            raise ValueError(f"items refer to unknown members: {', '.join(unknown)}")

    def member(self, member_id: str) -> Member:
        """The member with this id."""
        for member in self.members:
            if member.id == member_id:
                return member
        raise KeyError(member_id)

    @property
    def co_resident_members(self) -> tuple[Member, ...]:
        """Members who live together: they make up the per-capita divisor."""
        return tuple(member for member in self.members if member.co_resident)
