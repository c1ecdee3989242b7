"""Hybrid logical clocks (HLC): timestamps that sort in time order and respect causality.

The string form is `"%013d:%05d:%s" % (ms, counter, device_id)`: thirteen digits of wall-clock
milliseconds, five digits of logical counter, then the device id. Fixed widths make plain string
comparison equal to time order (until the year 2286), so the strings can be compared and indexed
as they are.

- `HybridClock.tick(now_ms)` stamps a local event; the result is always greater than every stamp
  the clock has produced or received, even when the wall clock steps backwards.
- `HybridClock.receive(remote_hlc, now_ms)` folds in a clock seen from elsewhere (the server's
  `server_hlc`), so an edit made after seeing a value always sorts after it, however far behind
  the device's own wall clock is.
- `clamp_hlc` caps a stamp that is far ahead of the server clock and says that it did. A device
  with a wrong clock must not win every tie for days, but its data is never rejected for it.

When the counter would overflow its five digits the clock borrows a millisecond instead, which
keeps stamps unique and ordered at the cost of running ahead by at most that millisecond.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_MS = 10**13 - 1
MAX_COUNTER = 99_999
DEFAULT_MAX_DRIFT_MS = 60 * 60 * 1000
_HLC_PATTERN = re.compile(r"^(\d{13}):(\d{5}):(.+)$", re.DOTALL)


class InvalidHlcError(ValueError):
    """A string is not a hybrid logical clock in the `ms:counter:device_id` form."""


@dataclass(frozen=True, order=True)
class Hlc:
    """One parsed clock reading; ordering of instances equals ordering of their strings."""

    ms: int
    counter: int
    device_id: str

    def __str__(self) -> str:
        return format_hlc(self.ms, self.counter, self.device_id)


def format_hlc(ms: int, counter: int, device_id: str) -> str:
    """The sortable string form of a clock reading."""
    if not 0 <= ms <= MAX_MS:
        raise InvalidHlcError(f"milliseconds out of range: {ms}")
    if not 0 <= counter <= MAX_COUNTER:
        raise InvalidHlcError(f"counter out of range: {counter}")
    if not device_id:
        raise InvalidHlcError("device id must not be empty")
    return f"{ms:013d}:{counter:05d}:{device_id}"


def parse_hlc(text: str) -> Hlc:
    """Parse the string form; raises `InvalidHlcError` for anything else."""
    if not isinstance(text, str):
        raise InvalidHlcError(f"hlc must be a string, not {type(text).__name__}")
    match = _HLC_PATTERN.match(text)
    if match is None:
        raise InvalidHlcError(f"not an hlc: {text!r}")
    return Hlc(int(match.group(1)), int(match.group(2)), match.group(3))


def _normalised(ms: int, counter: int) -> tuple[int, int]:
    # Borrowing a millisecond keeps the counter within its five digits and the order intact.
    if counter > MAX_COUNTER:
        return ms + 1, 0
    return ms, counter


class HybridClock:
    """The clock of one device (or of the server): remembers the last reading it gave out."""

    def __init__(self, device_id: str, last: str | None = None) -> None:
        if not device_id:
            raise InvalidHlcError("device id must not be empty")
        self.device_id = device_id
        parsed = parse_hlc(last) if last is not None else None
        self._ms = parsed.ms if parsed else 0
        self._counter = parsed.counter if parsed else 0

    @property
    def last(self) -> str:
        """The most recent reading, for persisting the clock across app restarts."""
        return format_hlc(self._ms, self._counter, self.device_id)

    def tick(self, now_ms: int) -> str:
        """Stamp a local event at wall-clock time `now_ms`."""
        ms = max(self._ms, now_ms)
        counter = self._counter + 1 if ms == self._ms else 0
        self._ms, self._counter = _normalised(ms, counter)
        return self.last

    def receive(self, remote_hlc: str, now_ms: int) -> str:
        """Fold in a reading from elsewhere and stamp the receipt; later ticks sort after both."""
        remote = parse_hlc(remote_hlc)
        ms = max(self._ms, remote.ms, now_ms)
        if ms == self._ms and ms == remote.ms:
            counter = max(self._counter, remote.counter) + 1
        elif ms == self._ms:
            counter = self._counter + 1
        elif ms == remote.ms:
            counter = remote.counter + 1
        else:
            counter = 0
        self._ms, self._counter = _normalised(ms, counter)
        return self.last


@dataclass(frozen=True)
class ClampedHlc:
    """The outcome of checking a device's reading against the server clock."""

    hlc: str
    clamped: bool
    original: str


def clamp_hlc(hlc: str, server_now_ms: int, max_drift_ms: int = DEFAULT_MAX_DRIFT_MS) -> ClampedHlc:
    """Cap a reading more than `max_drift_ms` ahead of the server clock, flagging that it was capped."""
    parsed = parse_hlc(hlc)
    ceiling = server_now_ms + max_drift_ms
    if parsed.ms <= ceiling:
        return ClampedHlc(hlc=hlc, clamped=False, original=hlc)
    capped = format_hlc(ceiling, parsed.counter, parsed.device_id)
    return ClampedHlc(hlc=capped, clamped=True, original=hlc)
