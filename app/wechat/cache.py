"""Shared token cache: where the access token and JS-SDK ticket live, with a lock so one caller refreshes."""

from __future__ import annotations

import random
import secrets
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


class CacheLockTimeout(TimeoutError):
    """The cache lock could not be acquired within the allowed wait."""


class TokenCache(ABC):
    """A tiny key/value store with expiry and a mutual-exclusion lock."""

    @abstractmethod
    def get(self, key: str) -> str | None:
        """Return the value stored under key, or None when missing or expired."""

    @abstractmethod
    def set(self, key: str, value: str, ttl: float) -> None:
        """Store value under key for ttl seconds."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove key if present."""

    @abstractmethod
    def lock(self, key: str, timeout: float) -> Any:
        """Context manager holding the lock named key; waits at most timeout seconds, else CacheLockTimeout.

        timeout also bounds how long the lock may be held (a crashed holder cannot block others forever).
        """


class MemoryTokenCache(TokenCache):
    """Thread-safe in-process cache for setups without Redis (one process only)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._guard = threading.Lock()
        self._values: dict[str, tuple[str, float]] = {}
        self._locks: dict[str, threading.Lock] = {}

    def get(self, key: str) -> str | None:
        """Return the value stored under key, or None when missing or expired."""
        with self._guard:
            item = self._values.get(key)
            if item is None:
                return None
            value, expires_at = item
            if self._clock() >= expires_at:
                del self._values[key]
                return None
            return value

    def set(self, key: str, value: str, ttl: float) -> None:
        """Store value under key for ttl seconds."""
        with self._guard:
            self._values[key] = (value, self._clock() + ttl)

    def delete(self, key: str) -> None:
        """Remove key if present."""
        with self._guard:
            self._values.pop(key, None)

    @contextmanager
    def lock(self, key: str, timeout: float) -> Iterator[None]:
        """Hold a per-key in-process lock, waiting at most timeout seconds."""
        with self._guard:
            key_lock = self._locks.setdefault(key, threading.Lock())
        if not key_lock.acquire(timeout=timeout):
            raise CacheLockTimeout(f"lock {key!r} busy for {timeout}s")
        try:
            yield
        finally:
            key_lock.release()


# Delete the lock only if it still holds our token: after a TTL lapse another holder may own it.
_RELEASE_SCRIPT = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""


class RedisTokenCache(TokenCache):
    """Cache shared by every process through Redis; the lock is SET NX PX with a compare-and-delete release."""

    def __init__(self, client: Any, prefix: str = "doudi:wechat:", poll_interval: float = 0.02) -> None:
        self._client = client
        self._prefix = prefix
        self._poll = poll_interval
        self._release = client.register_script(_RELEASE_SCRIPT)

    def _name(self, key: str) -> str:
        return f"{self._prefix}{key}"

    def get(self, key: str) -> str | None:
        """Return the value stored under key, or None when missing or expired."""
        raw = self._client.get(self._name(key))
        if raw is None:
            return None
        return raw.decode() if isinstance(raw, bytes) else str(raw)

    def set(self, key: str, value: str, ttl: float) -> None:
        """Store value under key for ttl seconds."""
        self._client.set(self._name(key), value, px=max(1, int(ttl * 1000)))

    def delete(self, key: str) -> None:
        """Remove key if present."""
        self._client.delete(self._name(key))

    @contextmanager
    def lock(self, key: str, timeout: float) -> Iterator[None]:
        """Hold a Redis lock for at most timeout seconds, waiting at most timeout seconds to get it."""
        name = self._name(f"lock:{key}")
        token = secrets.token_hex(16)
        ttl_ms = max(1, int(timeout * 1000))
        deadline = time.monotonic() + timeout
        while not self._client.set(name, token, nx=True, px=ttl_ms):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise CacheLockTimeout(f"lock {key!r} busy for {timeout}s")
            # Jitter keeps waiters from polling in lock-step.
            time.sleep(min(remaining, self._poll * (1 + random.random())))
        try:
            yield
        finally:
            self._release(keys=[name], args=[token])
