"""Shared helpers for the means-test tests: a default policy and date, and readers of the trace."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.domain.means_test import MeansTestResult
from app.domain.means_test_inputs import Household, Member
from app.domain.policy import AreaPolicy, HouseholdType

POLICY = AreaPolicy()
REVIEW_DATE = date(2025, 6, 15)
D = Decimal


def urban(*members: Member, **items: object) -> Household:
    """An urban household with these members and items."""
    return Household(HouseholdType.URBAN, members, **items)  # type: ignore[arg-type]


def lines(result: MeansTestResult, *kinds: str) -> list[tuple[str | None, str, str | None, bool]]:
    """The trace as (member, rule code, amount, included), optionally only some kinds."""
    return [
        (line.member_id, line.rule_code, None if line.amount is None else str(line.amount), line.included)
        for line in result.trace
        if not kinds or line.kind.value in kinds
    ]


def line_amount(result: MeansTestResult, rule_code: str) -> str:
    """The amount of the single trace line with this rule code."""
    (line,) = [line for line in result.trace if line.rule_code == rule_code]
    return str(line.amount)


def failed_codes(result: MeansTestResult) -> list[str]:
    """Codes of the criteria not met."""
    return [reason.code for reason in result.failed_reasons]
