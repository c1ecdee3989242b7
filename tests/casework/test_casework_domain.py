"""The pure casework rules: what blocks a step, entitlement moves and reviews, temporary assistance."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.domain import entitlements as ent
from app.domain import stages
from app.domain import temporary_assistance as ta
from app.domain.casework_rules import CaseFacts, blockers, public_reason
from app.domain.policy import AreaPolicy, HouseholdType

D = Decimal
POLICY = AreaPolicy()
URBAN = HouseholdType.URBAN


def codes(action: str, **facts: object) -> list[str]:
    return [b.code for b in blockers(action, CaseFacts(program=facts.pop("program", "dibao"), **facts))]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("action", "facts", "expected"),
    [
        ("start_investigation", {"investigators": 1}, ["investigators_missing"]),
        ("start_investigation", {"investigators": 2}, []),
        (
            "finish_investigation",
            {},
            ["investigators_missing", "home_visit_missing", "verification_report_missing"],
        ),
        ("finish_investigation", {"investigators": 2, "home_visits": 1, "has_verification_report": True}, []),
        ("approve", {"assessment_eligible": None}, ["assessment_missing"]),
        ("approve", {"assessment_eligible": False}, ["assessment_not_eligible"]),
        ("approve", {"assessment_eligible": True, "hearing_status": "required"}, ["hearing_required"]),
        (
            "approve",
            {"assessment_eligible": True, "hearing_status": "held", "filing_status": "pending"},
            ["filing_pending"],
        ),
        ("approve", {"assessment_eligible": True, "hearing_status": "held", "filing_status": "filed"}, []),
        (
            "reject",
            {"hearing_status": "required", "filing_status": "pending"},
            ["hearing_required", "filing_pending"],
        ),
        ("reject", {}, []),
        ("approve", {"program": "linshi_zhichu", "amount": D("2600"), "township_limit": D("2600")}, []),
        (
            "approve",
            {"program": "linshi_zhichu", "amount": D("2600.01"), "township_limit": D("2600")},
            ["above_township_limit"],
        ),
        ("approve", {"program": "linshi_jinan"}, ["amount_missing"]),
        (
            "refer_to_county",
            {"program": "linshi_zhichu", "amount": D("3000"), "township_limit": D("2600")},
            [],
        ),
        (
            "refer_to_county",
            {"program": "linshi_zhichu", "amount": D("1000"), "township_limit": D("2600")},
            ["within_township_limit"],
        ),
        ("refer_to_county", {"program": "dibao"}, ["not_temporary_assistance"]),
    ],
)
def test_what_blocks_a_step(action: str, facts: dict, expected: list[str]) -> None:
    assert codes(action, **facts) == expected


def test_public_reason_hides_numbers_and_full_names() -> None:
    text = "王秀英丈夫李建国去世，身份证341602195803141234，电话13800138000，本人患病"
    cleaned = public_reason(text, ["王秀英", "李建国"])
    assert "王*英" in cleaned and "李*国" in cleaned
    assert "王秀英" not in cleaned and "李建国" not in cleaned
    assert "341602195803141234" not in cleaned and "13800138000" not in cleaned
    assert cleaned.endswith("本人患病")


def test_new_stages_for_objections_and_the_county() -> None:
    assert stages.next_stage("reviewing", "objection", stages.PUBLIC) == "investigating"
    assert stages.next_stage("hearing", "objection", stages.PUBLIC) == "investigating"
    with pytest.raises(stages.TransitionRefused):
        stages.next_stage("approved", "objection", stages.PUBLIC)
    assert (
        stages.next_stage("reviewing", "refer_to_county", "township_reviewer", "金额较大") == "county_review"
    )
    assert stages.next_stage("county_review", "county_approve", "county_officer") == "approved"
    with pytest.raises(stages.TransitionRefused) as refused:
        stages.next_stage("county_review", "county_approve", "township_reviewer")
    assert refused.value.code == "action_not_allowed_for_role"
    assert stages.is_open("county_review")


@pytest.mark.parametrize(
    ("state", "action", "target"),
    [
        ("active", "start_review", "under_review"),
        ("under_review", "continue", "active"),
        ("under_review", "gradual_exit", "gradual_exit"),
        ("active", "suspend", "suspended"),
        ("suspended", "resume", "active"),
        ("gradual_exit", "terminate", "terminated"),
    ],
)
def test_entitlement_moves(state: str, action: str, target: str) -> None:
    assert ent.next_state(state, action) == target


def test_a_terminated_entitlement_stays_terminated() -> None:
    for action in ent.MOVES:
        with pytest.raises(ent.EntitlementMoveRefused):
            ent.next_state("terminated", action)


def test_start_month_and_review_cycles() -> None:
    assert ent.first_of_next_month(date(2026, 12, 31)) == date(2027, 1, 1)
    assert ent.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert ent.review_cycle(POLICY, any_member_able_to_work=False, on_dishonesty_ledger=False).months == 12
    assert ent.review_cycle(POLICY, any_member_able_to_work=True, on_dishonesty_ledger=False).months == 6
    assert ent.review_cycle(POLICY, any_member_able_to_work=False, on_dishonesty_ledger=True).stable is False


@pytest.mark.parametrize(
    ("eligible", "new", "work_income", "registered", "action", "amount", "months"),
    [
        (True, D("300"), D("0"), False, "continue", D("300"), 0),
        (False, D("0"), D("800"), False, "gradual_exit", D("500"), 6),  # income rose above the standard
        (False, D("0"), D("800"), True, "gradual_exit", D("500"), 12),  # registered poverty household
        (True, D("200"), D("1000"), False, "gradual_exit", D("500"), 6),  # work income above 1.5 × 650 = 975
        (True, D("200"), D("975"), False, "continue", D("200"), 0),  # exactly 1.5 × is not above
    ],
)
def test_review_outcome(eligible, new, work_income, registered, action, amount, months) -> None:  # noqa: ANN001
    outcome = ent.review_outcome(POLICY, URBAN, eligible, D("500"), new, work_income, registered)
    assert (outcome.action, outcome.amount, outcome.exit_months) == (action, amount, months)


def test_temporary_assistance_limit_and_pay_first() -> None:
    assert ta.approval_level(POLICY, URBAN, D("2600")).level == "township"  # 4 × 650
    assert ta.approval_level(POLICY, URBAN, D("2600.01")).level == "county"
    assert (
        ta.approval_level(AreaPolicy(temporary_assistance_township_multiple=D("6")), URBAN, D("3900")).level
        == "township"
    )
    # Paid on Wednesday 30 Sep 2026: 5 working days skip National Day and count Saturday 10 Oct.
    first = ta.pay_first(POLICY, "linshi_jinan", URBAN, D("1000"), date(2026, 9, 30))
    assert first.allowed and first.paperwork_due == date(2026, 10, 13)
    assert not ta.pay_first(POLICY, "linshi_zhichu", URBAN, D("1000"), date(2026, 9, 30)).allowed
    assert not ta.pay_first(POLICY, "linshi_jinan", URBAN, D("3000"), date(2026, 9, 30)).allowed


def test_the_reserve_fund_never_goes_negative() -> None:
    assert ta.balance_after(D("0"), "allocation", D("5000")) == D("5000")
    assert ta.balance_after(D("5000"), "disbursement", D("5000")) == D("0")
    with pytest.raises(ta.FundWouldGoNegative):
        ta.balance_after(D("100"), "disbursement", D("100.01"))
    with pytest.raises(ValueError):
        ta.balance_after(D("100"), "disbursement", D("0"))
