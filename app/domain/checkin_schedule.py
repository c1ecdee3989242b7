"""Quarterly check-in calendar: quarters, window dates from the area policy, reminder and miss rules. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


class BadQuarter(ValueError):
    """A quarter not written like 2026Q4."""


def quarter_of(day: date) -> str:
    """The quarter a day lies in, as `2026Q4`."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def quarter_start(quarter: str) -> date:
    """The first day of a quarter written as `2026Q4`; BadQuarter otherwise."""
    match = _QUARTER.match(quarter or "")
    if not match:
        raise BadQuarter("季度应写成 2026Q4 这样的格式")
    return date(int(match.group(1)), (int(match.group(2)) - 1) * 3 + 1, 1)


def previous_quarter(quarter: str) -> str:
    """The quarter before this one."""
    return quarter_of(quarter_start(quarter) - timedelta(days=1))


@dataclass(frozen=True)
class WindowDates:
    """When a quarter's window opens, its last day, and the last day of its grace period."""

    opens_on: date
    closes_on: date
    grace_until: date


def window_dates(quarter: str, window_days: int, grace_days: int) -> WindowDates:
    """The window of a quarter: it opens on the quarter's first day and lasts `window_days` days."""
    if window_days < 1 or grace_days < 0:
        raise ValueError("window_days must be at least 1 and grace_days not negative")
    opens = quarter_start(quarter)
    closes = opens + timedelta(days=window_days - 1)
    return WindowDates(opens, closes, closes + timedelta(days=grace_days))


def reminder_due(today: date, dates: WindowDates, reminder_days: int) -> bool:
    """Whether the one reminder of a window should go out today (within `reminder_days` of closing)."""
    return dates.closes_on - timedelta(days=reminder_days) <= today <= dates.closes_on


def grace_passed(today: date, grace_until: date) -> bool:
    """Whether the window and its grace period are over."""
    return today > grace_until


def consecutive_misses(statuses_newest_first: list[str]) -> int:
    """How many windows in a row, newest first, ended missed (a check-in breaks the run)."""
    count = 0
    for status in statuses_newest_first:
        if status != "missed":
            break
        count += 1
    return count
