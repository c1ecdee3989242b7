"""The area policy: one line to build, every local number overridable, helpers that read it."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, replace
from decimal import Decimal

import pytest

from app.domain.policy import AreaPolicy, HouseholdType


def test_defaults_carry_the_documented_policy_values() -> None:
    policy = AreaPolicy()
    assert policy.monthly_standard(HouseholdType.URBAN) == Decimal("650")
    assert policy.monthly_standard(HouseholdType.RURAL) * 12 == Decimal("5016")
    assert policy.rehabilitation_cap_per_year == Decimal("3000")
    assert policy.employment_cost(Decimal("650")) == Decimal("195.00")
    assert policy.decision_deadline_working_days == 20
    assert (policy.gradual_exit_months_for(False), policy.gradual_exit_months_for(True)) == (6, 12)
    assert policy.delayed_exit_threshold(HouseholdType.URBAN) == Decimal("975.0")
    assert (policy.review_cycle_months(True), policy.review_cycle_months(False)) == (12, 6)
    assert policy.township_temporary_assistance_limit(HouseholdType.URBAN) == Decimal("2600")


def test_an_area_overrides_its_local_numbers_and_the_value_stays_frozen() -> None:
    bozhou = replace(AreaPolicy(), area_name="亳州", urban_monthly_standard=Decimal("628"),
                     temporary_assistance_township_multiple=Decimal("6"))  # fmt: skip
    assert bozhou.township_temporary_assistance_limit(HouseholdType.URBAN) == Decimal("3768")
    assert hash(bozhou) != hash(AreaPolicy())
    with pytest.raises(FrozenInstanceError):
        bozhou.max_vehicles = 1  # type: ignore[misc]
