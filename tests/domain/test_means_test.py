"""Worked examples of the 低保 means test, each checking the amounts and the trace that explains them.

Unless a test says otherwise: urban standard 650 元/month, deposits limit 20000 元 per person,
one house, no vehicle, review date 2025-06-15 (medical window 2024-06-16 .. 2025-06-15).
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from app.domain.means_test import CoverageRoute, run_means_test
from app.domain.means_test_inputs import (
    AssetItem,
    AssetKind,
    ExpenseItem,
    ExpenseKind,
    Household,
    IncomeItem,
    IncomePeriod,
    Member,
)
from app.domain.policy import HouseholdType
from tests.domain.means_helpers import POLICY, REVIEW_DATE, D, failed_codes, line_amount, lines, urban


def test_three_person_household_with_medical_costs_in_and_out_of_the_window() -> None:
    household = urban(
        Member("a", "王建国", "self"),
        Member("b", "李秀英", "spouse", serious_illness=True),
        Member("c", "王小明", "child"),
        Member("d", "王老汉", "parent", co_resident=False),
        incomes=[IncomeItem("a", "wages", D(1800)), IncomeItem("d", "pension", D(3000))],
        expenses=[
            ExpenseItem("b", ExpenseKind.MEDICAL, D(8000), paid_on=date(2025, 3, 10), paid_by_others=D(5000)),
            ExpenseItem("b", ExpenseKind.MEDICAL, D(2400), paid_on=date(2024, 9, 1)),
            ExpenseItem("b", ExpenseKind.MEDICAL, D(6000), paid_on=date(2024, 5, 20)),
            ExpenseItem("b", ExpenseKind.MEDICAL, D(600), paid_on=date(2025, 3, 10), travel_lodging=True),
        ],
        assets=[AssetItem(AssetKind.DEPOSIT, "a", D(9000)), AssetItem(AssetKind.HOUSING, "a", count=1)],
    )
    result = run_means_test(household, POLICY, REVIEW_DATE)

    assert result.eligible
    assert result.route is CoverageRoute.HOUSEHOLD
    assert (result.household_income, result.deductions) == (D("1800.00"), D("450.00"))
    assert result.per_capita_income == D("450.00")
    assert result.benefit == D("600.00")  # (650 − 450) × 3
    assert result.covered_member_ids == ("a", "b", "c")
    assert failed_codes(result) == []
    assert lines(result) == [
        (None, "monthly_standard", "650.00", True),
        ("a", "co_resident", None, True),
        ("b", "co_resident", None, True),
        ("c", "co_resident", None, True),
        ("d", "not_co_resident", None, False),
        (None, "co_resident_count", "3", True),
        ("a", "income_counted", "1800.00", True),
        ("d", "not_co_resident", "3000.00", False),
        (None, "household_income", "1800.00", True),
        ("b", "medical_out_of_pocket", "3000.00", True),
        ("b", "medical_out_of_pocket", "2400.00", True),
        ("b", "outside_lookback_window", "6000.00", False),
        ("b", "medical_travel_lodging", "600.00", False),
        ("b", "medical_monthly", "450.00", True),
        (None, "deductions_total", "450.00", True),
        (None, "net_income", "1350.00", True),
        (None, "per_capita_income", "450.00", True),
        ("a", "asset_declared", "9000.00", True),
        ("a", "asset_declared", "1", True),
        (None, "deposit_limit", "3000.00", True),
        (None, "house_limit", "1", True),
        (None, "vehicle_limit", "0", True),
        (None, "benefit", "600.00", True),
    ]
    by_code = {line.rule_code: line for line in result.trace}
    assert "扣除医保及医疗救助报销 5000.00 元" in result.trace[9].rule
    assert by_code["medical_monthly"].rule == "12个月合计 5400.00 元 ÷ 12"
    assert by_code["medical_monthly"].label == "医疗自付费用月均扣减"
    assert by_code["per_capita_income"].rule == "1350.00 ÷ 3 人"
    assert by_code["benefit"].rule == "(650.00 − 450.00) × 3 人，按分四舍五入"


def near_poor_household(
    father: Member, wages: int = 2200, father_items: tuple[IncomeItem, ...] = ()
) -> Household:
    """Son and daughter-in-law working, a father who may be covered alone."""
    return urban(
        Member("s", "刘强"),
        Member("w", "周敏", "spouse"),
        father,
        incomes=[IncomeItem("s", "wages", D(wages)), IncomeItem("w", "wages", D(700)), *father_items],
    )


@pytest.mark.parametrize(
    ("father", "wages", "father_items", "eligible", "benefit", "failed"),
    [
        # household per capita 2900 / 3 = 966.67 < 1.5 × 650 = 975: near-poor; father has no income
        (Member("f", "刘父", "parent", disability_grade=1), 2200, (), True, "650.00", []),
        # seriously ill with a pension of 200 of his own: (2000 + 700 + 200) / 3 = 966.67; 650 − 200
        (Member("f", "刘父", "parent", serious_illness=True), 2000, (IncomeItem("f", "pension", D(200)),), True,
         "450.00", []),
        # grade 3 is not severe
        (Member("f", "刘父", "parent", disability_grade=3), 2200, (), False, "0.00",
         ["single_person_member_qualifies"]),
        # household per capita (2300 + 700) / 3 = 1000 ≥ 975: not near-poor
        (Member("f", "刘父", "parent", disability_grade=2), 2300, (), False, "0.00", ["near_poor_household"]),
    ],
)  # fmt: skip
def test_single_person_household_covers_only_the_member(
    father: Member,
    wages: int,
    father_items: tuple[IncomeItem, ...],
    eligible: bool,
    benefit: str,
    failed: list[str],
) -> None:
    result = run_means_test(near_poor_household(father, wages, father_items), POLICY, REVIEW_DATE, "f")
    assert result.route is CoverageRoute.SINGLE_PERSON
    assert (result.eligible, str(result.benefit), failed_codes(result)) == (eligible, benefit, failed)
    assert result.covered_member_ids == (("f",) if eligible else ())
    assert lines(result, "single_person")[0] == (None, "near_poor_line", "975.00", True)
    own = {code: amount for _, code, amount, _ in lines(result, "single_person")}
    assert own["own_net_income"] == ("200.00" if father_items else "0.00")


def test_single_person_route_notes_when_the_whole_household_is_below_the_standard() -> None:
    household = near_poor_household(Member("f", "刘父", "parent", disability_grade=1), wages=1000)
    result = run_means_test(household, POLICY, REVIEW_DATE, "f")
    assert result.eligible and result.benefit == D("650.00")
    assert (None, "household_below_standard", None, True) in lines(result, "note")


@pytest.mark.parametrize(
    ("exclusions", "per_capita", "benefit"),
    [
        # default list: the disability allowance and the scholarship are left out → 1000 / 2
        (None, "500.00", "300.00"),
        # an area that counts the disability allowance: (1000 + 200) / 2
        (("scholarship",), "600.00", "100.00"),
    ],
)
def test_locally_excluded_income_categories_are_shown_but_not_counted(
    exclusions: tuple[str, ...] | None, per_capita: str, benefit: str
) -> None:
    household = urban(
        Member("a", "周平"),
        Member("b", "周小雨", "child", disability_grade=2),
        incomes=[
            IncomeItem("a", "wages", D(1000)),
            IncomeItem("b", "disability_allowance", D(200)),
            IncomeItem("b", "scholarship", D(1200), period=IncomePeriod.ONE_OFF, spread_months=12),
        ],
    )
    policy = POLICY if exclusions is None else replace(POLICY, income_exclusion_categories=exclusions)
    result = run_means_test(household, policy, REVIEW_DATE)
    assert (str(result.per_capita_income), str(result.benefit)) == (per_capita, benefit)
    allowance_counted = exclusions is not None
    assert lines(result, "income") == [
        ("a", "income_counted", "1000.00", True),
        ("b", "income_counted" if allowance_counted else "excluded_category", "200.00", allowance_counted),
        ("b", "excluded_category", "100.00", False),
    ]


@pytest.mark.parametrize(
    ("assets", "failed"),
    [
        ([AssetItem(AssetKind.DEPOSIT, "a", D(50000))], ["deposit_limit"]),  # 25000 per person > 20000
        ([AssetItem(AssetKind.DEPOSIT, "a", D(40000))], []),  # exactly 20000 per person passes
        ([AssetItem(AssetKind.VEHICLE, "a")], ["vehicle_limit"]),
        ([AssetItem(AssetKind.HOUSING, "a", count=2)], ["house_limit"]),
        ([AssetItem(AssetKind.DEPOSIT, "x", D(90000))], []),  # a relative living elsewhere
    ],
)
def test_asset_limits(assets: list[AssetItem], failed: list[str]) -> None:
    household = urban(
        Member("a", "吴芳"),
        Member("b", "吴小军", "child"),
        Member("x", "吴大哥", "sibling", co_resident=False),
        incomes=[IncomeItem("a", "wages", D(500))],
        assets=assets,
    )
    result = run_means_test(household, POLICY, REVIEW_DATE)
    assert failed_codes(result) == failed
    assert result.eligible is not failed
    assert result.benefit == (D("0.00") if failed else D("800.00"))
    if failed == ["deposit_limit"]:
        assert line_amount(result, "deposit_limit") == "25000.00"
        (reason,) = result.failed_reasons
        assert reason.message == "人均存款及理财 25000.00 元，超过限额 20000.00 元"
    trace = lines(result, "calculation")
    assert trace[-1] == (None, "benefit", str(result.benefit), True)


@pytest.mark.parametrize(("pension", "eligible"), [(700, False), (650, False), (D("649.99"), True)])
def test_income_must_be_below_the_standard(pension: Decimal | int, eligible: bool) -> None:
    household = urban(Member("a", "孙奶奶"), incomes=[IncomeItem("a", "pension", D(pension))])
    result = run_means_test(household, POLICY, REVIEW_DATE)
    assert result.eligible is eligible
    if not eligible:
        assert failed_codes(result) == ["per_capita_income_below_standard"]
        assert result.benefit == D("0.00") and result.covered_member_ids == ()
        assert result.trace[-1].rule == "不符合条件，不予保障"
    else:
        assert result.benefit == D("0.01")


def test_benefit_rounds_to_the_yuan_where_the_area_pays_whole_yuan() -> None:
    household = urban(
        Member("a", "郑华"),
        Member("b", "郑大学", "child"),
        Member("c", "郑小学", "child"),
        incomes=[IncomeItem("a", "wages", D(1400))],
    )
    result = run_means_test(household, replace(POLICY, benefit_rounding_unit=D(1)), REVIEW_DATE)
    assert (result.per_capita_income, result.benefit) == (D("466.67"), D("550.00"))
    assert result.trace[-1].rule.endswith("按元四舍五入")


def test_members_not_covered_count_in_the_divisor_but_not_in_the_benefit() -> None:
    household = urban(
        Member("a", "林梅"),
        Member("b", "林伯", "parent", covered=False),
        incomes=[IncomeItem("a", "wages", D(600))],
    )
    result = run_means_test(household, replace(POLICY, urban_monthly_standard=D(500)), REVIEW_DATE)
    assert (result.per_capita_income, result.covered_member_ids, result.benefit) == (
        D("300.00"),
        ("a",),
        D("200.00"),
    )


def test_rural_households_use_the_rural_standard() -> None:
    household = Household(
        HouseholdType.RURAL,
        (Member("a", "韩农"),),
        (IncomeItem("a", "agriculture", D(3000), IncomePeriod.YEARLY),),
    )
    result = run_means_test(household, POLICY, REVIEW_DATE)
    assert (result.standard, result.per_capita_income, result.benefit) == (
        D("418.00"),
        D("250.00"),
        D("168.00"),
    )
    assert result.trace[0].label == "农村低保标准"


def test_result_serialises_to_json_for_the_api_and_the_decision_record() -> None:
    household = urban(Member("a", "张三"), incomes=[IncomeItem("a", "wages", D(100))])
    payload = json.loads(
        json.dumps(run_means_test(household, POLICY, REVIEW_DATE).to_dict(), ensure_ascii=False)
    )
    assert payload["benefit"] == "550.00"
    assert payload["trace"][0] == {
        "kind": "standard",
        "label": "城镇低保标准",
        "rule_code": "monthly_standard",
        "rule": "示例地区（000000）2025-01-01 起执行",
        "amount": "650.00",
        "unit": "yuan_per_month",
        "included": True,
        "member_id": None,
        "member_name": None,
    }
    assert {reason["code"] for reason in payload["reasons"]} >= {
        "per_capita_income_below_standard",
        "deposit_limit",
    }


def test_structurally_impossible_input_is_refused() -> None:
    with pytest.raises(TypeError):
        IncomeItem("a", "wages", 100.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown members"):
        urban(Member("a", "张三"), incomes=[IncomeItem("z", "wages", D(1))])
    with pytest.raises(ValueError, match="paid_on"):
        ExpenseItem("a", ExpenseKind.MEDICAL, D(1))
    with pytest.raises(ValueError, match="co-resident"):
        run_means_test(urban(Member("a", "张三", co_resident=False)), POLICY, REVIEW_DATE)


def test_string_keys_from_a_schema_work_like_the_enums() -> None:
    household = Household(
        "urban",  # type: ignore[arg-type]
        (
            Member(
                "w",
                "陈军",
                employed=True,
                employment_category="new_graduate",
                work_place_monthly_standard=700,
            ),
        ),  # type: ignore[arg-type]
        incomes=(IncomeItem("w", "wages", 6000, period="yearly"),),  # type: ignore[arg-type]
        expenses=(ExpenseItem("w", "education", 1200, period="yearly", education_level="higher_vocational"),),  # type: ignore[arg-type]
    )
    result = run_means_test(household, POLICY, REVIEW_DATE)
    # 500 − 30% × 700 − 1200 / 12 = 190
    assert (result.per_capita_income, result.benefit) == (D("190.00"), D("460.00"))
