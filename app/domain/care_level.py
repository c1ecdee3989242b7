"""Care level of a 特困 person (全自理 / 半护理 / 全护理) from the six daily activities."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from app.domain.policy import AreaPolicy

# With this many failed activities or more the person needs full care; fewer (but some) is partial care.
FULL_CARE_MIN_FAILED = 4


class DailyActivity(StrEnum):
    """The six activities of daily living assessed for the care level."""

    EATING = "eating"
    DRESSING = "dressing"
    BED_TRANSFER = "bed_transfer"
    TOILETING = "toileting"
    INDOOR_WALKING = "indoor_walking"
    BATHING = "bathing"


ACTIVITY_LABELS: dict[DailyActivity, str] = {
    DailyActivity.EATING: "进食",
    DailyActivity.DRESSING: "穿衣",
    DailyActivity.BED_TRANSFER: "上下床",
    DailyActivity.TOILETING: "如厕",
    DailyActivity.INDOOR_WALKING: "室内行走",
    DailyActivity.BATHING: "洗澡",
}


class CareLevel(StrEnum):
    """全自理 (self-care), 半护理 (partial care), 全护理 (full care)."""

    SELF_CARE = "self_care"
    PARTIAL_CARE = "partial_care"
    FULL_CARE = "full_care"


CARE_LEVEL_LABELS: dict[CareLevel, str] = {
    CareLevel.SELF_CARE: "全自理",
    CareLevel.PARTIAL_CARE: "半护理",
    CareLevel.FULL_CARE: "全护理",
}


@dataclass(frozen=True)
class CareAssessment:
    """The care level and the activities the person could not achieve."""

    level: CareLevel
    failed_activities: tuple[DailyActivity, ...]

    @property
    def label(self) -> str:
        """The Chinese name of the care level."""
        return CARE_LEVEL_LABELS[self.level]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form."""
        return {
            "level": self.level.value,
            "label": self.label,
            "failed_activities": [activity.value for activity in self.failed_activities],
            "failed_labels": [ACTIVITY_LABELS[activity] for activity in self.failed_activities],
        }


def assess_care_level(achieved: Mapping[DailyActivity | str, bool]) -> CareAssessment:
    """Care level from whether each of the six activities is achieved: none failed, ≤3 failed, ≥4 failed."""
    results = {DailyActivity(activity): bool(done) for activity, done in achieved.items()}
    missing = [activity.value for activity in DailyActivity if activity not in results]
    if missing:
        raise ValueError(f"every daily activity must be assessed; missing: {', '.join(missing)}")
    failed = tuple(activity for activity in DailyActivity if not results[activity])
    if not failed:
        level = CareLevel.SELF_CARE
    elif len(failed) >= FULL_CARE_MIN_FAILED:
        level = CareLevel.FULL_CARE
    else:
        level = CareLevel.PARTIAL_CARE
    return CareAssessment(level=level, failed_activities=failed)


def care_standard(policy: AreaPolicy, level: CareLevel) -> Decimal:
    """The monthly care standard the area pays for this care level."""
    return {
        CareLevel.SELF_CARE: policy.care_standard_self_care,
        CareLevel.PARTIAL_CARE: policy.care_standard_partial_care,
        CareLevel.FULL_CARE: policy.care_standard_full_care,
    }[level]
