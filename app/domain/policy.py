"""An area's social-assistance policy values: every *local* number lives here, never in code.

`AreaPolicy` is a pure, frozen value. The persistence layer keeps one row per area and
effective date and turns it into an `AreaPolicy`; the rules in `app.domain` only read it.
The defaults are example values (urban standard 650 元 as in Ziyang 2023, rural 5016 元/year)
so tests can build a policy in one line; a real area always sets its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum


class HouseholdType(StrEnum):
    """Urban or rural registration: the two have different 低保 standards."""

    URBAN = "urban"
    RURAL = "rural"


DEFAULT_INCOME_EXCLUSIONS = ("special_care_benefit", "award", "scholarship", "disability_allowance")
DEFAULT_DEDUCTIBLE_EDUCATION_LEVELS = (
    "senior_high",
    "secondary_vocational",
    "higher_vocational",
    "undergraduate",
    "postgraduate",
)


@dataclass(frozen=True)
class AreaPolicy:
    """The policy values in force in one area from `effective_from` on; all money in 元."""

    area_code: str = "000000"
    area_name: str = "示例地区"
    effective_from: date = date(2025, 1, 1)

    # 低保 standards, per person per month (a rural standard of 5016 元/year is 418 元/month).
    urban_monthly_standard: Decimal = Decimal("650")
    rural_monthly_standard: Decimal = Decimal("418")
    # Benefits are rounded half-up to this unit: Decimal("0.01") = to the fen, Decimal("1") = to the yuan.
    benefit_rounding_unit: Decimal = Decimal("0.01")

    # 特困 basic support standard per person per month, and the monthly care standard by care level.
    extreme_poverty_urban_monthly_standard: Decimal = Decimal("845")
    extreme_poverty_rural_monthly_standard: Decimal = Decimal("544")
    care_standard_self_care: Decimal = Decimal("0")
    care_standard_partial_care: Decimal = Decimal("300")
    care_standard_full_care: Decimal = Decimal("600")
    extreme_poverty_minor_age: int = 18

    # Asset limits of the means test.
    deposit_limit_per_capita: Decimal = Decimal("20000")
    max_houses: int = 1
    max_vehicles: int = 0

    # Income categories left out of household income (special-care benefits, awards, ...).
    income_exclusion_categories: tuple[str, ...] = DEFAULT_INCOME_EXCLUSIONS

    # Rigid-expenditure deductions.
    medical_lookback_months: int = 12
    rehabilitation_cap_per_year: Decimal = Decimal("3000")
    deductible_education_levels: tuple[str, ...] = DEFAULT_DEDUCTIBLE_EDUCATION_LEVELS
    employment_cost_rate: Decimal = Decimal("0.30")

    # Single-person household (单人户) of a near-poor household (低保边缘家庭).
    near_poor_income_multiple: Decimal = Decimal("1.5")
    severe_disability_grades: tuple[int, ...] = (1, 2)

    # Procedure deadlines.
    decision_deadline_working_days: int = 20
    decision_extension_working_days: int = 10
    decision_notice_working_days: int = 3

    # Dynamic management after approval.
    gradual_exit_months: int = 6
    gradual_exit_months_registered_poverty: int = 12
    delayed_exit_income_multiple: Decimal = Decimal("1.5")
    review_cycle_months_stable: int = 12
    review_cycle_months_unstable: int = 6
    checkin_window_days: int = 30
    checkin_grace_days: int = 15
    # Quarterly check-ins: remind this many days before the window closes; this many missed windows in a
    # row send the case to the township; a check-in farther than this from the registered home, or one
    # phone checking in more than this many different people in a quarter, is shown to a reviewer.
    checkin_reminder_days: int = 7
    checkin_missed_limit: int = 3
    checkin_distance_limit_m: int = 5000
    checkin_device_person_limit: int = 3

    # Temporary assistance.
    temporary_assistance_township_multiple: Decimal = Decimal("4")
    emergency_paperwork_days: int = 5

    def monthly_standard(self, household_type: HouseholdType) -> Decimal:
        """The 低保 standard per person per month for this household type."""
        if household_type is HouseholdType.RURAL:
            return self.rural_monthly_standard
        return self.urban_monthly_standard

    def extreme_poverty_standard(self, household_type: HouseholdType) -> Decimal:
        """The 特困 basic support standard per person per month for this household type."""
        if household_type is HouseholdType.RURAL:
            return self.extreme_poverty_rural_monthly_standard
        return self.extreme_poverty_urban_monthly_standard

    def employment_cost(self, work_place_standard: Decimal) -> Decimal:
        """The monthly employment-cost deduction for one eligible employed member."""
        return self.employment_cost_rate * work_place_standard

    def gradual_exit_months_for(self, registered_poverty: bool) -> int:
        """Months of benefits kept after income rises above the standard (渐退期)."""
        return self.gradual_exit_months_registered_poverty if registered_poverty else self.gradual_exit_months

    def delayed_exit_threshold(self, household_type: HouseholdType) -> Decimal:
        """Monthly employment income above which the delayed-exit rule applies."""
        return self.delayed_exit_income_multiple * self.monthly_standard(household_type)

    def township_temporary_assistance_limit(self, household_type: HouseholdType) -> Decimal:
        """The largest temporary-assistance amount a township approves on its own."""
        return self.temporary_assistance_township_multiple * self.monthly_standard(household_type)

    def review_cycle_months(self, stable: bool) -> int:
        """Months between reviews: stable households yearly, unstable ones more often."""
        return self.review_cycle_months_stable if stable else self.review_cycle_months_unstable
