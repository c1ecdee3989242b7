"""Working days on the Chinese statutory calendar, including adjusted working weekends (调休).

Source: the `holidays` package (its China calendar carries the State Council's yearly notice:
the holidays *and* the weekends worked in exchange). It is released every week or two, so a new
notice (published each November for the next year) arrives with a pin bump. A year counts as
*published* when the installed calendar has that year's adjusted working weekends.

For a year after the last published one the calendar falls back to Monday–Friday and every
answer that depends on such a day is *provisional*: a deadline is shown with `provisional=True`
and recomputed once the package knows the year. Monday–Friday errs on the early side (holiday
weekdays count as working days), so a provisional due date is never later than the real one
by more than the adjusted weekends in range. Years before the first known one raise.

Conventions:
- `add_working_days(start, n)` does not count `start` itself: the first working day is the day
  after, as in "decide within 20 working days from acceptance".
- `working_days_between(a, b)` counts the working days in the half-open range (a, b], so
  `working_days_between(a, add_working_days(a, n)) == n`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)
FIRST_YEAR = 2004
_HORIZON_YEAR = 2099  # populate the source this far ahead once; later years are provisional anyway


class CalendarOutOfRangeError(ValueError):
    """A date lies before the first year of the statutory calendar."""

    def __init__(self, day: date, first: int) -> None:
        super().__init__(f"no statutory holiday calendar for {day.isoformat()}: it starts in {first}")
        self.day = day


@dataclass(frozen=True)
class StatutoryCalendar:
    """Official working days for published years; Monday–Friday, flagged provisional, after them."""

    official_working_day: Callable[[date], bool]
    first_year: int
    last_published_year: int

    def is_provisional(self, day: date) -> bool:
        """True when `day` lies in a year whose holiday notice the source does not carry yet."""
        return day.year > self.last_published_year

    def is_working_day(self, day: date) -> bool:
        """Statutory working day (weekday not on holiday, or an adjusted weekend); Mon–Fri if provisional."""
        if day.year < self.first_year:
            raise CalendarOutOfRangeError(day, self.first_year)
        if self.is_provisional(day):
            return day.weekday() < 5
        return bool(self.official_working_day(day))


@dataclass(frozen=True)
class Deadline:
    """A due date and whether it rests on a year the calendar only guesses (Monday–Friday)."""

    due: date
    provisional: bool


_lock = threading.Lock()
_default: StatutoryCalendar | None = None


def _build_default() -> StatutoryCalendar:
    import holidays

    china = holidays.China(years=range(FIRST_YEAR, _HORIZON_YEAR + 1))
    published = {day.year for day in china.weekend_workdays if day.year >= FIRST_YEAR}
    return StatutoryCalendar(china.is_working_day, FIRST_YEAR, max(published))


def default_calendar() -> StatutoryCalendar:
    """The calendar from the installed `holidays` package (built once, thread-safe)."""
    global _default
    if _default is None:
        with _lock:
            if _default is None:
                _default = _build_default()
    return _default


def supported_years() -> tuple[int, int]:
    """The first year and the last *published* year of the installed calendar."""
    calendar = default_calendar()
    return calendar.first_year, calendar.last_published_year


def is_working_day(day: date, calendar: StatutoryCalendar | None = None) -> bool:
    """True when `day` is a working day (provisionally Mon–Fri in an unpublished year)."""
    return (calendar or default_calendar()).is_working_day(day)


def is_provisional(day: date, calendar: StatutoryCalendar | None = None) -> bool:
    """True when `day` lies in a year whose notice is not published in the installed calendar."""
    return (calendar or default_calendar()).is_provisional(day)


def add_working_days(start: date, count: int, calendar: StatutoryCalendar | None = None) -> date:
    """The `count`-th working day after `start`, not counting `start`; `count == 0` gives `start`."""
    return deadline(start, count, calendar).due


def deadline(start: date, count: int, calendar: StatutoryCalendar | None = None) -> Deadline:
    """The `count`-th working day after `start`, and whether any day counted was provisional."""
    if count < 0:
        raise ValueError("count must not be negative")
    calendar = calendar or default_calendar()
    day = start
    remaining = count
    provisional = False
    while remaining:
        day += ONE_DAY
        provisional = provisional or calendar.is_provisional(day)
        if calendar.is_working_day(day):
            remaining -= 1
    return Deadline(day, provisional)


def working_days_between(start: date, end: date, calendar: StatutoryCalendar | None = None) -> int:
    """Working days in (start, end]; negative when `end` is before `start`."""
    if end < start:
        return -working_days_between(end, start, calendar)
    calendar = calendar or default_calendar()
    total = 0
    day = start + ONE_DAY
    while day <= end:
        if calendar.is_working_day(day):
            total += 1
        day += ONE_DAY
    return total
