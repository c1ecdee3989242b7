"""Template messages: recorded sends, client_msg_id de-duplication, and the error codes."""

from __future__ import annotations

import pytest

from app.wechat.errors import OpenidInvalid, TemplateInvalid, UserRefused
from app.wechat.standin_state import DEMO_REFUSES_MESSAGES, DEMO_RESIDENT, DEMO_WITH_UNIONID

TEMPLATE = "TPL_STATUS_CHANGED"


def test_send_is_recorded(gateway, control):
    msgid = gateway.send_template(
        DEMO_RESIDENT,
        TEMPLATE,
        {"thing1": "低保申请", "phrase2": {"value": "已受理"}},
        url="https://doudi.example.cn/applications/7",
    )

    [sent] = control.sent_messages(DEMO_RESIDENT)
    assert sent["msgid"] == msgid
    assert sent["template_id"] == TEMPLATE
    assert sent["url"] == "https://doudi.example.cn/applications/7"
    assert sent["data"] == {"thing1": {"value": "低保申请"}, "phrase2": {"value": "已受理"}}


def test_client_msg_id_deduplicates_per_openid_for_ten_minutes(gateway, control, clock):
    first = gateway.send_template(DEMO_RESIDENT, TEMPLATE, {"thing1": "x"}, client_msg_id="app-7-accepted")
    retry = gateway.send_template(DEMO_RESIDENT, TEMPLATE, {"thing1": "x"}, client_msg_id="app-7-accepted")
    other_user = gateway.send_template(
        DEMO_WITH_UNIONID, TEMPLATE, {"thing1": "x"}, client_msg_id="app-7-accepted"
    )

    assert retry == first and other_user != first
    assert len(control.sent_messages(DEMO_RESIDENT)) == 1

    clock.advance(601)
    later = gateway.send_template(DEMO_RESIDENT, TEMPLATE, {"thing1": "x"}, client_msg_id="app-7-accepted")
    assert later != first and len(control.sent_messages(DEMO_RESIDENT)) == 2


def test_unknown_openid(gateway):
    with pytest.raises(OpenidInvalid) as caught:
        gateway.send_template("oNotAFollowerOfThisAccount00", TEMPLATE, {"thing1": "x"})
    assert caught.value.errcode == 40003


def test_unknown_template(gateway, control):
    with pytest.raises(TemplateInvalid) as caught:
        gateway.send_template(DEMO_RESIDENT, "TPL_NOT_OURS", {"thing1": "x"})
    assert caught.value.errcode == 40037

    control.add_template("TPL_NOT_OURS")
    assert gateway.send_template(DEMO_RESIDENT, "TPL_NOT_OURS", {"thing1": "x"})


def test_user_who_refused_messages(gateway, control):
    with pytest.raises(UserRefused) as caught:
        gateway.send_template(DEMO_REFUSES_MESSAGES, TEMPLATE, {"thing1": "x"})
    assert caught.value.errcode == 43101
    assert control.sent_messages() == []


def test_refusal_flag_can_be_set_from_the_control_surface(gateway, control):
    control.add_user(DEMO_RESIDENT, refuses_messages=True)

    with pytest.raises(UserRefused):
        gateway.send_template(DEMO_RESIDENT, TEMPLATE, {"thing1": "x"})
