"""The 低保 means test: pure, and explained line by line.

per-capita monthly income = (household income − deductible rigid expenditure) / co-resident members.
The household is eligible when that is below the area's standard and its assets pass the limits;
the monthly benefit is (standard − per-capita income) × covered members.

Conventions:
- Incomes are normalised to a monthly amount (yearly ÷ 12, one-off ÷ the months it is spread over)
  and each line is rounded half-up to the fen; totals are sums of the lines shown.
- Income and expenses of members who do not live with the household are shown but not counted;
  they are not in the divisor either. Categories the area excludes (awards, ...) are shown, not counted.
- Net income never goes below zero, so the benefit never exceeds standard × covered members.
- The benefit is never negative and is rounded half-up once, on the household total, to the
  area's `benefit_rounding_unit` (fen by default, yuan where the area pays whole yuan).
- Single-person household (单人户): when `single_person_member_id` is given, the test asks whether
  that member (severely disabled or seriously ill) of a near-poor household — per-capita income
  below `near_poor_income_multiple` × standard, assets within the limits — can be covered alone.
  The benefit is then the standard minus the member's own net income (their own income less their
  own deductions), for that one member.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from app.domain import vocab
from app.domain.asset_limits import check_asset_limits
from app.domain.means_test_inputs import Household, IncomeItem, IncomePeriod, Member
from app.domain.means_test_trace import (
    Reason,
    TraceKind,
    TraceLine,
    Unit,
    money_text,
    round_to_unit,
    to_fen,
)
from app.domain.policy import AreaPolicy, HouseholdType
from app.domain.rigid_expenses import assess_rigid_expenses

ZERO = Decimal("0.00")


class CoverageRoute(StrEnum):
    """Whether the whole household or a single member is tested for coverage."""

    HOUSEHOLD = "household"
    SINGLE_PERSON = "single_person"


@dataclass(frozen=True)
class MeansTestResult:
    """The outcome of a means test with its reasons and line-by-line trace."""

    eligible: bool
    route: CoverageRoute
    reasons: tuple[Reason, ...]
    standard: Decimal
    household_income: Decimal
    deductions: Decimal
    per_capita_income: Decimal
    co_resident_count: int
    covered_member_ids: tuple[str, ...]
    benefit: Decimal
    trace: tuple[TraceLine, ...]

    @property
    def failed_reasons(self) -> tuple[Reason, ...]:
        """The criteria that were not met."""
        return tuple(reason for reason in self.reasons if not reason.met)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form, for the API and for storing with the decision."""
        return {
            "eligible": self.eligible,
            "route": self.route.value,
            "reasons": [reason.to_dict() for reason in self.reasons],
            "standard": str(self.standard),
            "household_income": str(self.household_income),
            "deductions": str(self.deductions),
            "per_capita_income": str(self.per_capita_income),
            "co_resident_count": self.co_resident_count,
            "covered_member_ids": list(self.covered_member_ids),
            "benefit": str(self.benefit),
            "trace": [line.to_dict() for line in self.trace],
        }


def run_means_test(
    household: Household,
    policy: AreaPolicy,
    reference_date: date,
    single_person_member_id: str | None = None,
) -> MeansTestResult:
    """Test a household (or one member of it, as a single-person household) against the area's policy."""
    residents = household.co_resident_members
    if not residents:
        raise ValueError("a household needs at least one co-resident member")
    standard = to_fen(policy.monthly_standard(household.household_type))
    persons = len(residents)
    lines = [_standard_line(household.household_type, standard, policy)]
    lines += [_member_line(member) for member in household.members]
    lines.append(_calculation("共同生活家庭成员人数", "co_resident_count", Decimal(persons), Unit.PERSONS))

    income_lines, income_by_member = _assess_incomes(household, policy)
    lines += income_lines
    household_income = sum(income_by_member.values(), ZERO)
    lines.append(_calculation("家庭月收入合计", "household_income", household_income, Unit.YUAN_PER_MONTH))

    deductions = assess_rigid_expenses(household, policy, reference_date, standard)
    lines += deductions.lines
    lines.append(
        _calculation("刚性支出月扣减合计", "deductions_total", deductions.total, Unit.YUAN_PER_MONTH)
    )

    net = max(household_income - deductions.total, ZERO)
    floor_note = "，扣减后不低于 0" if net == ZERO and deductions.total > household_income else ""
    net_rule = f"{money_text(household_income)} − {money_text(deductions.total)}{floor_note}"
    lines.append(_calculation("家庭月净收入", "net_income", net, Unit.YUAN_PER_MONTH, net_rule))
    per_capita = to_fen(net / persons)
    per_capita_rule = f"{money_text(net)} ÷ {persons} 人"
    lines.append(
        _calculation("家庭月人均收入", "per_capita_income", per_capita, Unit.YUAN_PER_MONTH, per_capita_rule)
    )

    members_by_id = {member.id: member for member in household.members}
    assets = check_asset_limits(household.assets, policy, persons, members_by_id)
    lines += assets.lines
    reasons = list(assets.reasons)

    if single_person_member_id is None:
        income_ok = per_capita < standard
        verdict = "低于" if income_ok else "不低于"
        reasons.append(
            Reason(
                "per_capita_income_below_standard",
                f"家庭月人均收入 {money_text(per_capita)} 元，{verdict}低保标准 {money_text(standard)} 元",
                income_ok,
            )
        )
        covered = tuple(member.id for member in residents if member.covered)
        reasons.append(Reason("covered_members", f"纳入保障人数 {len(covered)} 人", bool(covered)))
        gap = standard - per_capita
        route = CoverageRoute.HOUSEHOLD
    else:
        member = members_by_id.get(single_person_member_id)
        if member is None:
            raise ValueError(f"unknown member {single_person_member_id}")
        own_income = income_by_member.get(member.id, ZERO)
        own_deductions = deductions.monthly_by_member.get(member.id, ZERO)
        single_lines, single_reasons, own_net = _single_person(
            member, own_income, own_deductions, per_capita, standard, policy
        )
        lines += single_lines
        reasons += single_reasons
        covered = (member.id,)
        gap = standard - own_net
        route = CoverageRoute.SINGLE_PERSON

    eligible = all(reason.met for reason in reasons)
    if eligible:
        benefit = max(round_to_unit(gap * len(covered), policy.benefit_rounding_unit), ZERO)
        unit_text = "元" if policy.benefit_rounding_unit >= 1 else "分"
        benefit_rule = f"({money_text(standard)} − {money_text(standard - gap)}) × {len(covered)} 人，按{unit_text}四舍五入"
    else:
        benefit, covered = ZERO, ()
        benefit_rule = "不符合条件，不予保障"
    lines.append(_calculation("月保障金", "benefit", benefit, Unit.YUAN_PER_MONTH, benefit_rule))
    return MeansTestResult(
        eligible=eligible,
        route=route,
        reasons=tuple(reasons),
        standard=standard,
        household_income=household_income,
        deductions=deductions.total,
        per_capita_income=per_capita,
        co_resident_count=persons,
        covered_member_ids=covered,
        benefit=benefit,
        trace=tuple(lines),
    )


def _single_person(
    member: Member,
    own_income: Decimal,
    own_deductions: Decimal,
    per_capita: Decimal,
    standard: Decimal,
    policy: AreaPolicy,
) -> tuple[list[TraceLine], list[Reason], Decimal]:
    """Lines, reasons and own net income for covering one member of a near-poor household alone."""
    severe = member.disability_grade in policy.severe_disability_grades
    qualifies = member.co_resident and (severe or member.serious_illness)
    why = "重度残疾" if severe else "重病" if member.serious_illness else "非重度残疾或重病"
    if not member.co_resident:
        why = "非共同生活家庭成员"
    near_poor_line = to_fen(policy.near_poor_income_multiple * standard)
    near_poor = per_capita < near_poor_line
    own_net = max(own_income - own_deductions, ZERO)
    own_ok = own_net < standard
    reasons = [
        Reason("single_person_member_qualifies", f"{member.name}：{why}", qualifies),
        Reason(
            "near_poor_household",
            f"家庭月人均收入 {money_text(per_capita)} 元，"
            f"{'低于' if near_poor else '不低于'}低保边缘家庭标准 {money_text(near_poor_line)} 元",
            near_poor,
        ),
        Reason(
            "single_person_income_below_standard",
            f"{member.name}本人月净收入 {money_text(own_net)} 元，"
            f"{'低于' if own_ok else '不低于'}低保标准 {money_text(standard)} 元",
            own_ok,
        ),
    ]
    multiple = f"{policy.near_poor_income_multiple.normalize():f}"
    person = {"member_id": member.id, "member_name": member.name}
    lines = [
        TraceLine(
            TraceKind.SINGLE_PERSON,
            "低保边缘家庭收入上限",
            "near_poor_line",
            f"低保标准 {money_text(standard)} 元 × {multiple}",
            near_poor_line,
            Unit.YUAN_PER_MONTH,
        ),
        TraceLine(
            TraceKind.SINGLE_PERSON, "本人月收入", "own_income", "", own_income, Unit.YUAN_PER_MONTH, **person
        ),
        TraceLine(
            TraceKind.SINGLE_PERSON,
            "本人刚性支出月扣减",
            "own_deductions",
            "",
            own_deductions,
            Unit.YUAN_PER_MONTH,
            **person,
        ),
        TraceLine(
            TraceKind.SINGLE_PERSON,
            "本人月净收入",
            "own_net_income",
            f"{money_text(own_income)} − {money_text(own_deductions)}",
            own_net,
            Unit.YUAN_PER_MONTH,
            **person,
        ),
    ]
    if per_capita < standard:
        lines.append(
            TraceLine(TraceKind.NOTE, "全户人均收入已低于低保标准，可按全户申请", "household_below_standard")
        )
    return lines, reasons, own_net


def _assess_incomes(household: Household, policy: AreaPolicy) -> tuple[list[TraceLine], dict[str, Decimal]]:
    """Trace lines of every income item and the counted monthly income per member."""
    lines: list[TraceLine] = []
    by_member: dict[str, Decimal] = {}
    for item in household.incomes:
        member = household.member(item.member_id)
        monthly = to_fen(item.monthly_amount())
        if not member.co_resident:
            rule_code, rule, counted = "not_co_resident", "非共同生活家庭成员的收入不计入", False
        elif item.category in policy.income_exclusion_categories:
            rule_code, rule, counted = "excluded_category", f"{policy.area_name}规定不计入家庭收入", False
        else:
            rule_code, rule, counted = "income_counted", _income_period_text(item), True
        lines.append(
            TraceLine(
                kind=TraceKind.INCOME,
                label=item.display_label,
                rule_code=rule_code,
                rule=rule,
                amount=monthly,
                unit=Unit.YUAN_PER_MONTH,
                included=counted,
                member_id=member.id,
                member_name=member.name,
            )
        )
        if counted:
            by_member[member.id] = by_member.get(member.id, ZERO) + monthly
    return lines, by_member


def _income_period_text(item: IncomeItem) -> str:
    """How an income was brought to a monthly amount, in Chinese."""
    if item.period is IncomePeriod.YEARLY:
        return f"年收入 {money_text(item.amount)} 元 ÷ 12"
    if item.period is IncomePeriod.ONE_OFF:
        return f"一次性收入 {money_text(item.amount)} 元 ÷ {item.spread_months} 个月"
    return "月收入"


def _standard_line(household_type: HouseholdType, standard: Decimal, policy: AreaPolicy) -> TraceLine:
    """The standard applied and where it comes from."""
    return TraceLine(
        kind=TraceKind.STANDARD,
        label=f"{vocab.HOUSEHOLD_TYPES[household_type.value]}低保标准",
        rule_code="monthly_standard",
        rule=f"{policy.area_name}（{policy.area_code}）{policy.effective_from.isoformat()} 起执行",
        amount=standard,
        unit=Unit.YUAN_PER_MONTH,
    )


def _member_line(member: Member) -> TraceLine:
    """Whether a member lives with the household and is covered."""
    if not member.co_resident:
        rule_code, rule = "not_co_resident", "非共同生活，不计入人数、收入和财产"
    elif not member.covered:
        rule_code, rule = "not_covered", "共同生活，计入人数，但不纳入保障"
    else:
        rule_code, rule = "co_resident", "共同生活家庭成员"
    return TraceLine(
        kind=TraceKind.MEMBER,
        label=f"家庭成员（{vocab.RELATIONS.get(member.relation, member.relation)}）",
        rule_code=rule_code,
        rule=rule,
        included=member.co_resident,
        member_id=member.id,
        member_name=member.name,
    )


def _calculation(label: str, rule_code: str, amount: Decimal, unit: Unit, rule: str = "") -> TraceLine:
    """A line of the calculation itself (totals, per-capita income, benefit)."""
    return TraceLine(
        kind=TraceKind.CALCULATION, label=label, rule_code=rule_code, rule=rule, amount=amount, unit=unit
    )
