"""Network failures, timeouts and odd answers become WeChatUnavailable; nothing secret reaches the logs."""

from __future__ import annotations

import logging
import socket

import pytest

from app.wechat.errors import WeChatBusy, WeChatUnavailable
from app.wechat.gateway import WeChatGateway
from app.wechat.standin import DEFAULT_APPID, DEFAULT_SECRET
from app.wechat.standin_state import DEMO_RESIDENT


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_standin_is_unavailable():
    base = f"http://127.0.0.1:{_closed_port()}/"
    gateway = WeChatGateway(DEFAULT_APPID, DEFAULT_SECRET, api_base=base + "api/", open_base=base, timeout=1)

    with pytest.raises(WeChatUnavailable) as caught:
        gateway.exchange_code("a-secret-code")
    assert DEFAULT_SECRET not in str(caught.value) and "a-secret-code" not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__

    with pytest.raises(WeChatUnavailable):
        gateway.access_token()


def test_slow_answer_times_out(make_gateway, control):
    control.configure(latency={"cgi-bin/stable_token": 1.0})

    with pytest.raises(WeChatUnavailable):
        make_gateway(timeout=0.2).access_token()


def test_wrong_base_url_is_unavailable(make_gateway, standin):
    with pytest.raises(WeChatUnavailable):
        make_gateway(api_base=standin.base_url + "/nowhere/").access_token()


def test_system_busy_is_retryable(gateway, control):
    control.inject_fault("cgi-bin/message/template/send", -1, "system error", times=1)

    with pytest.raises(WeChatBusy) as caught:
        gateway.send_template(DEMO_RESIDENT, "TPL_STATUS_CHANGED", {"thing1": "x"})
    assert caught.value.retryable

    assert gateway.send_template(DEMO_RESIDENT, "TPL_STATUS_CHANGED", {"thing1": "x"})


def test_logs_mask_secrets_codes_tokens_and_openids(gateway, control, caplog):
    caplog.set_level(logging.DEBUG, logger="app.wechat")
    code = control.code_for(DEMO_RESIDENT)
    result = gateway.exchange_code(code)
    gateway.send_template(DEMO_RESIDENT, "TPL_STATUS_CHANGED", {"thing1": "x"})
    control.revoke_tokens()
    gateway.send_template(DEMO_RESIDENT, "TPL_STATUS_CHANGED", {"thing1": "x"})

    ours = [r.getMessage() for r in caplog.records if r.name.startswith("app.wechat")]
    text = "\n".join(ours)
    assert ours
    for secret in (DEFAULT_SECRET, code, DEMO_RESIDENT, result.access_token, gateway.access_token()):
        assert secret not in text
