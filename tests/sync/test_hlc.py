"""Hybrid logical clocks: string form, time order, local ticks, received clocks, clamping."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.hlc import (
    DEFAULT_MAX_DRIFT_MS,
    MAX_COUNTER,
    Hlc,
    HybridClock,
    InvalidHlcError,
    clamp_hlc,
    format_hlc,
    parse_hlc,
)

T0 = 1_750_000_000_000
HOUR_MS = 3_600_000


def stamp(ms: int, counter: int = 0, device: str = "dev-a") -> str:
    return format_hlc(ms, counter, device)


def test_string_form_is_fixed_width() -> None:
    assert format_hlc(T0, 7, "dev-a") == "1750000000000:00007:dev-a"
    assert format_hlc(5, 0, "d") == "0000000000005:00000:d"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "1750000000000:00007",
        "175000000000:00007:dev",
        "1750000000000:7:dev",
        "1750000000000:00007:",
        "x750000000000:00007:dev",
        "01750000000000:00007:dev",
    ],
)
def test_parse_refuses_anything_but_the_string_form(text: str) -> None:
    with pytest.raises(InvalidHlcError):
        parse_hlc(text)


@pytest.mark.parametrize(
    ("ms", "counter", "device"), [(-1, 0, "d"), (10**13, 0, "d"), (0, MAX_COUNTER + 1, "d"), (0, 0, "")]
)
def test_format_refuses_values_that_would_break_the_order(ms: int, counter: int, device: str) -> None:
    with pytest.raises(InvalidHlcError):
        format_hlc(ms, counter, device)


def test_device_ids_may_contain_colons() -> None:
    assert parse_hlc("1750000000000:00001:office:7") == Hlc(T0, 1, "office:7")


readings = st.tuples(
    st.integers(0, 10**13 - 1), st.integers(0, MAX_COUNTER), st.sampled_from(["a", "b", "dev-a", "dev-b"])
)


@given(readings, readings)
def test_strings_sort_in_time_order(first: tuple[int, int, str], second: tuple[int, int, str]) -> None:
    assert (stamp(*first) < stamp(*second)) == (first < second)
    assert parse_hlc(stamp(*first)) == Hlc(*first)


@given(st.lists(st.integers(T0 - HOUR_MS, T0 + HOUR_MS), min_size=1, max_size=50))
def test_ticks_strictly_increase_even_when_the_wall_clock_steps_back(wall_clock: list[int]) -> None:
    clock = HybridClock("dev-a")
    stamps = [clock.tick(now) for now in wall_clock]
    assert stamps == sorted(set(stamps))
    assert all(parse_hlc(s).ms >= now for s, now in zip(stamps, wall_clock, strict=True))


CLOCK_CASES = [
    # (name, clock's last reading, wall clock, event, remote, expected reading)
    ("tick on a fresh millisecond resets the counter", stamp(T0, 4), T0 + 1, None, None, stamp(T0 + 1, 0)),
    ("tick in the same millisecond counts up", stamp(T0, 4), T0, None, None, stamp(T0, 5)),
    ("tick with the wall clock behind keeps logical time", stamp(T0, 4), T0 - 500, None, None, stamp(T0, 5)),
    (
        "receive from ahead jumps to the remote time",
        stamp(T0),
        T0,
        "receive",
        stamp(T0 + HOUR_MS, 3, "server"),
        stamp(T0 + HOUR_MS, 4),
    ),
    (
        "receive from behind keeps local time",
        stamp(T0, 2),
        T0,
        "receive",
        stamp(T0 - HOUR_MS, 9, "server"),
        stamp(T0, 3),
    ),
    (
        "receive at the same time takes the larger counter",
        stamp(T0, 2),
        T0,
        "receive",
        stamp(T0, 9, "server"),
        stamp(T0, 10),
    ),
    (
        "receive when the wall clock is ahead of both",
        stamp(T0, 2),
        T0 + 10,
        "receive",
        stamp(T0 + 5, 9, "server"),
        stamp(T0 + 10, 0),
    ),
    ("a full counter borrows the next millisecond", stamp(T0, MAX_COUNTER), T0, None, None, stamp(T0 + 1, 0)),
]


@pytest.mark.parametrize(
    ("last", "now", "event", "remote", "expected"),
    [c[1:] for c in CLOCK_CASES],
    ids=[c[0] for c in CLOCK_CASES],
)
def test_clock_steps(last: str, now: int, event: str | None, remote: str | None, expected: str) -> None:
    clock = HybridClock("dev-a", last=last)
    reading = clock.receive(remote, now) if event == "receive" and remote else clock.tick(now)
    assert reading == expected
    assert clock.last == expected


def test_an_edit_after_seeing_the_server_sorts_after_it_even_an_hour_behind() -> None:
    server = HybridClock("server")
    seen_value = server.tick(T0)
    phone = HybridClock("dev-b")
    phone.receive(server.tick(T0 + 1), T0 - HOUR_MS)
    assert phone.tick(T0 - HOUR_MS + 10) > seen_value


CLAMP_CASES = [
    ("on time", T0, False, T0),
    ("an hour ahead exactly", T0 + DEFAULT_MAX_DRIFT_MS, False, T0 + DEFAULT_MAX_DRIFT_MS),
    ("a day ahead", T0 + 24 * HOUR_MS, True, T0 + DEFAULT_MAX_DRIFT_MS),
    ("an hour behind", T0 - HOUR_MS, False, T0 - HOUR_MS),
]


@pytest.mark.parametrize(
    ("device_ms", "clamped", "accepted_ms"), [c[1:] for c in CLAMP_CASES], ids=[c[0] for c in CLAMP_CASES]
)
def test_clamp_caps_and_flags_readings_far_ahead(device_ms: int, clamped: bool, accepted_ms: int) -> None:
    original = stamp(device_ms, 3)
    result = clamp_hlc(original, server_now_ms=T0)
    assert result.clamped is clamped
    assert result.hlc == stamp(accepted_ms, 3)
    assert result.original == original


def test_clamp_drift_is_a_parameter() -> None:
    assert clamp_hlc(stamp(T0 + 2_000), T0, max_drift_ms=1_000).hlc == stamp(T0 + 1_000)
