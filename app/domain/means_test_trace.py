"""The explanation of a means test: trace lines, reasons, and the rounding they share.

Every amount shown in a trace line is already rounded to the fen (half-up), and every total is
the sum of the lines shown, so anyone can redo the calculation from the trace alone.
Amounts serialise as strings ("650.00") to keep Decimal precision through JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

FEN = Decimal("0.01")


def to_fen(amount: Decimal) -> Decimal:
    """Round half-up to the fen."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def round_to_unit(amount: Decimal, unit: Decimal) -> Decimal:
    """Round half-up to a multiple of `unit` (0.01 for fen, 1 for yuan), keeping two decimals."""
    return to_fen((amount / unit).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * unit)


def money_text(amount: Decimal) -> str:
    """An amount as shown in Chinese rule texts, e.g. '650.00'."""
    return f"{to_fen(amount):.2f}"


class TraceKind(StrEnum):
    """What a trace line is about."""

    STANDARD = "standard"
    MEMBER = "member"
    INCOME = "income"
    EXPENSE = "expense"
    DEDUCTION = "deduction"
    CALCULATION = "calculation"
    ASSET = "asset"
    SINGLE_PERSON = "single_person"
    NOTE = "note"


class Unit(StrEnum):
    """The unit of a trace line's amount."""

    YUAN = "yuan"
    YUAN_PER_MONTH = "yuan_per_month"
    YUAN_PER_YEAR = "yuan_per_year"
    PERSONS = "persons"
    COUNT = "count"


@dataclass(frozen=True)
class TraceLine:
    """One line of the calculation: what, whose, how much, which rule, and whether it counts."""

    kind: TraceKind
    label: str
    rule_code: str
    rule: str = ""
    amount: Decimal | None = None
    unit: Unit | None = None
    included: bool = True
    member_id: str | None = None
    member_name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form; amounts become strings."""
        return {
            "kind": self.kind.value,
            "label": self.label,
            "rule_code": self.rule_code,
            "rule": self.rule,
            "amount": None if self.amount is None else str(self.amount),
            "unit": None if self.unit is None else self.unit.value,
            "included": self.included,
            "member_id": self.member_id,
            "member_name": self.member_name,
        }


@dataclass(frozen=True)
class Reason:
    """One criterion of the decision: a stable code, a Chinese message, and whether it is met."""

    code: str
    message: str
    met: bool

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form."""
        return {"code": self.code, "message": self.message, "met": self.met}
