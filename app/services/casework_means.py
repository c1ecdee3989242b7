"""Running the means test (低保) or the 特困 assessment on a case's household data.

The household's declared members, incomes, assets and rigid expenditures are read from the
application; what only staff establish during the investigation (who is covered, employment
category, school level of a tuition, incomes found by verification) comes with the request. The
result with its line-by-line trace is returned and stored on the case file; the decision keeps it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from app.domain import means_test_inputs as mt
from app.domain.care_level import assess_care_level, care_standard
from app.domain.extreme_poverty import ExtremePovertyApplicant, LegalSupporter, check_extreme_poverty
from app.domain.means_test import run_means_test
from app.domain.means_test_trace import money_text, to_fen
from app.domain.policy import AreaPolicy
from app.errors import AppError
from app.extensions import db
from app.models import Application
from app.models.types import utcnow
from app.services.actors import StaffActor
from app.services.casework_access import (
    application_in_scope,
    household_type_of,
    policy_of,
    require_case_file,
    require_open,
)

EMPLOYMENT_CATEGORIES = ("wages", "business")


class AssessmentInputInvalid(AppError):
    status, code, message = 422, "assessment_input_invalid", "测算所需的信息不完整"


def domain_household(application: Application, params: dict[str, Any]) -> mt.Household:
    """The means-test input from the application's household and the staff's findings."""
    household = application.household
    member_params = {p["member_id"]: p for p in params.get("members", [])}
    expense_params = {p["expense_id"]: p for p in params.get("expenses", [])}
    applicant_member = next(
        (m.id for m in household.members if m.person_id == application.applicant_id), None
    )
    spread = int(params.get("one_off_spread_months") or 12)
    errors: dict[str, list[str]] = {}
    unknown = (set(member_params) - {m.id for m in household.members}) | (
        set(expense_params) - {e.id for e in household.expenses}
    )
    if unknown:
        raise AssessmentInputInvalid(errors={"members": ["包含不属于这个家庭的成员或支出项目"]})

    members = []
    for m in household.members:
        p = member_params.get(m.id, {})
        members.append(
            mt.Member(
                id=m.id,
                name=m.person.name or "（未填姓名）",
                relation=m.relation or "other",
                co_resident=m.co_resident,
                covered=p.get("covered", True),
                birth_date=m.person.birth_date,
                disability_grade=m.person.disability_grade,
                serious_illness=bool(m.person.serious_illness),
                work_capacity=m.person.work_capacity or "full",
                employed=p.get("employed", False),
                employment_category=p.get("employment_category"),
                work_place_monthly_standard=_money(p.get("work_place_monthly_standard")),
            )
        )
    incomes = [
        mt.IncomeItem(
            member_id=i.member_id or applicant_member,
            category=i.category,
            amount=i.amount or Decimal("0"),
            period=i.period or "monthly",
            spread_months=spread if i.period == "once" else 1,
        )
        for i in household.incomes
    ]
    for extra in params.get("extra_incomes", []):
        incomes.append(
            mt.IncomeItem(
                member_id=extra["member_id"] or applicant_member,
                category=extra["category"],
                amount=_money(extra["amount"]),
                period=extra.get("period", "monthly"),
                spread_months=spread if extra.get("period") == "once" else 1,
                label=f"核实发现：{extra.get('note') or extra['category']}",
            )
        )
    assets = [
        mt.AssetItem(kind=a.kind, member_id=a.member_id, value=a.amount or Decimal("0"), count=a.quantity)
        for a in household.assets
    ]
    expenses = []
    for e in household.expenses:
        p = expense_params.get(e.id, {})
        if e.kind == "education" and not p.get("education_level"):
            errors.setdefault("expenses", []).append("学费支出需注明就读阶段（education_level）")
            continue
        if e.incurred_on is None and e.period == "once":
            errors.setdefault("expenses", []).append("一次性支出需有支付日期")
            continue
        expenses.append(
            mt.ExpenseItem(
                member_id=e.member_id or applicant_member,
                kind=e.kind,
                amount=e.amount or Decimal("0"),
                period="payment" if e.incurred_on else ("monthly" if e.period == "monthly" else "yearly"),
                paid_on=e.incurred_on,
                paid_by_others=e.reimbursed or Decimal("0"),
                travel_lodging=p.get("travel_lodging", False),
                study_abroad=p.get("study_abroad", False),
                education_level=p.get("education_level"),
            )
        )
    if errors:
        raise AssessmentInputInvalid(errors=errors)
    return mt.Household(
        household_type_of(application), tuple(members), tuple(incomes), tuple(assets), tuple(expenses)
    )


def employment_income(household: mt.Household) -> Decimal:
    """Monthly wages and business income of co-resident members (for the delayed-exit rule)."""
    residents = {m.id for m in household.co_resident_members}
    return to_fen(
        sum(
            (
                i.monthly_amount()
                for i in household.incomes
                if i.category in EMPLOYMENT_CATEGORIES and i.member_id in residents
            ),
            Decimal("0"),
        )
    )


def assess(application: Application, policy: AreaPolicy, params: dict[str, Any], on: date) -> dict[str, Any]:
    """The 低保 means test or the 特困 assessment as a JSON-ready dict with its trace."""
    try:
        household = domain_household(application, params)
        if application.program == "tekun":
            return _extreme_poverty(application, household, policy, params, on)
        result = run_means_test(household, policy, on, params.get("single_person_member_id"))
    except (ValueError, TypeError, KeyError) as exc:
        raise AssessmentInputInvalid(errors={"_schema": [f"测算数据有误：{exc}"]}) from exc
    return {
        "kind": "dibao",
        "reference_date": on.isoformat(),
        **result.to_dict(),
        "covered_count": len(result.covered_member_ids),
        "employment_income": str(employment_income(household)),
    }


def _extreme_poverty(
    application: Application, household: mt.Household, policy: AreaPolicy, params: dict[str, Any], on: date
) -> dict[str, Any]:
    tekun = params.get("tekun")
    applicant = next((m for m in household.members if m.relation == "self"), household.members[0])
    if not tekun or applicant.birth_date is None:
        raise AssessmentInputInvalid(errors={"tekun": ["特困认定需填写六项日常生活活动评估和法定义务人情况"]})
    own_income = sum(
        (
            i.monthly_amount()
            for i in household.incomes
            if i.member_id == applicant.id and i.category not in policy.income_exclusion_categories
        ),
        Decimal("0"),
    )
    check = check_extreme_poverty(
        ExtremePovertyApplicant(
            name=applicant.name,
            birth_date=applicant.birth_date,
            household_type=household.household_type,
            work_capacity=applicant.work_capacity,
            monthly_income=to_fen(own_income),
            in_school=tekun.get("in_school", False),
            assets=tuple(a for a in household.assets if a.member_id in (None, applicant.id)),
            legal_supporters=tuple(LegalSupporter(**s) for s in tekun.get("legal_supporters", [])),
        ),
        policy,
        on,
    )
    care = assess_care_level(tekun["activities"])
    basic = to_fen(policy.extreme_poverty_standard(household.household_type))
    care_amount = to_fen(care_standard(policy, care.level))
    benefit = basic + care_amount if check.eligible else Decimal("0.00")
    trace = [
        {
            "kind": "standard",
            "label": "特困人员基本生活标准",
            "amount": money_text(basic),
            "unit": "yuan_per_month",
        },
        {
            "kind": "care",
            "label": f"照料护理标准（{care.label}）",
            "amount": money_text(care_amount),
            "unit": "yuan_per_month",
            "rule": "未达成活动：" + ("、".join(care.to_dict()["failed_labels"]) or "无"),
        },
        {
            "kind": "calculation",
            "label": "月供养金",
            "amount": money_text(benefit),
            "unit": "yuan_per_month",
            "rule": f"{money_text(basic)} + {money_text(care_amount)}"
            if check.eligible
            else "不符合特困条件",
        },
    ]
    return {
        "kind": "tekun",
        "reference_date": on.isoformat(),
        "eligible": check.eligible,
        "reasons": [r.to_dict() for r in check.reasons],
        "care": care.to_dict(),
        "benefit": money_text(benefit),
        "covered_count": 1 if check.eligible else 0,
        "trace": trace,
        "employment_income": str(employment_income(household)),
    }


def run_assessment(actor: StaffActor, application_id: str, params: dict[str, Any]) -> dict[str, Any]:
    """Run and store the assessment of a case under investigation or review."""
    application = application_in_scope(actor, application_id)
    require_open(application)
    if application.stage not in ("investigating", "reviewing", "hearing"):
        raise AppError("调查或审核阶段才能进行测算", code="not_investigating", status=409)
    if application.program not in ("dibao", "tekun"):
        raise AppError("临时救助不需要进行低保测算", code="assessment_not_applicable", status=409)
    case = require_case_file(application)
    on = params.get("reference_date") or case.accepted_on
    stored_params = {k: v for k, v in params.items() if k != "reference_date"}
    result = assess(application, policy_of(application, on), _jsonable(stored_params), on)
    case.assessment = result
    case.assessment_params = _jsonable(stored_params)
    case.assessed_at = utcnow()
    db.session.flush()
    return result


def _money(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _jsonable(value: Any) -> Any:
    """Decimals and dates as strings, so the parameters can be stored as JSON and read back."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value
