"""Fixtures: the WeChat stand-in served on loopback, its control client, gateways and token caches."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from app.wechat.cache import MemoryTokenCache, RedisTokenCache, TokenCache
from app.wechat.clock import FakeClock
from app.wechat.gateway import WeChatGateway
from app.wechat.serving import RunningServer, serve_in_thread
from app.wechat.standin import DEFAULT_APPID, DEFAULT_SECRET, create_standin_app
from app.wechat.testing import StandinControl


@pytest.fixture
def clock() -> FakeClock:
    """The stand-in's clock, moved by hand."""
    return FakeClock(start=1_700_000_000.0)


@pytest.fixture
def standin(clock: FakeClock) -> Iterator[RunningServer]:
    """A fresh stand-in served over real HTTP on a free loopback port."""
    running = serve_in_thread(create_standin_app(clock=clock))
    yield running
    running.shutdown()


@pytest.fixture
def control(standin: RunningServer) -> Iterator[StandinControl]:
    """Client for the stand-in's /_control/ surface."""
    client = StandinControl(standin.base_url)
    yield client
    client.close()


@pytest.fixture
def make_gateway(standin: RunningServer) -> Iterator[Callable[..., WeChatGateway]]:
    """Factory for gateways pointed at the stand-in; each gets its own session, cache unless given."""
    made: list[WeChatGateway] = []

    def make(cache: TokenCache | None = None, **overrides: Any) -> WeChatGateway:
        options: dict[str, Any] = {
            "api_base": standin.api_base,
            "open_base": standin.open_base,
            "cache": cache if cache is not None else MemoryTokenCache(),
            "timeout": 3.0,
        }
        options.update(overrides)
        gateway = WeChatGateway(
            options.pop("appid", DEFAULT_APPID), options.pop("secret", DEFAULT_SECRET), **options
        )
        made.append(gateway)
        return gateway

    yield make
    for gateway in made:
        gateway.close()


@pytest.fixture
def gateway(make_gateway: Callable[..., WeChatGateway]) -> WeChatGateway:
    """A gateway with an in-memory token cache."""
    return make_gateway()


@pytest.fixture
def redis_client() -> Iterator[Any]:
    """The real Redis (REDIS_URL, default 127.0.0.1:6379); skipped only when it cannot be reached."""
    redis = pytest.importorskip("redis")
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis unreachable at {url}: {exc}")
    yield client
    client.close()


@pytest.fixture
def redis_prefix(redis_client: Any) -> Iterator[str]:
    """A unique key prefix; every key under it is deleted afterwards."""
    prefix = f"test:doudi:wechat:{uuid.uuid4().hex}:"
    yield prefix
    keys = list(redis_client.scan_iter(match=prefix + "*"))
    if keys:
        redis_client.delete(*keys)


@pytest.fixture
def redis_cache(redis_client: Any, redis_prefix: str) -> RedisTokenCache:
    """A RedisTokenCache isolated under a unique prefix."""
    return RedisTokenCache(redis_client, prefix=redis_prefix)
