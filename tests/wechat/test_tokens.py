"""Global access token: caching, one refresh under the lock, retry once on 40001/42001, rotation rules."""

from __future__ import annotations

import threading

import pytest
import requests

from app.wechat.cache import MemoryTokenCache
from app.wechat.errors import AccessTokenInvalid
from app.wechat.standin import DEFAULT_APPID, DEFAULT_SECRET
from app.wechat.standin_state import DEMO_RESIDENT

STABLE = "cgi-bin/stable_token"
SEND = "cgi-bin/message/template/send"


def _send(gateway) -> int:
    return gateway.send_template(DEMO_RESIDENT, "TPL_STATUS_CHANGED", {"thing1": "申请已受理"})


def test_token_is_fetched_once_for_many_calls(gateway, control):
    for _ in range(3):
        _send(gateway)
    gateway.jsapi_ticket()

    assert control.request_count(STABLE) == 1
    assert gateway.access_token() == gateway.access_token()


def test_rejected_token_is_refreshed_once_and_the_call_retried(gateway, control):
    _send(gateway)
    control.revoke_tokens()

    _send(gateway)

    assert control.request_count(STABLE) == 2
    assert control.request_count(SEND) == 3
    assert len(control.sent_messages()) == 2


def test_expired_token_is_refreshed(gateway, control, clock):
    _send(gateway)
    clock.advance(7201)  # the gateway's own cache still holds the token; WeChat says 42001

    _send(gateway)

    assert control.request_count(STABLE) == 2


def test_retry_happens_only_once(gateway, control):
    gateway.access_token()
    control.inject_fault(SEND, 40001, "invalid credential, access_token is invalid or not latest")

    with pytest.raises(AccessTokenInvalid) as caught:
        _send(gateway)

    assert caught.value.errcode == 40001 and caught.value.is_token_error
    assert control.request_count(SEND) == 2
    # initial fetch, then the stable endpoint hands back the same token, so the gateway forces a new one
    assert control.request_count(STABLE) == 3


def test_stale_token_is_not_refreshed_twice(make_gateway, control):
    cache = MemoryTokenCache()
    first, second = make_gateway(cache=cache), make_gateway(cache=cache)
    stale = first.access_token()
    control.revoke_tokens()

    fresh = first.invalidate_access_token(stale)
    again = second.invalidate_access_token(stale)  # arrives late with the same stale token

    assert fresh == again != stale
    assert control.request_count(STABLE) == 2


def _race(gateways, callers: int = 12) -> set[str]:
    barrier = threading.Barrier(callers)
    results: list[str] = []
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            results.append(gateways[index % len(gateways)].access_token())
        except BaseException as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    assert len(results) == callers
    return set(results)


def test_concurrent_callers_refresh_once_with_memory_cache(gateway, control):
    control.configure(latency={STABLE: 0.3})

    tokens = _race([gateway])

    assert len(tokens) == 1
    assert control.request_count(STABLE) == 1


def test_concurrent_processes_refresh_once_with_redis_cache(make_gateway, control, redis_cache):
    control.configure(latency={STABLE: 0.3})
    gateways = [make_gateway(cache=redis_cache) for _ in range(3)]  # separate sessions, as separate workers

    tokens = _race(gateways)

    assert len(tokens) == 1
    assert control.request_count(STABLE) == 1
    assert redis_cache.get(f"access_token:{DEFAULT_APPID}") == tokens.pop()


def test_redis_cache_serves_a_second_gateway_without_fetching(make_gateway, control, redis_cache):
    token = make_gateway(cache=redis_cache).access_token()

    assert make_gateway(cache=redis_cache).access_token() == token
    assert control.request_count(STABLE) == 1


def test_classic_token_endpoint_rotation(make_gateway, control, clock, standin):
    gateway = make_gateway(use_stable_token=False)
    old = gateway.access_token()
    params = {"grant_type": "client_credential", "appid": DEFAULT_APPID, "secret": DEFAULT_SECRET}
    requests.get(standin.api_base + "cgi-bin/token", params=params, timeout=5)  # another server fetches

    _send(gateway)  # the old token still works for five minutes
    assert control.request_count("cgi-bin/token") == 2

    clock.advance(301)
    _send(gateway)  # now it is 40001; the gateway fetches again and retries
    assert control.request_count("cgi-bin/token") == 3
    assert gateway.access_token() != old


def test_stable_token_does_not_rotate_while_valid(standin, clock):
    url = standin.api_base + STABLE
    body = {"grant_type": "client_credential", "appid": DEFAULT_APPID, "secret": DEFAULT_SECRET}
    first = requests.post(url, json=body, timeout=5).json()
    clock.advance(100)
    second = requests.post(url, json=body, timeout=5).json()
    forced = requests.post(url, json={**body, "force_refresh": True}, timeout=5).json()

    assert second["access_token"] == first["access_token"] and second["expires_in"] == 7100
    assert forced["access_token"] != first["access_token"] and forced["expires_in"] == 7200


def test_token_request_errors_use_real_codes(standin):
    url = standin.api_base + STABLE
    body = {"grant_type": "client_credential", "appid": DEFAULT_APPID, "secret": "wrong"}

    assert requests.post(url, json=body, timeout=5).json()["errcode"] == 40125
    assert requests.post(url, json={**body, "appid": "wxnope"}, timeout=5).json()["errcode"] == 40013


def test_stuck_lock_holder_does_not_block_callers_forever(make_gateway, control):
    cache = MemoryTokenCache()
    gateway = make_gateway(cache=cache, lock_timeout=0.2)
    held, release = threading.Event(), threading.Event()

    def stuck_holder() -> None:
        with cache.lock(f"access_token:{DEFAULT_APPID}", timeout=5):
            held.set()
            release.wait(5)

    thread = threading.Thread(target=stuck_holder)
    thread.start()
    held.wait(5)
    try:
        assert gateway.access_token()  # waited 0.2 s, then fetched without the lock
    finally:
        release.set()
        thread.join(5)
    assert control.request_count(STABLE) == 1
