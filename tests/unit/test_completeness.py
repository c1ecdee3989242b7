"""The submit check: every problem at once, keyed by the field a resident has to fix (no database)."""

from __future__ import annotations

from decimal import Decimal

from app.domain.completeness import submission_problems


def complete(**overrides) -> dict:
    snapshot = {
        "program": "dibao",
        "on_behalf": False,
        "proxy": {},
        "applicant_member_id": "m0",
        "applicant": {
            "name": "王秀英",
            "id_number": "11010519491231002X",
            "phone": "13800138000",
            "area_code": "341602100201",
            "area_is_village": True,
            "household_type": "urban",
            "registered_address": "东大街12号",
            "current_address": "东大街12号",
            "work_capacity": "partial",
        },
        "members": [{"id": "m1", "name": "李小明", "id_number": "110105200805120011", "relation": "child"}],
        "income": [{"member_id": "m1", "amount": Decimal("100")}],
        "assets": [],
        "expenses": [{"member_id": "m0", "amount": Decimal("500"), "reimbursed": Decimal("100")}],
        "bank": {"bank_name": "农商行", "account": "6222020200112233445", "holder": "王秀英"},
        "reason": "生病",
        "consent_to_verification": True,
    }
    snapshot.update(overrides)
    return snapshot


def test_a_complete_application_has_no_problems():
    assert submission_problems(complete()) == {}


def test_an_empty_draft_lists_everything_at_once():
    problems = submission_problems({"program": "dibao"})
    assert set(problems) >= {
        "applicant.name",
        "applicant.id_number",
        "applicant.phone",
        "applicant.area_code",
        "applicant.household_type",
        "applicant.registered_address",
        "applicant.current_address",
        "bank.bank_name",
        "bank.account",
        "bank.holder",
        "reason",
        "consent_to_verification",
    }
    assert all(messages and all(m for m in messages) for messages in problems.values())


def test_member_problems_are_indexed():
    members = [
        {"id": "m1", "name": "李小明", "id_number": "110105200805120011", "relation": "child"},
        {"id": "m2", "name": "", "id_number": "110105200805120011", "relation": None},
    ]
    problems = submission_problems(complete(members=members))
    assert set(problems) == {"members.1.name", "members.1.relation", "members.1.id_number"}
    assert "重复" in problems["members.1.id_number"][0]


def test_two_spouses_and_items_pointing_at_removed_members():
    members = [
        {"id": "m1", "name": "甲", "id_number": "1", "relation": "spouse"},
        {"id": "m2", "name": "乙", "id_number": "2", "relation": "spouse"},
    ]
    income = [{"member_id": "gone", "amount": Decimal("1")}, {"member_id": "m1", "amount": None}]
    problems = submission_problems(complete(members=members, income=income))
    assert set(problems) == {"members.1.relation", "income.0.member_id", "income.1.amount"}


def test_reimbursed_more_than_spent():
    problems = submission_problems(complete(expenses=[{"member_id": "m0", "amount": Decimal("100"), "reimbursed": Decimal("150")}]))
    assert set(problems) == {"expenses.0.reimbursed"}


def test_temporary_assistance_needs_no_bank_account_but_tekun_needs_work_capacity():
    assert submission_problems(complete(program="linshi_jinan", bank={})) == {}
    applicant = {**complete()["applicant"], "work_capacity": None}
    assert set(submission_problems(complete(program="tekun", applicant=applicant))) == {"applicant.work_capacity"}


def test_area_must_be_a_village_and_a_proxy_must_say_who_they_are():
    applicant = {**complete()["applicant"], "area_is_village": False}
    problems = submission_problems(complete(applicant=applicant, on_behalf=True, proxy={"name": "赵"}))
    assert set(problems) == {"applicant.area_code", "proxy"}
