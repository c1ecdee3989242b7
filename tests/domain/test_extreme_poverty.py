"""The 特困 criteria: no work capacity (waived for minors and students), no means of living, no able supporter."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.domain.extreme_poverty import (
    ExtremePovertyApplicant,
    ExtremePovertyRoute,
    LegalSupporter,
    age_on,
    check_extreme_poverty,
)
from app.domain.means_test_inputs import AssetItem, AssetKind, WorkCapacity
from app.domain.policy import AreaPolicy, HouseholdType

POLICY = AreaPolicy()
TODAY = date(2025, 6, 15)
UNABLE_SON = LegalSupporter("李大", "子女", able_to_support=False, reason_unable="重度残疾")


def applicant(**changes: object) -> ExtremePovertyApplicant:
    """An elderly person with no work capacity, a small pension, and a son unable to support her."""
    values: dict[str, object] = {
        "name": "李奶奶",
        "birth_date": date(1945, 3, 1),
        "household_type": HouseholdType.RURAL,
        "work_capacity": WorkCapacity.NONE,
        "monthly_income": Decimal("150"),
        "legal_supporters": (UNABLE_SON,),
    } | changes
    return ExtremePovertyApplicant(**values)  # type: ignore[arg-type]


def failed(check_result: object) -> list[str]:
    """Codes of the criteria not met."""
    return [reason.code for reason in check_result.reasons if not reason.met]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("changes", "eligible", "route", "failed_codes"),
    [
        ({}, True, ExtremePovertyRoute.ADULT, []),
        ({"legal_supporters": ()}, True, ExtremePovertyRoute.ADULT, []),
        ({"work_capacity": WorkCapacity.PARTIAL}, False, ExtremePovertyRoute.ADULT, ["no_work_capacity"]),
        # rural standard 418: an income of 418 is not below it
        ({"monthly_income": Decimal("418")}, False, ExtremePovertyRoute.ADULT, ["no_means_of_living"]),
        ({"assets": (AssetItem(AssetKind.DEPOSIT, value=Decimal("30000")),)}, False, ExtremePovertyRoute.ADULT,
         ["deposit_limit"]),
        ({"legal_supporters": (UNABLE_SON, LegalSupporter("李二", "子女", able_to_support=True))}, False,
         ExtremePovertyRoute.ADULT, ["no_able_legal_supporter"]),
        # an orphan of 12 with full work capacity on paper: minors need not lack work capacity
        ({"birth_date": date(2013, 1, 1), "work_capacity": WorkCapacity.FULL, "legal_supporters": ()}, True,
         ExtremePovertyRoute.MINOR, []),
        # 18 the day before: still a minor; on the birthday: an adult with work capacity
        ({"birth_date": date(2007, 6, 16), "work_capacity": WorkCapacity.FULL}, True, ExtremePovertyRoute.MINOR, []),
        ({"birth_date": date(2007, 6, 15), "work_capacity": WorkCapacity.FULL}, False, ExtremePovertyRoute.ADULT,
         ["no_work_capacity"]),
        # past 18 but still in school: covered on
        ({"birth_date": date(2005, 1, 1), "work_capacity": WorkCapacity.FULL, "in_school": True}, True,
         ExtremePovertyRoute.STUDENT, []),
    ],
)  # fmt: skip
def test_extreme_poverty_criteria(
    changes: dict[str, object], eligible: bool, route: ExtremePovertyRoute, failed_codes: list[str]
) -> None:
    result = check_extreme_poverty(applicant(**changes), POLICY, TODAY)
    assert (result.eligible, result.route, failed(result)) == (eligible, route, failed_codes)


def test_reasons_name_the_able_supporters_and_serialise() -> None:
    able = LegalSupporter("李二", "子女", able_to_support=True)
    result = check_extreme_poverty(applicant(legal_supporters=(UNABLE_SON, able)), POLICY, TODAY)
    payload = result.to_dict()
    assert payload["age"] == 80 and payload["route"] == "adult" and payload["eligible"] is False
    supporter = [reason for reason in payload["reasons"] if reason["code"] == "no_able_legal_supporter"][0]
    assert supporter == {
        "code": "no_able_legal_supporter",
        "message": "有具备赡养、抚养、扶养能力的义务人：李二（子女）",
        "met": False,
    }


def test_age_on_handles_birthdays_and_leap_days() -> None:
    assert age_on(date(2000, 2, 29), date(2018, 2, 28)) == 17
    assert age_on(date(2000, 2, 29), date(2018, 3, 1)) == 18
    assert age_on(date(2000, 6, 15), date(2025, 6, 15)) == 25
