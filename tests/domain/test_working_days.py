"""Working days on the statutory calendar: holidays, adjusted working weekends, provisional years, the edges."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.working_days import (
    CalendarOutOfRangeError,
    Deadline,
    StatutoryCalendar,
    add_working_days,
    deadline,
    default_calendar,
    is_provisional,
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


def test_dates_before_the_calendar_raise_and_unpublished_years_are_provisional() -> None:
    first, last = supported_years()
    assert first == 2004 and last >= 2026  # holidays 0.109 carries the notices up to 2026
    with pytest.raises(CalendarOutOfRangeError):
        is_working_day(date(2003, 12, 31))
    unpublished = last + 1
    monday = next(date(unpublished, 1, d) for d in range(1, 8) if date(unpublished, 1, d).weekday() == 0)
    assert is_provisional(monday) and not is_provisional(date(2026, 10, 10))
    assert is_working_day(monday) and not is_working_day(monday + timedelta(days=5))  # Mon–Fri fallback


def _calendar(last_published: int) -> StatutoryCalendar:
    return StatutoryCalendar(default_calendar().official_working_day, 2004, last_published)


def test_a_deadline_running_into_an_unpublished_year_is_provisional_not_an_error() -> None:
    calendar = _calendar(2026)
    # 15 Dec 2026 + 20 working days: 12 in December 2026, then Mon–Fri in 2027 (New Year's Day counted).
    result = deadline(date(2026, 12, 15), 20, calendar)
    assert result == Deadline(date(2027, 1, 12), provisional=True)
    # Mid-Autumn (25 Sep), National Day (1–7 Oct) and two adjusted working days (Sun 20 Sep, Sat 10 Oct).
    assert deadline(date(2026, 9, 18), 20, calendar) == Deadline(date(2026, 10, 22), provisional=False)
    assert working_days_between(date(2026, 12, 30), date(2027, 1, 5), calendar) == 4
    # Once the notice is published the same question gets an official answer.
    assert deadline(date(2025, 12, 15), 20, _calendar(2025)).provisional
    assert not deadline(date(2025, 12, 15), 20, _calendar(2026)).provisional


def test_the_source_agrees_with_chinese_calendar_on_every_day_it_knows() -> None:
    import chinese_calendar

    day, disagreements = date(2007, 1, 1), []
    while day <= date(2026, 12, 31):
        if is_working_day(day) != chinese_calendar.is_workday(day):
            disagreements.append(day)
        day += timedelta(days=1)
    assert disagreements == []


@given(
    start=st.dates(min_value=date(2024, 1, 1), max_value=date(2025, 12, 31)),
    count=st.integers(min_value=0, max_value=40),
)
def test_between_undoes_add(start: date, count: int) -> None:
    due = add_working_days(start, count)
    assert working_days_between(start, due) == count
    assert count == 0 or is_working_day(due)
    assert due - start <= timedelta(days=count * 3 + 10)
