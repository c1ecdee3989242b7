"""Working days on the statutory calendar: holidays, adjusted working weekends, and the calendar's edges."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.working_days import (
    CalendarOutOfRangeError,
    add_working_days,
    is_working_day,
    supported_years,
    working_days_between,
)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 9, 26), True),  # an ordinary Friday
        (date(2025, 9, 27), False),  # an ordinary Saturday
        (date(2025, 9, 28), True),  # Sunday worked for National Day (调休)
        (date(2025, 10, 1), False),  # National Day
        (date(2025, 10, 8), False),  # last day of the National Day / Mid-Autumn break
        (date(2025, 10, 9), True),
        (date(2025, 10, 11), True),  # Saturday worked for National Day
        (date(2026, 1, 4), True),  # Sunday worked for New Year
        (date(2026, 2, 14), True),  # Saturday worked for Spring Festival
        (date(2026, 2, 17), False),  # Spring Festival (初一)
        (date(2026, 2, 23), False),  # last day of the Spring Festival break, a Monday
        (date(2026, 2, 28), True),  # Saturday worked for Spring Festival
    ],
)
def test_is_working_day_follows_the_statutory_calendar(day: date, working: bool) -> None:
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "count", "due"),
    [
        (date(2025, 9, 26), 0, date(2025, 9, 26)),
        (date(2025, 9, 26), 1, date(2025, 9, 28)),  # the start day does not count; the adjusted Sunday does
        (date(2025, 9, 30), 1, date(2025, 10, 9)),  # skips the whole National Day break
        # accepted Friday 26 Sep 2025: the 20-working-day decision deadline
        (date(2025, 9, 26), 20, date(2025, 10, 30)),
        (date(2026, 2, 13), 1, date(2026, 2, 14)),  # Saturday worked before Spring Festival
        (date(2026, 2, 14), 1, date(2026, 2, 24)),
        # accepted 10 Feb 2026, across Spring Festival and both adjusted Saturdays
        (date(2026, 2, 10), 20, date(2026, 3, 16)),
        (date(2025, 10, 3), 1, date(2025, 10, 9)),  # accepted on a holiday: counting starts after it
    ],
)
def test_add_working_days_counts_from_the_next_day(start: date, count: int, due: date) -> None:
    assert add_working_days(start, count) == due


def test_working_days_between_counts_the_half_open_range() -> None:
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 9)) == 1
    assert working_days_between(date(2025, 9, 26), date(2025, 10, 30)) == 20
    assert working_days_between(date(2025, 10, 30), date(2025, 9, 26)) == -20
    assert working_days_between(date(2025, 10, 1), date(2025, 10, 1)) == 0
    assert working_days_between(date(2026, 2, 14), date(2026, 2, 23)) == 0


def test_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_working_days(date(2025, 1, 2), -1)


def test_dates_outside_the_known_calendar_raise() -> None:
    first, last = supported_years()
    assert (first, last) == (2004, 2026)  # chinese-calendar 1.11.0: upgrade it when a new year is published
    with pytest.raises(CalendarOutOfRangeError, match="2027-01-04"):
        is_working_day(date(2027, 1, 4))
    with pytest.raises(CalendarOutOfRangeError):
        is_working_day(date(2003, 12, 31))
    with pytest.raises(CalendarOutOfRangeError):  # a deadline that runs into an unknown year
        add_working_days(date(2026, 12, 15), 20)
    with pytest.raises(ValueError):  # callers may catch it as a ValueError
        working_days_between(date(2026, 12, 30), date(2027, 1, 5))


@given(
    start=st.dates(min_value=date(2024, 1, 1), max_value=date(2025, 12, 31)),
    count=st.integers(min_value=0, max_value=40),
)
def test_between_undoes_add(start: date, count: int) -> None:
    due = add_working_days(start, count)
    assert working_days_between(start, due) == count
    assert count == 0 or is_working_day(due)
    assert due - start <= timedelta(days=count * 3 + 10)
