"""The two TokenCache implementations: expiry, lock exclusion, bounded wait, safe release."""

from __future__ import annotations

import threading
import time

import pytest

from app.wechat.cache import CacheLockTimeout, MemoryTokenCache, RedisTokenCache


class _Ticker:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_memory_cache_expires_values():
    ticker = _Ticker()
    cache = MemoryTokenCache(clock=ticker)
    cache.set("k", "v", ttl=10)
    ticker.now = 9.9
    assert cache.get("k") == "v"
    ticker.now = 10
    assert cache.get("k") is None


def test_redis_cache_expires_values(redis_cache):
    redis_cache.set("k", "v", ttl=0.05)
    assert redis_cache.get("k") == "v"
    time.sleep(0.1)
    assert redis_cache.get("k") is None


@pytest.fixture(params=["memory", "redis"])
def any_cache(request):
    if request.param == "memory":
        return MemoryTokenCache()
    return request.getfixturevalue("redis_cache")


def test_lock_excludes_and_waits_boundedly(any_cache):
    held = threading.Event()
    release = threading.Event()

    def holder() -> None:
        with any_cache.lock("refresh", timeout=5):
            held.set()
            release.wait(5)

    thread = threading.Thread(target=holder)
    thread.start()
    held.wait(5)
    started = time.monotonic()
    with pytest.raises(CacheLockTimeout), any_cache.lock("refresh", timeout=0.2):
        pass
    assert time.monotonic() - started < 2
    release.set()
    thread.join(5)

    with any_cache.lock("refresh", timeout=1):
        pass  # free again once the holder left


def test_delete_removes_value(any_cache):
    any_cache.set("gone", "v", ttl=60)
    any_cache.delete("gone")
    assert any_cache.get("gone") is None


def test_redis_lock_release_never_deletes_someone_elses_lock(redis_client, redis_prefix):
    cache = RedisTokenCache(redis_client, prefix=redis_prefix)
    name = f"{redis_prefix}lock:refresh"

    with cache.lock("refresh", timeout=0.1):
        time.sleep(0.15)  # our lease lapsed ...
        redis_client.set(name, "other-holder", px=5000)  # ... and another process took the lock
    assert redis_client.get(name) == b"other-holder"


def test_redis_lock_expires_if_holder_dies(redis_client, redis_prefix):
    cache = RedisTokenCache(redis_client, prefix=redis_prefix)
    redis_client.set(f"{redis_prefix}lock:refresh", "crashed-worker", px=150)

    with cache.lock("refresh", timeout=1):
        pass  # acquired once the dead holder's lease ran out
