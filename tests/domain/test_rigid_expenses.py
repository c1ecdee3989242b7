"""Rigid-expenditure deductions in the means test: medical window, rehabilitation cap, education, pension, employment cost.

Urban standard 650 元/month; review date 2025-06-15, so the medical window is 2024-06-16 .. 2025-06-15.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from app.domain.means_test import run_means_test
from app.domain.means_test_inputs import (
    EducationLevel,
    EmploymentCategory,
    ExpenseItem,
    ExpenseKind,
    ExpensePeriod,
    IncomeItem,
    IncomePeriod,
    Member,
)
from app.domain.rigid_expenses import months_before
from tests.domain.means_helpers import POLICY, REVIEW_DATE, D, failed_codes, line_amount, lines, urban


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2025, 6, 15), 12, date(2024, 6, 15)),
        (date(2025, 3, 31), 1, date(2025, 2, 28)),
        (date(2024, 2, 29), 12, date(2023, 2, 28)),
        (date(2025, 1, 10), 13, date(2023, 12, 10)),
    ],
)
def test_months_before_clamps_to_the_end_of_the_month(day: date, months: int, expected: date) -> None:
    assert months_before(day, months) == expected


@pytest.mark.parametrize(
    ("paid_on", "counted"),
    [
        (date(2024, 6, 15), False),  # the same day a year earlier is outside
        (date(2024, 6, 16), True),
        (date(2025, 6, 15), True),  # the review date itself is inside
        (date(2025, 6, 16), False),  # after the review date
    ],
)
def test_medical_window_is_the_twelve_months_up_to_the_review_date(paid_on: date, counted: bool) -> None:
    household = urban(
        Member("a", "张三"),
        expenses=[ExpenseItem("a", ExpenseKind.MEDICAL, D(1200), paid_on=paid_on)],
    )
    result = run_means_test(household, POLICY, REVIEW_DATE)
    assert result.deductions == (D("100.00") if counted else D("0.00"))
    expected_code = "medical_out_of_pocket" if counted else "outside_lookback_window"
    assert lines(result, "expense") == [("a", expected_code, "1200.00", counted)]


@pytest.mark.parametrize(
    ("rehabilitation", "monthly_deduction", "rule_code", "benefit"),
    [
        # 400 × 12 = 4800 a year, capped at 3000 → 250 a month; (650 − (1000 − 250) / 2) × 2
        (ExpenseItem("s", ExpenseKind.REHABILITATION, D(400), period=ExpensePeriod.MONTHLY), "250.00",
         "rehabilitation_capped", "550.00"),
        # 2400 a year is under the cap → 200 a month
        (ExpenseItem("s", ExpenseKind.REHABILITATION, D(2400), period=ExpensePeriod.YEARLY), "200.00",
         "rehabilitation_monthly", "500.00"),
    ],
)  # fmt: skip
def test_rehabilitation_is_capped_per_year(
    rehabilitation: ExpenseItem, monthly_deduction: str, rule_code: str, benefit: str
) -> None:
    household = urban(
        Member("m", "赵丽", "parent"),
        Member("s", "孙浩", "child", disability_grade=2),
        incomes=[IncomeItem("m", "wages", D(1000))],
        expenses=[rehabilitation],
    )
    result = run_means_test(household, POLICY, REVIEW_DATE)
    assert result.benefit == D(benefit)
    assert ("s", rule_code, monthly_deduction, True) in lines(result, "deduction")
    if rule_code == "rehabilitation_capped":
        capped = [line for line in result.trace if line.rule_code == rule_code][0]
        assert capped.rule == "年度实际 4800.00 元，超过年度上限 3000.00 元，按 3000.00 元 ÷ 12"


def test_rehabilitation_cap_comes_from_the_area_policy() -> None:
    household = urban(
        Member("s", "孙浩", disability_grade=1),
        expenses=[ExpenseItem("s", ExpenseKind.REHABILITATION, D(6000), period=ExpensePeriod.YEARLY)],
    )
    result = run_means_test(household, replace(POLICY, rehabilitation_cap_per_year=D(4800)), REVIEW_DATE)
    assert result.deductions == D("400.00")


@pytest.mark.parametrize(
    ("category", "work_place_standard", "employment_cost", "eligible", "per_capita", "benefit"),
    [
        # (1100 + 300 − 195) / 2 = 602.50 → (650 − 602.50) × 2
        (EmploymentCategory.DISCHARGED_SOLDIER, None, "195.00", True, "602.50", "95.00"),
        (EmploymentCategory.NEW_GRADUATE, None, "195.00", True, "602.50", "95.00"),
        (EmploymentCategory.RELEASED_PRISONER, None, "195.00", True, "602.50", "95.00"),
        # works where the standard is 700: 30% × 700 = 210
        (EmploymentCategory.DISCHARGED_SOLDIER, D(700), "210.00", True, "595.00", "110.00"),
        # other workers get no deduction: 1400 / 2 = 700 is above the standard
        (EmploymentCategory.OTHER, None, None, False, "700.00", "0.00"),
    ],
)
def test_employment_cost_is_a_share_of_the_standard_for_three_groups(
    category: EmploymentCategory,
    work_place_standard: Decimal | None,
    employment_cost: str | None,
    eligible: bool,
    per_capita: str,
    benefit: str,
) -> None:
    household = urban(
        Member(
            "w",
            "陈军",
            employed=True,
            employment_category=category,
            work_place_monthly_standard=work_place_standard,
        ),
        Member("p", "陈母", "parent"),
        incomes=[IncomeItem("w", "wages", D(1100)), IncomeItem("p", "pension", D(300))],
    )
    result = run_means_test(household, POLICY, REVIEW_DATE)
    assert (result.eligible, str(result.per_capita_income), str(result.benefit)) == (
        eligible,
        per_capita,
        benefit,
    )
    employment = [line for line in lines(result) if line[1] == "employment_cost"]
    assert employment == ([("w", "employment_cost", employment_cost, True)] if employment_cost else [])
    if not eligible:
        assert failed_codes(result) == ["per_capita_income_below_standard"]


def test_employment_cost_rule_text_names_rate_and_standard() -> None:
    household = urban(
        Member("w", "陈军", employed=True, employment_category=EmploymentCategory.NEW_GRADUATE),
        incomes=[IncomeItem("w", "wages", D(800))],
    )
    (line,) = [
        line
        for line in run_means_test(household, POLICY, REVIEW_DATE).trace
        if line.rule_code == "employment_cost"
    ]
    assert line.label == "就业成本（应届毕业生）"
    assert line.rule == "低保标准 650.00 元 × 30%"


def test_education_beyond_compulsory_and_own_pension_share() -> None:
    household = urban(
        Member("a", "郑华"),
        Member("b", "郑大学", "child"),
        Member("c", "郑小学", "child"),
        incomes=[IncomeItem("a", "wages", D(24000), period=IncomePeriod.YEARLY)],
        expenses=[
            ExpenseItem("b", ExpenseKind.EDUCATION, D(6000), period=ExpensePeriod.YEARLY,
                        education_level=EducationLevel.UNDERGRADUATE, paid_by_others=D(1200)),
            ExpenseItem("b", ExpenseKind.EDUCATION, D(30000), period=ExpensePeriod.YEARLY,
                        education_level=EducationLevel.POSTGRADUATE, study_abroad=True),
            ExpenseItem("c", ExpenseKind.EDUCATION, D(500), period=ExpensePeriod.YEARLY,
                        education_level=EducationLevel.COMPULSORY),
            ExpenseItem("a", ExpenseKind.PENSION_CONTRIBUTION, D(300), period=ExpensePeriod.MONTHLY,
                        paid_by_others=D(100)),
        ],
    )  # fmt: skip
    result = run_means_test(household, POLICY, REVIEW_DATE)
    assert lines(result, "expense", "deduction") == [
        ("b", "education_tuition", "4800.00", True),
        ("b", "study_abroad", "30000.00", False),
        ("c", "education_level_not_deductible", "500.00", False),
        ("a", "pension_own_share", "2400.00", True),
        ("b", "education_monthly", "400.00", True),
        ("a", "pension_contribution_monthly", "200.00", True),
    ]
    # (2000 − 600) / 3 = 466.67 → (650 − 466.67) × 3
    assert (result.per_capita_income, result.benefit) == (D("466.67"), D("549.99"))


def test_deductions_never_make_income_negative() -> None:
    household = urban(
        Member("a", "冯强", serious_illness=True),
        Member("b", "冯妻", "spouse"),
        incomes=[IncomeItem("a", "wages", D(300))],
        expenses=[ExpenseItem("a", ExpenseKind.MEDICAL, D(24000), paid_on=date(2025, 1, 5))],
    )
    result = run_means_test(household, POLICY, REVIEW_DATE)
    assert result.per_capita_income == D("0.00")
    assert result.benefit == D("1300.00")  # never more than standard × covered members
    assert line_amount(result, "net_income") == "0.00"
