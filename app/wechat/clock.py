"""Clocks in epoch seconds: the real one, and a fake one tests move by hand."""

from __future__ import annotations

import threading
import time
from typing import Protocol


class Clock(Protocol):
    """Anything with now() in epoch seconds."""

    def now(self) -> float:
        """Return the current time in epoch seconds."""
        ...


class SystemClock:
    """Real time."""

    def now(self) -> float:
        """Return time.time()."""
        return time.time()


class FakeClock:
    """A clock tests move forward by hand, so expiry is tested without sleeping."""

    def __init__(self, start: float | None = None) -> None:
        self._now = time.time() if start is None else start
        self._lock = threading.Lock()

    def now(self) -> float:
        """Return the current fake time."""
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> float:
        """Move the clock forward and return the new time."""
        with self._lock:
            self._now += seconds
            return self._now
