"""Care level of a 特困 person from the six daily activities."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from app.domain.care_level import CareLevel, DailyActivity, assess_care_level, care_standard
from app.domain.policy import AreaPolicy

ALL = list(DailyActivity)


def assessed(*failed: DailyActivity) -> dict[DailyActivity, bool]:
    """All six activities, achieved except the failed ones."""
    return {activity: activity not in failed for activity in ALL}


@pytest.mark.parametrize(
    ("failed", "level", "label"),
    [
        ((), CareLevel.SELF_CARE, "全自理"),
        ((DailyActivity.BATHING,), CareLevel.PARTIAL_CARE, "半护理"),
        ((DailyActivity.BATHING, DailyActivity.INDOOR_WALKING), CareLevel.PARTIAL_CARE, "半护理"),
        (
            (DailyActivity.BATHING, DailyActivity.INDOOR_WALKING, DailyActivity.TOILETING),
            CareLevel.PARTIAL_CARE,
            "半护理",
        ),
        (tuple(ALL[:4]), CareLevel.FULL_CARE, "全护理"),
        (tuple(ALL[:5]), CareLevel.FULL_CARE, "全护理"),
        (tuple(ALL), CareLevel.FULL_CARE, "全护理"),
    ],
)
def test_care_level_from_failed_activities(
    failed: tuple[DailyActivity, ...], level: CareLevel, label: str
) -> None:
    assessment = assess_care_level(assessed(*failed))
    assert assessment.level is level
    assert assessment.label == label
    assert set(assessment.failed_activities) == set(failed)


def test_activities_may_be_given_by_their_keys_and_serialise() -> None:
    keys = {activity.value: True for activity in ALL} | {"eating": False}
    assessment = assess_care_level(keys)
    assert assessment.to_dict() == {
        "level": "partial_care",
        "label": "半护理",
        "failed_activities": ["eating"],
        "failed_labels": ["进食"],
    }


def test_every_activity_must_be_assessed() -> None:
    partial = assessed()
    del partial[DailyActivity.BATHING]
    with pytest.raises(ValueError, match="bathing"):
        assess_care_level(partial)
    with pytest.raises(ValueError):
        assess_care_level(assessed() | {"swimming": True})  # type: ignore[operator]


def test_care_standard_comes_from_the_area_policy() -> None:
    policy = replace(AreaPolicy(), care_standard_full_care=Decimal("1200"))
    assert care_standard(policy, CareLevel.FULL_CARE) == Decimal("1200")
    assert care_standard(policy, CareLevel.PARTIAL_CARE) == policy.care_standard_partial_care
