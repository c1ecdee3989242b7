"""Deductible rigid expenditure (刚性支出) of a household, as monthly amounts per member.

Every expense is first brought to a 12-month basis, then divided by 12:
- a single dated payment counts when paid within the lookback window (the 12 months before the
  application or review date: after the same calendar day a year earlier, up to and including it);
- a monthly cost counts 12 times, a yearly one (a school year's tuition) once;
- the part paid by others (insurance and medical aid, subsidy and employer share, waivers) is
  taken off, so only the household's own out-of-pocket share is deducted;
- medical travel and lodging, study abroad and compulsory schooling are not deductible;
- rehabilitation is capped per member at the area's yearly cap.
Employment cost is a flat monthly share of the 低保 standard at the place of work.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.domain.means_test_inputs import (
    EmploymentCategory,
    ExpenseItem,
    ExpenseKind,
    ExpensePeriod,
    Household,
    Member,
)
from app.domain.means_test_trace import TraceKind, TraceLine, Unit, money_text, to_fen
from app.domain.policy import AreaPolicy

EXPENSE_LABELS = {
    ExpenseKind.MEDICAL: "医疗自付费用",
    ExpenseKind.REHABILITATION: "残疾康复费用",
    ExpenseKind.EDUCATION: "非义务教育学费",
    ExpenseKind.PENSION_CONTRIBUTION: "养老保险个人缴费",
    ExpenseKind.OTHER: "其他支出",
}

PAID_BY_OTHERS_LABELS = {
    ExpenseKind.MEDICAL: "医保及医疗救助报销",
    ExpenseKind.REHABILITATION: "康复补助",
    ExpenseKind.EDUCATION: "学费减免",
    ExpenseKind.PENSION_CONTRIBUTION: "政府补贴及单位缴费",
    ExpenseKind.OTHER: "他人负担部分",
}

COUNTED_RULE_CODES = {
    ExpenseKind.MEDICAL: "medical_out_of_pocket",
    ExpenseKind.REHABILITATION: "rehabilitation_actual_cost",
    ExpenseKind.EDUCATION: "education_tuition",
    ExpenseKind.PENSION_CONTRIBUTION: "pension_own_share",
}

EMPLOYMENT_COST_CATEGORIES = frozenset(
    {
        EmploymentCategory.NEW_GRADUATE,
        EmploymentCategory.RELEASED_PRISONER,
        EmploymentCategory.DISCHARGED_SOLDIER,
    }
)

EMPLOYMENT_CATEGORY_LABELS = {
    EmploymentCategory.NEW_GRADUATE: "应届毕业生",
    EmploymentCategory.RELEASED_PRISONER: "刑满释放人员",
    EmploymentCategory.DISCHARGED_SOLDIER: "退役军人",
}


@dataclass(frozen=True)
class Deductions:
    """The trace lines of the deductions and the monthly deduction per member."""

    lines: tuple[TraceLine, ...]
    monthly_by_member: dict[str, Decimal]

    @property
    def total(self) -> Decimal:
        """The household's monthly deduction: the sum of the member amounts shown."""
        return sum(self.monthly_by_member.values(), Decimal("0.00"))


def months_before(day: date, months: int) -> date:
    """The same calendar day `months` earlier (clamped to the month's last day)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month_zero = divmod(month_index, 12)
    last_day = calendar.monthrange(year, month_zero + 1)[1]
    return date(year, month_zero + 1, min(day.day, last_day))


def assess_rigid_expenses(
    household: Household, policy: AreaPolicy, reference_date: date, standard: Decimal
) -> Deductions:
    """Deductible rigid expenditure of the co-resident members, per member per month, with its trace."""
    window_start = months_before(reference_date, policy.medical_lookback_months)
    lines: list[TraceLine] = []
    annual_by_member_kind: dict[tuple[str, ExpenseKind], Decimal] = {}
    for item in household.expenses:
        member = household.member(item.member_id)
        line, counted = _assess_item(item, member, policy, window_start, reference_date)
        lines.append(line)
        if counted is not None:
            key = (member.id, item.kind)
            annual_by_member_kind[key] = annual_by_member_kind.get(key, Decimal("0")) + counted

    monthly_by_member: dict[str, Decimal] = {}
    for (member_id, kind), annual in annual_by_member_kind.items():
        line, monthly = _monthly_line(household.member(member_id), kind, annual, policy)
        lines.append(line)
        monthly_by_member[member_id] = monthly_by_member.get(member_id, Decimal("0")) + monthly

    for member in household.co_resident_members:
        employment = _employment_cost_line(member, policy, standard)
        if employment is not None:
            line, monthly = employment
            lines.append(line)
            monthly_by_member[member.id] = monthly_by_member.get(member.id, Decimal("0")) + monthly
    return Deductions(lines=tuple(lines), monthly_by_member=monthly_by_member)


def _assess_item(
    item: ExpenseItem, member: Member, policy: AreaPolicy, window_start: date, reference_date: date
) -> tuple[TraceLine, Decimal | None]:
    """The trace line of one expense and its counted yearly amount (None when excluded)."""
    label = item.label or EXPENSE_LABELS[item.kind]
    exclusion = _exclusion(item, member, policy, window_start, reference_date)
    if exclusion is not None:
        rule_code, rule = exclusion
        excluded = TraceLine(
            kind=TraceKind.EXPENSE,
            label=label,
            rule_code=rule_code,
            rule=rule,
            amount=to_fen(item.amount),
            unit=Unit.YUAN,
            included=False,
            member_id=member.id,
            member_name=member.name,
        )
        return excluded, None

    times = 12 if item.period is ExpensePeriod.MONTHLY else 1
    counted = to_fen(max(item.amount - item.paid_by_others, Decimal("0")) * times)
    parts = [_period_text(item, policy)]
    if item.paid_by_others:
        parts.append(f"扣除{PAID_BY_OTHERS_LABELS[item.kind]} {money_text(item.paid_by_others)} 元")
    if item.kind is ExpenseKind.PENSION_CONTRIBUTION:
        parts.append("仅计个人缴费部分")
    line = TraceLine(
        kind=TraceKind.EXPENSE,
        label=label,
        rule_code=COUNTED_RULE_CODES[item.kind],
        rule="；".join(parts),
        amount=counted,
        unit=Unit.YUAN if item.period is ExpensePeriod.PAYMENT else Unit.YUAN_PER_YEAR,
        member_id=member.id,
        member_name=member.name,
    )
    return line, counted


def _exclusion(
    item: ExpenseItem, member: Member, policy: AreaPolicy, window_start: date, reference_date: date
) -> tuple[str, str] | None:
    """Why an expense is not deductible, as (rule code, Chinese rule), or None when it counts."""
    if not member.co_resident:
        return "not_co_resident", "非共同生活家庭成员的支出不予扣减"
    if item.kind is ExpenseKind.OTHER:
        return "not_deductible_kind", "不属于可扣减的刚性支出项目"
    if item.kind is ExpenseKind.MEDICAL and item.travel_lodging:
        return "medical_travel_lodging", "就医交通费、住宿费不予扣减"
    if item.kind is ExpenseKind.EDUCATION:
        if item.study_abroad:
            return "study_abroad", "出国（境）留学费用不予扣减"
        level = item.education_level
        if level is None or level.value not in policy.deductible_education_levels:
            return "education_level_not_deductible", "义务教育阶段费用不予扣减"
    paid_on = item.paid_on
    if item.period is ExpensePeriod.PAYMENT and paid_on and not window_start < paid_on <= reference_date:
        return (
            "outside_lookback_window",
            f"{paid_on.isoformat()} 支付，不在 {window_start.isoformat()} 之后至 "
            f"{reference_date.isoformat()} 的{policy.medical_lookback_months}个月内",
        )
    return None


def _period_text(item: ExpenseItem, policy: AreaPolicy) -> str:
    """How the expense was brought to a yearly amount, in Chinese."""
    if item.period is ExpensePeriod.MONTHLY:
        return f"每月 {money_text(item.amount)} 元 × 12"
    if item.period is ExpensePeriod.YEARLY:
        return f"每年（学年） {money_text(item.amount)} 元"
    paid_on = item.paid_on.isoformat() if item.paid_on else ""
    return f"{paid_on} 支付，在申请（复核）日前{policy.medical_lookback_months}个月内"


def _monthly_line(
    member: Member, kind: ExpenseKind, annual: Decimal, policy: AreaPolicy
) -> tuple[TraceLine, Decimal]:
    """The monthly deduction of one kind for one member, with the rehabilitation cap applied."""
    rule_code = f"{kind.value}_monthly"
    rule = f"12个月合计 {money_text(annual)} 元 ÷ 12"
    counted = annual
    if kind is ExpenseKind.REHABILITATION and annual > policy.rehabilitation_cap_per_year:
        counted = policy.rehabilitation_cap_per_year
        rule_code = "rehabilitation_capped"
        rule = (
            f"年度实际 {money_text(annual)} 元，超过年度上限 "
            f"{money_text(counted)} 元，按 {money_text(counted)} 元 ÷ 12"
        )
    monthly = to_fen(counted / 12)
    line = TraceLine(
        kind=TraceKind.DEDUCTION,
        label=f"{EXPENSE_LABELS[kind]}月均扣减",
        rule_code=rule_code,
        rule=rule,
        amount=monthly,
        unit=Unit.YUAN_PER_MONTH,
        member_id=member.id,
        member_name=member.name,
    )
    return line, monthly


def _employment_cost_line(
    member: Member, policy: AreaPolicy, standard: Decimal
) -> tuple[TraceLine, Decimal] | None:
    """The employment-cost deduction of an employed new graduate, released prisoner or discharged soldier."""
    category = member.employment_category
    if not member.employed or category is None or category not in EMPLOYMENT_COST_CATEGORIES:
        return None
    work_place_standard = member.work_place_monthly_standard or standard
    where = "工作地" if member.work_place_monthly_standard is not None else ""
    rate_text = f"{(policy.employment_cost_rate * 100).normalize():f}%"
    monthly = to_fen(policy.employment_cost(work_place_standard))
    line = TraceLine(
        kind=TraceKind.DEDUCTION,
        label=f"就业成本（{EMPLOYMENT_CATEGORY_LABELS[category]}）",
        rule_code="employment_cost",
        rule=f"{where}低保标准 {money_text(work_place_standard)} 元 × {rate_text}",
        amount=monthly,
        unit=Unit.YUAN_PER_MONTH,
        member_id=member.id,
        member_name=member.name,
    )
    return line, monthly
