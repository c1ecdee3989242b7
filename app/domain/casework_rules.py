"""What must be true before a casework step can be taken, beyond the stage itself. Pure.

The state machine (`stages`) says which action may follow which stage and by which role; these
rules say what the file must hold: two investigators, a home visit and a verification report
before review; a hearing when one is required; the county's filing when the case is flagged;
an eligible assessment (or an amount within the township's limit) before approval.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from app.domain.masking import mask_name

MIN_INVESTIGATORS = 2
MIN_HOME_VISIT_STAFF = 2
TEMPORARY_PROGRAMS = frozenset({"linshi_jinan", "linshi_zhichu"})
LONG_TERM_PROGRAMS = frozenset({"dibao", "tekun"})

HEARING_NOT_REQUIRED, HEARING_REQUIRED, HEARING_HELD = "not_required", "required", "held"
FILING_NOT_REQUIRED, FILING_PENDING, FILING_FILED = "not_required", "pending", "filed"

HEARING_REASONS = {
    "objection": "公示期间有异议",
    "verification_warning": "家庭经济状况核对有预警",
    "special_review": "乡镇（街道）决定进行专项评议",
}


@dataclass(frozen=True)
class Blocker:
    """One thing missing before an action: a stable code and a Chinese explanation."""

    code: str
    message: str

    def to_dict(self) -> dict[str, str]:
        """A JSON-serialisable form."""
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True)
class CaseFacts:
    """The plain facts of a case file the rules read."""

    program: str
    investigators: int = 0
    home_visits: int = 0
    has_verification_report: bool = False
    hearing_status: str = HEARING_NOT_REQUIRED
    filing_status: str = FILING_NOT_REQUIRED
    assessment_eligible: bool | None = None  # None: no means test / 特困 assessment run yet
    amount: Decimal | None = None  # temporary assistance: the amount asked to approve
    township_limit: Decimal | None = None  # temporary assistance: the township's approval limit


def blockers(action: str, facts: CaseFacts) -> list[Blocker]:
    """Everything that stops `action` on this case file (empty when it may go ahead)."""
    found: list[Blocker] = []
    if action in ("start_investigation", "finish_investigation") and facts.investigators < MIN_INVESTIGATORS:
        found.append(Blocker("investigators_missing", f"入户调查至少需要指派{MIN_INVESTIGATORS}名工作人员"))
    if action == "finish_investigation":
        if facts.home_visits < 1:
            found.append(Blocker("home_visit_missing", "还没有入户调查记录"))
        if not facts.has_verification_report:
            found.append(Blocker("verification_report_missing", "还没有家庭经济状况核对报告"))
    if action in ("approve", "reject", "refer_to_county", "county_approve", "county_reject"):
        if facts.hearing_status == HEARING_REQUIRED:
            found.append(Blocker("hearing_required", "本案需要先进行民主评议"))
        if facts.filing_status == FILING_PENDING:
            found.append(Blocker("filing_pending", "本案需报县级民政部门备案审查，备案后才能办结"))
    if action == "approve":
        found += _approval_blockers(facts)
    if action == "refer_to_county":
        if facts.program not in TEMPORARY_PROGRAMS:
            found.append(Blocker("not_temporary_assistance", "只有临时救助需要报县级审批"))
        elif facts.amount is None or facts.township_limit is None or facts.amount <= facts.township_limit:
            found.append(Blocker("within_township_limit", "救助金额在乡镇（街道）审批权限内，可直接审批"))
    if action == "county_approve" and facts.amount is None:
        found.append(Blocker("amount_missing", "请填写救助金额"))
    return found


def _approval_blockers(facts: CaseFacts) -> list[Blocker]:
    if facts.program in TEMPORARY_PROGRAMS:
        if facts.amount is None or facts.amount <= 0:
            return [Blocker("amount_missing", "请填写临时救助金额")]
        if facts.township_limit is not None and facts.amount > facts.township_limit:
            return [
                Blocker(
                    "above_township_limit",
                    f"救助金额超过乡镇（街道）审批权限（{facts.township_limit:.2f} 元），请报县级民政部门审批",
                )
            ]
        return []
    if facts.assessment_eligible is None:
        return [Blocker("assessment_missing", "还没有进行家庭经济状况测算（低保）或特困条件认定")]
    if not facts.assessment_eligible:
        return [Blocker("assessment_not_eligible", "测算结果不符合保障条件，不能批准；如不予批准请填写理由")]
    return []


_NUMBER_RUN = re.compile(r"[0-9０-９][0-9０-９XxＸ*\- ]{4,}[0-9０-９XxＸ]")


def public_reason(text: str | None, full_names: list[str]) -> str:
    """A hardship reason safe for the public notice: number runs (ID, phone) removed, names masked."""
    reason = (text or "").strip()
    reason = _NUMBER_RUN.sub("***", reason)
    for name in sorted({n for n in full_names if n and len(n) >= 2}, key=len, reverse=True):
        reason = reason.replace(name, mask_name(name) or "")
    return reason[:200]
