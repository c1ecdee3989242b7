"""Temporary assistance (临时救助): who approves an amount, help-first for emergencies, the reserve fund. Pure.

- The township approves amounts up to `temporary_assistance_township_multiple` × the monthly 低保
  standard (4× by default); larger amounts go to the county.
- 急难型 (emergency) help may be paid first within the township limit; the paperwork is then due
  within `emergency_paperwork_days` working days.
- The township's reserve fund (备用金) never goes below zero: a payment larger than the balance
  waits for a county top-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.domain.means_test_trace import money_text, to_fen
from app.domain.policy import AreaPolicy, HouseholdType
from app.domain.working_days import StatutoryCalendar, deadline

EMERGENCY_PROGRAM = "linshi_jinan"
LEDGER_KINDS = {
    "allocation": "县级预拨",
    "top_up": "县级追加",
    "disbursement": "救助支出",
    "refund": "退回",
}
INFLOWS = frozenset({"allocation", "top_up", "refund"})


@dataclass(frozen=True)
class ApprovalLevel:
    """Who approves an amount, with the limit and the explanation."""

    level: str  # "township" | "county"
    limit: Decimal
    reason: str


def approval_level(policy: AreaPolicy, household_type: HouseholdType, amount: Decimal) -> ApprovalLevel:
    """Township up to its limit (multiple × monthly standard), county above it."""
    limit = to_fen(policy.township_temporary_assistance_limit(household_type))
    multiple = f"{policy.temporary_assistance_township_multiple.normalize():f}"
    if amount <= limit:
        return ApprovalLevel(
            "township",
            limit,
            f"{money_text(amount)} 元，不超过低保月标准{multiple}倍（{money_text(limit)} 元），乡镇（街道）审批",
        )
    return ApprovalLevel(
        "county",
        limit,
        f"{money_text(amount)} 元，超过低保月标准{multiple}倍（{money_text(limit)} 元），报县级审批",
    )


@dataclass(frozen=True)
class PayFirst:
    """Whether an emergency payment may be made before the paperwork, and when the paperwork is due."""

    allowed: bool
    reason: str
    paperwork_due: date | None = None
    provisional: bool = False


def pay_first(
    policy: AreaPolicy,
    program: str,
    household_type: HouseholdType,
    amount: Decimal,
    today: date,
    calendar: StatutoryCalendar | None = None,
) -> PayFirst:
    """急难型 within the township limit may be paid first; the paperwork is due N working days later."""
    if program != EMERGENCY_PROGRAM:
        return PayFirst(False, "只有急难型临时救助可以先行救助")
    level = approval_level(policy, household_type, amount)
    if level.level != "township":
        return PayFirst(False, f"先行救助不能超过乡镇（街道）审批权限（{money_text(level.limit)} 元）")
    due = deadline(today, policy.emergency_paperwork_days, calendar)
    return PayFirst(True, "急难型先行救助，事后补齐材料", due.due, due.provisional)


class FundWouldGoNegative(Exception):
    """The payment is larger than the reserve fund's balance."""

    def __init__(self, balance: Decimal, amount: Decimal) -> None:
        super().__init__(
            f"备用金余额 {money_text(balance)} 元，不足支付 {money_text(amount)} 元，请先申请县级追加"
        )
        self.message = str(self)
        self.balance, self.amount = balance, amount


def balance_after(balance: Decimal, kind: str, amount: Decimal) -> Decimal:
    """The reserve fund balance after one ledger entry; refuses to go below zero."""
    if kind not in LEDGER_KINDS:
        raise ValueError(f"unknown ledger entry kind {kind}")
    if amount <= 0:
        raise ValueError("a ledger amount must be positive")
    if kind in INFLOWS:
        return balance + amount
    if amount > balance:
        raise FundWouldGoNegative(balance, amount)
    return balance - amount
