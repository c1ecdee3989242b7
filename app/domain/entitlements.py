"""Entitlements after approval (动态管理): states, moves, review cycles and review outcomes. Pure.

active → under_review → active (amount adjusted) | gradual_exit | terminated;
active/under_review → suspended → active | terminated; gradual_exit → terminated (when it ends).

Review outcome: a household whose per-capita income is still below the standard stays covered
with the recomputed amount. One whose income rose to the standard or above keeps benefits for the
gradual-exit period (渐退期: months from the policy, longer for registered poverty households) and
then leaves; the delayed-exit rule also applies when household employment income rose above
`delayed_exit_income_multiple` × the standard, even if the per-capita income is still below it.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.domain.means_test_trace import money_text
from app.domain.policy import AreaPolicy, HouseholdType

STATES = {
    "active": "正常享受",
    "under_review": "复核中",
    "suspended": "暂停发放",
    "gradual_exit": "渐退期",
    "terminated": "已停止保障",
}
ACTION_LABELS = {
    "start_review": "开始复核",
    "suspend": "暂停发放",
    "resume": "恢复发放",
    "terminate": "停止保障",
}
PAYING_STATES = frozenset({"active", "under_review", "gradual_exit"})

# action: (sources, target)
MOVES: dict[str, tuple[frozenset[str], str]] = {
    "start_review": (frozenset({"active", "gradual_exit"}), "under_review"),
    "continue": (frozenset({"under_review"}), "active"),
    "gradual_exit": (frozenset({"under_review", "active"}), "gradual_exit"),
    "suspend": (frozenset({"active", "under_review", "gradual_exit"}), "suspended"),
    "resume": (frozenset({"suspended"}), "active"),
    "terminate": (frozenset({"active", "under_review", "suspended", "gradual_exit"}), "terminated"),
}


class EntitlementMoveRefused(Exception):
    """The move is not possible from the current state."""

    def __init__(self, state: str, action: str) -> None:
        super().__init__(f"保障当前为“{STATES.get(state, state)}”，不能进行这个操作")
        self.message = str(self)
        self.state, self.action = state, action


def next_state(state: str, action: str) -> str:
    """The state an action leads to, or EntitlementMoveRefused."""
    move = MOVES.get(action)
    if move is None or state not in move[0]:
        raise EntitlementMoveRefused(state, action)
    return move[1]


def add_months(day: date, months: int) -> date:
    """The same day `months` later (clamped to the month's last day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def first_of_next_month(day: date) -> date:
    """Benefits start the month after the decision."""
    return add_months(day.replace(day=1), 1)


@dataclass(frozen=True)
class ReviewCycle:
    """How often a household is reviewed and why."""

    months: int
    stable: bool
    reason: str


def review_cycle(
    policy: AreaPolicy, any_member_able_to_work: bool, on_dishonesty_ledger: bool
) -> ReviewCycle:
    """Stable households (nobody able to work, no dishonesty record) yearly; others more often."""
    if on_dishonesty_ledger:
        return ReviewCycle(policy.review_cycle_months(False), False, "有失信记录，按不稳定家庭复核")
    if any_member_able_to_work:
        return ReviewCycle(policy.review_cycle_months(False), False, "有劳动能力成员，收入可能变化")
    return ReviewCycle(policy.review_cycle_months(True), True, "家庭收入来源稳定")


@dataclass(frozen=True)
class ReviewOutcome:
    """What a periodic review decides: keep (with a new amount) or enter the gradual exit."""

    action: str  # "continue" | "gradual_exit"
    amount: Decimal
    exit_months: int
    reason: str


def review_outcome(
    policy: AreaPolicy,
    household_type: HouseholdType,
    still_eligible: bool,
    current_amount: Decimal,
    new_amount: Decimal,
    employment_income: Decimal,
    registered_poverty: bool,
) -> ReviewOutcome:
    """Decide a review from the re-run means test and the household's monthly employment income.

    During the gradual exit the household keeps its current amount; otherwise the new one applies.
    """
    threshold = policy.delayed_exit_threshold(household_type)
    months = policy.gradual_exit_months_for(registered_poverty)
    if employment_income > threshold:
        return ReviewOutcome(
            "gradual_exit",
            current_amount,
            months,
            f"家庭务工收入 {money_text(employment_income)} 元/月，超过低保标准的"
            f"{policy.delayed_exit_income_multiple.normalize():f}倍（{money_text(threshold)} 元），"
            f"给予{months}个月渐退期",
        )
    if not still_eligible:
        return ReviewOutcome(
            "gradual_exit", current_amount, months, f"家庭人均收入已不低于低保标准，给予{months}个月渐退期"
        )
    return ReviewOutcome("continue", new_amount, 0, f"仍符合条件，月保障金 {money_text(new_amount)} 元")
