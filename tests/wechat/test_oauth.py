"""Web authorization: building the authorize URL, the stand-in's chooser, and code exchange."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from app.wechat.errors import (
    InvalidCredential,
    OAuthCodeInvalid,
    OAuthCodeUsed,
    RefreshTokenInvalid,
    ScopeUnauthorized,
)
from app.wechat.standin import DEFAULT_APPID, create_standin_app
from app.wechat.standin_state import DEMO_RESIDENT, DEMO_SNAPSHOT, DEMO_WITH_UNIONID

REDIRECT = "https://doudi.example.cn/wx/callback?next=%2Fapply"


def test_authorize_url_keeps_wechat_parameter_order(gateway):
    url = gateway.authorize_url(REDIRECT, "abc123", scope="snsapi_userinfo")

    assert url.startswith(gateway.open_base + "oauth2/authorize?appid=" + DEFAULT_APPID + "&redirect_uri=")
    assert url.endswith("&response_type=code&scope=snsapi_userinfo&state=abc123#wechat_redirect")
    query = parse_qs(urlsplit(url).query)
    assert query["redirect_uri"] == [REDIRECT]


@pytest.mark.parametrize("state", ["has-dash", "空", "a" * 129])
def test_authorize_url_rejects_bad_state(gateway, state):
    with pytest.raises(ValueError):
        gateway.authorize_url(REDIRECT, state)


def test_exchange_code_returns_openid(gateway, control):
    result = gateway.exchange_code(control.code_for(DEMO_RESIDENT))

    assert result.openid == DEMO_RESIDENT
    assert result.scope == "snsapi_base"
    assert result.is_snapshot_user is False
    assert result.access_token and result.refresh_token and result.expires_in == 7200
    assert DEMO_RESIDENT not in repr(result) and result.access_token not in repr(result)


def test_reused_code_is_code_been_used(gateway, control):
    code = control.code_for(DEMO_RESIDENT)
    gateway.exchange_code(code)

    with pytest.raises(OAuthCodeUsed) as caught:
        gateway.exchange_code(code)
    assert caught.value.errcode == 40163 and caught.value.is_code_error


def test_code_expires_after_five_minutes(gateway, control, clock):
    fresh, stale = control.code_for(DEMO_RESIDENT), control.code_for(DEMO_RESIDENT)
    clock.advance(299)
    assert gateway.exchange_code(fresh).openid == DEMO_RESIDENT

    clock.advance(2)
    with pytest.raises(OAuthCodeInvalid) as caught:
        gateway.exchange_code(stale)
    assert caught.value.errcode == 40029


def test_unknown_code_is_invalid(gateway):
    with pytest.raises(OAuthCodeInvalid):
        gateway.exchange_code("0" * 32)


def test_snapshot_user_is_flagged(gateway, control):
    assert gateway.exchange_code(control.code_for(DEMO_SNAPSHOT)).is_snapshot_user is True


def test_unionid_is_passed_through(gateway, control):
    assert gateway.exchange_code(control.code_for(DEMO_WITH_UNIONID)).unionid == "oUnIoN0wangxiuying000000000"


def test_new_user_from_control_surface_can_log_in(gateway, control):
    user = control.add_user(nickname="赵大妈", snapshot=False)

    assert gateway.exchange_code(control.code_for(user["openid"])).openid == user["openid"]


def test_wrong_secret_and_wrong_appid_are_credential_errors(make_gateway, control):
    with pytest.raises(InvalidCredential) as wrong_secret:
        make_gateway(secret="not-the-secret").exchange_code(control.code_for(DEMO_RESIDENT))
    with pytest.raises(InvalidCredential) as wrong_appid:
        make_gateway(appid="wx0000000000000000").exchange_code(control.code_for(DEMO_RESIDENT))

    assert (wrong_secret.value.errcode, wrong_appid.value.errcode) == (40125, 40013)


def test_userinfo_needs_userinfo_scope(gateway, control):
    base = gateway.exchange_code(control.code_for(DEMO_RESIDENT))
    with pytest.raises(ScopeUnauthorized):
        gateway.user_info(base.access_token, base.openid)

    full = gateway.exchange_code(control.code_for(DEMO_RESIDENT, scope="snsapi_userinfo"))
    assert gateway.user_info(full.access_token, full.openid)["nickname"] == "张桂兰"


def test_refresh_token_lasts_thirty_days(gateway, control, clock):
    first = gateway.exchange_code(control.code_for(DEMO_RESIDENT))
    clock.advance(29 * 24 * 3600)
    renewed = gateway.refresh_oauth(first.refresh_token)
    assert renewed.openid == DEMO_RESIDENT and renewed.access_token != first.access_token

    clock.advance(2 * 24 * 3600)
    with pytest.raises(RefreshTokenInvalid) as caught:
        gateway.refresh_oauth(first.refresh_token)
    assert caught.value.errcode == 42002


# --- the browser side of the stand-in --------------------------------------------------------------


def _follow_once(url: str, **kwargs) -> requests.Response:
    return requests.get(url, allow_redirects=False, timeout=5, **kwargs)


def test_chooser_lists_demo_users_then_redirects_with_code(gateway, standin):
    page = _follow_once(gateway.authorize_url(REDIRECT, "s1"))
    assert page.status_code == 200
    assert (
        "张桂兰" in page.text and DEMO_RESIDENT in page.text and "新用户" in page.text and "拒绝" in page.text
    )

    form = {"appid": DEFAULT_APPID, "redirect_uri": REDIRECT, "response_type": "code", "scope": "snsapi_base"}
    chosen = requests.post(
        standin.base_url + "/connect/oauth2/authorize/choose",
        data={**form, "state": "s1", "choice": "user", "openid": DEMO_RESIDENT},
        allow_redirects=False,
        timeout=5,
    )
    assert chosen.status_code == 302
    location = urlsplit(chosen.headers["Location"])
    query = parse_qs(location.query)
    assert location.path == "/wx/callback" and query["next"] == ["/apply"] and query["state"] == ["s1"]
    assert gateway.exchange_code(query["code"][0]).openid == DEMO_RESIDENT


def test_new_user_button_creates_a_fresh_openid(gateway, standin, control):
    form = {"appid": DEFAULT_APPID, "redirect_uri": REDIRECT, "response_type": "code", "scope": "snsapi_base"}
    chosen = requests.post(
        standin.base_url + "/connect/oauth2/authorize/choose",
        data={**form, "state": "s2", "choice": "new"},
        allow_redirects=False,
        timeout=5,
    )
    code = parse_qs(urlsplit(chosen.headers["Location"]).query)["code"][0]
    openid = gateway.exchange_code(code).openid

    assert openid not in {DEMO_RESIDENT, DEMO_SNAPSHOT} and openid in {u["openid"] for u in control.users()}


def test_current_user_redirects_at_once(gateway, control):
    control.set_current_user(DEMO_WITH_UNIONID)

    response = _follow_once(gateway.authorize_url(REDIRECT, "s3", scope="snsapi_userinfo"))

    assert response.status_code == 302
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    result = gateway.exchange_code(query["code"][0])
    assert (result.openid, result.scope) == (DEMO_WITH_UNIONID, "snsapi_userinfo")


def test_refusal_redirects_with_state_only(gateway, control):
    control.refuse_authorization()

    response = _follow_once(gateway.authorize_url(REDIRECT, "s4", scope="snsapi_userinfo"))

    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert response.status_code == 302 and query == {"next": ["/apply"], "state": ["s4"]}


@pytest.mark.parametrize(
    ("override", "errcode"),
    [
        ({"appid": "wx0000000000000000"}, "40013"),
        ({"redirect_uri": ""}, "10011"),
        ({"response_type": "token"}, "10002"),
        ({"scope": "snsapi_login"}, "10005"),
        ({"state": "bad-state!"}, "10013"),
    ],
)
def test_authorize_rejects_bad_parameters(standin, override, errcode):
    params = {
        "appid": DEFAULT_APPID,
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "scope": "snsapi_base",
        "state": "ok",
    }
    response = _follow_once(standin.open_base + "oauth2/authorize", params={**params, **override})

    assert response.status_code == 400 and errcode in response.text


def test_authorize_enforces_configured_redirect_domain():
    client = create_standin_app(redirect_hosts=["doudi.example.cn"]).test_client()
    base = {"appid": DEFAULT_APPID, "response_type": "code", "scope": "snsapi_base", "state": "x"}

    allowed = client.get("/connect/oauth2/authorize", query_string={**base, "redirect_uri": REDIRECT})
    foreign = client.get(
        "/connect/oauth2/authorize", query_string={**base, "redirect_uri": "https://evil.example.com/cb"}
    )

    assert allowed.status_code == 200 and foreign.status_code == 400


def test_chooser_escapes_nicknames(standin, control, gateway):
    control.add_user(nickname="<script>alert(1)</script>")

    page = _follow_once(gateway.authorize_url(REDIRECT, "s5"))

    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;" in page.text
