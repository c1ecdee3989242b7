"""The 特困 (extreme-poverty support) criteria as a pure check with reasons.

A person qualifies when all three hold:
- no capacity to work — waived for a minor (under the area's minor age, 18) and, beyond that age,
  for someone still in school;
- no means of living — own monthly income below the 低保 standard and assets within the area's
  limits (tested as a one-person household);
- no legal supporter (法定赡养、抚养、扶养义务人) able to support them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from app.domain.asset_limits import check_asset_limits
from app.domain.means_test_inputs import AssetItem, WorkCapacity, as_money
from app.domain.means_test_trace import Reason, money_text, to_fen
from app.domain.policy import AreaPolicy, HouseholdType


class ExtremePovertyRoute(StrEnum):
    """Why the work-capacity criterion is met (or checked)."""

    ADULT = "adult"
    MINOR = "minor"
    STUDENT = "student"


@dataclass(frozen=True)
class LegalSupporter:
    """A person with a legal duty to support the applicant, and whether they are able to."""

    name: str
    relation: str
    able_to_support: bool
    reason_unable: str = ""


@dataclass(frozen=True)
class ExtremePovertyApplicant:
    """What the 特困 check reads about the applicant."""

    name: str
    birth_date: date
    household_type: HouseholdType
    work_capacity: WorkCapacity
    monthly_income: Decimal = Decimal("0")
    in_school: bool = False
    assets: tuple[AssetItem, ...] = ()
    legal_supporters: tuple[LegalSupporter, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "monthly_income", as_money(self.monthly_income, "monthly_income"))
        object.__setattr__(self, "household_type", HouseholdType(self.household_type))
        object.__setattr__(self, "work_capacity", WorkCapacity(self.work_capacity))
        object.__setattr__(self, "assets", tuple(self.assets))
        object.__setattr__(self, "legal_supporters", tuple(self.legal_supporters))


@dataclass(frozen=True)
class ExtremePovertyCheck:
    """The outcome of the 特困 check."""

    eligible: bool
    route: ExtremePovertyRoute
    age: int
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form."""
        return {
            "eligible": self.eligible,
            "route": self.route.value,
            "age": self.age,
            "reasons": [reason.to_dict() for reason in self.reasons],
        }


def age_on(birth_date: date, day: date) -> int:
    """Age in full years on `day`."""
    had_birthday = (day.month, day.day) >= (birth_date.month, birth_date.day)
    return day.year - birth_date.year - (0 if had_birthday else 1)


def check_extreme_poverty(
    applicant: ExtremePovertyApplicant, policy: AreaPolicy, reference_date: date
) -> ExtremePovertyCheck:
    """Check the three 特困 criteria for one person on `reference_date`."""
    age = age_on(applicant.birth_date, reference_date)
    route, capacity_reason = _work_capacity_reason(applicant, age, policy)
    reasons = [capacity_reason, _income_reason(applicant, policy)]
    assets = check_asset_limits(applicant.assets, policy, person_count=1)
    reasons += assets.reasons
    reasons.append(_supporter_reason(applicant.legal_supporters))
    return ExtremePovertyCheck(
        eligible=all(reason.met for reason in reasons),
        route=route,
        age=age,
        reasons=tuple(reasons),
    )


def _work_capacity_reason(
    applicant: ExtremePovertyApplicant, age: int, policy: AreaPolicy
) -> tuple[ExtremePovertyRoute, Reason]:
    """The work-capacity criterion, waived for minors and students past the minor age."""
    minor_age = policy.extreme_poverty_minor_age
    if age < minor_age:
        message = f"未满 {minor_age} 周岁（{age} 岁）的未成年人"
        return ExtremePovertyRoute.MINOR, Reason("no_work_capacity", message, True)
    if applicant.in_school:
        message = f"年满 {minor_age} 周岁（{age} 岁）仍在校就读，继续按未成年人保障"
        return ExtremePovertyRoute.STUDENT, Reason("no_work_capacity", message, True)
    if applicant.work_capacity is WorkCapacity.NONE:
        return ExtremePovertyRoute.ADULT, Reason("no_work_capacity", "无劳动能力", True)
    capacity = "部分劳动能力" if applicant.work_capacity is WorkCapacity.PARTIAL else "有劳动能力"
    return ExtremePovertyRoute.ADULT, Reason("no_work_capacity", f"{capacity}，不符合无劳动能力条件", False)


def _income_reason(applicant: ExtremePovertyApplicant, policy: AreaPolicy) -> Reason:
    """The income half of 'no means of living': own income below the 低保 standard."""
    standard = to_fen(policy.monthly_standard(applicant.household_type))
    income = to_fen(applicant.monthly_income)
    below = income < standard
    verdict = "低于" if below else "不低于"
    return Reason(
        "no_means_of_living",
        f"本人月收入 {money_text(income)} 元，{verdict}低保标准 {money_text(standard)} 元",
        below,
    )


def _supporter_reason(supporters: tuple[LegalSupporter, ...]) -> Reason:
    """No legal supporter able to support: names the able ones when there are."""
    able = [supporter for supporter in supporters if supporter.able_to_support]
    if able:
        names = "、".join(f"{supporter.name}（{supporter.relation}）" for supporter in able)
        return Reason("no_able_legal_supporter", f"有具备赡养、抚养、扶养能力的义务人：{names}", False)
    if not supporters:
        return Reason("no_able_legal_supporter", "无法定赡养、抚养、扶养义务人", True)
    return Reason("no_able_legal_supporter", "法定义务人均无赡养、抚养、扶养能力", True)
