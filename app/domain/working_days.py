"""Working days on the Chinese statutory calendar, including adjusted working weekends (调休).

The calendar comes from the `chinese-calendar` package, which carries the State Council's
holiday notices year by year. Conventions:

- `add_working_days(start, n)` does not count `start` itself: the first working day is the day
  after, as in "decide within 20 working days from acceptance" (an application accepted on a
  Friday has its first working day on the next working day).
- `working_days_between(a, b)` counts the working days in the half-open range (a, b], so
  `working_days_between(a, add_working_days(a, n)) == n`.
- A date in a year the package does not know raises `CalendarOutOfRangeError`: a silently wrong
  deadline is worse than an error. Upgrading the package each year (the notice for year Y comes
  out late in year Y-1) extends the range.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
from chinese_calendar.constants import holidays as _known_holidays

ONE_DAY = timedelta(days=1)


class CalendarOutOfRangeError(ValueError):
    """A date lies in a year for which the statutory holiday calendar is not known."""

    def __init__(self, day: date) -> None:
        first, last = supported_years()
        super().__init__(
            f"no statutory holiday calendar for {day.isoformat()}: known years are {first}–{last}"
        )
        self.day = day


def supported_years() -> tuple[int, int]:
    """The first and last year the installed holiday calendar covers."""
    years = [day.year for day in _known_holidays]
    return min(years), max(years)


def is_working_day(day: date) -> bool:
    """True when `day` is a statutory working day (weekday not on holiday, or an adjusted weekend)."""
    first, last = supported_years()
    if not first <= day.year <= last:
        raise CalendarOutOfRangeError(day)
    return bool(chinese_calendar.is_workday(day))


def add_working_days(start: date, count: int) -> date:
    """The `count`-th working day after `start`, not counting `start`; `count == 0` gives `start`."""
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    remaining = count
    while remaining:
        day += ONE_DAY
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days in (start, end]; negative when `end` is before `start`."""
    if end < start:
        return -working_days_between(end, start)
    total = 0
    day = start + ONE_DAY
    while day <= end:
        if is_working_day(day):
            total += 1
        day += ONE_DAY
    return total
