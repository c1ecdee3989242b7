"""Worked examples of the means test as casework runs it: from a case's household records plus the
staff's findings to the amount and the trace lines (no database: the records are built in memory).

Urban standard 650 元/month (the default policy); reference date 2026-09-18 (medical window from 2025-09-19).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.domain.policy import AreaPolicy
from app.models import Application, ExpenseItem, Household, IncomeItem, Member, Person
from app.services.casework_means import AssessmentInputInvalid, assess

D = Decimal
ON = date(2026, 9, 18)


def case(members: list[dict], incomes=(), expenses=(), program: str = "dibao") -> Application:  # noqa: ANN001
    """An application with its household records, built in memory (member ids m0, m1, …; m0 applies)."""
    household = Household(household_type="urban")
    for i, m in enumerate(members):
        person = Person(
            id=f"p{i}",
            name=m["name"],
            work_capacity=m.get("work_capacity", "full"),
            disability_grade=m.get("disability_grade"),
            serious_illness=m.get("serious_illness", False),
            birth_date=m.get("birth_date"),
        )
        household.members.append(
            Member(
                id=f"m{i}",
                person_id=person.id,
                person=person,
                relation=m["relation"],
                co_resident=True,
                position=i,
            )
        )
    for i, (member, category, amount) in enumerate(incomes):
        household.incomes.append(
            IncomeItem(id=f"i{i}", member_id=member, category=category, amount=D(amount), period="monthly")
        )
    for i, e in enumerate(expenses):
        household.expenses.append(
            ExpenseItem(
                id=f"e{i}",
                member_id=e["member"],
                kind=e["kind"],
                amount=D(e["amount"]),
                period=e.get("period", "yearly"),
                incurred_on=e.get("paid_on"),
                reimbursed=D(e.get("reimbursed", "0")),
            )
        )
    return Application(
        program=program, household=household, applicant=household.members[0].person, applicant_id="p0"
    )


def trace(result: dict, *codes: str) -> dict[str, str]:
    """Amounts of the trace lines with these rule codes (the last one wins when a code repeats)."""
    return {line["rule_code"]: line["amount"] for line in result["trace"] if line["rule_code"] in codes}


ADULTS = [{"name": "王秀英", "relation": "self"}, {"name": "李建国", "relation": "spouse"}]
CHILD = {"name": "李小明", "relation": "child"}

EXAMPLES = [
    pytest.param(
        case(
            [*ADULTS, CHILD],
            incomes=[("m0", "pension", "600"), ("m1", "wages", "900")],
            expenses=[
                {
                    "member": "m1",
                    "kind": "medical",
                    "amount": "6000",
                    "reimbursed": "2400",
                    "paid_on": date(2026, 3, 1),
                },
                {"member": "m1", "kind": "medical", "amount": "5000", "paid_on": date(2025, 9, 18)},
            ],  # outside the window
        ),
        {},
        "750.00",
        {
            "household_income": "1500.00",
            "medical_monthly": "300.00",
            "net_income": "1200.00",
            "per_capita_income": "400.00",
            "benefit": "750.00",
            "outside_lookback_window": "5000.00",
        },
        id="three persons, one member's medical costs (one receipt too old)",
    ),
    pytest.param(
        case(
            [ADULTS[0], CHILD],
            incomes=[("m0", "wages", "1000")],
            expenses=[{"member": "m1", "kind": "rehabilitation", "amount": "4800"}],
        ),
        {},
        "550.00",
        {
            "rehabilitation_capped": "250.00",
            "net_income": "750.00",
            "per_capita_income": "375.00",
            "benefit": "550.00",
        },
        id="rehabilitation capped at 3000 a year",
    ),
    pytest.param(
        case([ADULTS[0], CHILD], incomes=[("m1", "wages", "1200")]),
        {"members": [{"member_id": "m1", "employed": True, "employment_category": "new_graduate"}]},
        "295.00",
        {
            "employment_cost": "195.00",
            "net_income": "1005.00",
            "per_capita_income": "502.50",
            "benefit": "295.00",
        },
        id="employment cost 30% of the standard for a new graduate",
    ),
    pytest.param(
        case(
            [*ADULTS, {"name": "李强", "relation": "child", "disability_grade": 1, "work_capacity": "none"}],
            incomes=[("m0", "wages", "2400")],
        ),
        {"single_person_member_id": "m2"},
        "650.00",
        {
            "per_capita_income": "800.00",
            "near_poor_line": "975.00",
            "own_net_income": "0.00",
            "benefit": "650.00",
        },
        id="single-person household: a severely disabled member of a near-poor household",
    ),
    pytest.param(
        case([ADULTS[0]], incomes=[("m0", "pension", "300")]),
        {
            "extra_incomes": [
                {"member_id": "m0", "category": "support_payment", "amount": "200", "note": "子女赡养费"}
            ]
        },
        "150.00",
        {"household_income": "500.00", "per_capita_income": "500.00", "benefit": "150.00"},
        id="an income found by the verification is added and labelled",
    ),
]


@pytest.mark.parametrize(("application", "params", "benefit", "lines"), EXAMPLES)
def test_worked_examples(application: Application, params: dict, benefit: str, lines: dict[str, str]) -> None:
    result = assess(application, AreaPolicy(), params, ON)
    assert result["eligible"] is True
    assert result["benefit"] == benefit
    assert trace(result, *lines) == lines


def test_the_trace_names_each_member_and_the_standard() -> None:
    result = assess(EXAMPLES[0].values[0], AreaPolicy(), {}, ON)
    members = [line["member_name"] for line in result["trace"] if line["kind"] == "member"]
    assert members == ["王秀英", "李建国", "李小明"]
    assert trace(result, "monthly_standard") == {"monthly_standard": "650.00"}
    found = [
        line["label"]
        for line in assess(EXAMPLES[4].values[0], AreaPolicy(), EXAMPLES[4].values[1], ON)["trace"]
    ]
    assert "核实发现：子女赡养费" in found


def test_tuition_needs_the_school_level_from_the_investigation() -> None:
    application = case([ADULTS[0], CHILD], expenses=[{"member": "m1", "kind": "education", "amount": "5000"}])
    with pytest.raises(AssessmentInputInvalid) as refused:
        assess(application, AreaPolicy(), {}, ON)
    assert "expenses" in refused.value.errors
    result = assess(
        application,
        AreaPolicy(),
        {"expenses": [{"expense_id": "e0", "education_level": "undergraduate"}]},
        ON,
    )
    assert trace(result, "education_monthly") == {"education_monthly": "416.67"}


def test_extreme_poverty_assessment_with_care_level() -> None:
    application = case(
        [{"name": "赵大爷", "relation": "self", "work_capacity": "none", "birth_date": date(1950, 1, 1)}],
        incomes=[("m0", "pension", "200")],
        program="tekun",
    )
    activities = {
        a: True for a in ("eating", "dressing", "bed_transfer", "toileting", "indoor_walking", "bathing")
    }
    activities.update(bathing=False, indoor_walking=False)
    result = assess(
        application, AreaPolicy(), {"tekun": {"activities": activities, "legal_supporters": []}}, ON
    )
    assert result["eligible"] is True and result["care"]["level"] == "partial_care"
    assert result["benefit"] == "1145.00"  # 845 basic + 300 partial care
    supported = {
        "activities": activities,
        "legal_supporters": [{"name": "赵小", "relation": "子", "able_to_support": True}],
    }
    refused = assess(application, AreaPolicy(), {"tekun": supported}, ON)
    assert refused["eligible"] is False and refused["benefit"] == "0.00"
