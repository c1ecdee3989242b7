"""WeChat sign-in as a resident meets it: silent login, page refresh, stale links, snapshot pages."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from app.wechat.standin_state import DEMO_SNAPSHOT
from tests.support import sign_in

SIGN_IN = "/api/resident/auth/wechat"


def test_authorize_url_points_at_wechat_with_our_page_and_base_scope(client):
    response = client.get("/api/resident/auth/wechat/authorize-url")
    assert response.status_code == 200
    url = urlparse(response.json["url"])
    query = parse_qs(url.query)
    assert url.path.endswith("/connect/oauth2/authorize")
    assert query["scope"] == ["snsapi_base"] and query["state"] == [response.json["state"]]
    assert query["redirect_uri"] == ["http://127.0.0.1/h5/"]
    assert url.fragment == "wechat_redirect"


def test_authorize_url_refuses_a_redirect_outside_our_pages(client):
    response = client.get("/api/resident/auth/wechat/authorize-url?redirect_uri=https://evil.example/")
    assert response.status_code == 400 and response.json["code"] == "redirect_not_allowed"


def test_browser_flow_through_the_standin_gives_a_session(client, app, wechat_control):
    import requests

    openid = wechat_control.add_user(nickname="李奶奶")["openid"]
    wechat_control.set_current_user(openid)
    url = client.get("/api/resident/auth/wechat/authorize-url").json["url"]
    redirect = requests.get(url, allow_redirects=False, timeout=5)
    assert redirect.status_code == 302
    code = parse_qs(urlparse(redirect.headers["Location"]).query)["code"][0]
    session = client.post(SIGN_IN, json={"code": code})
    assert session.status_code == 200
    me = client.get("/api/resident/me", headers={"Authorization": f"Bearer {session.json['token']}"})
    assert me.status_code == 200 and me.json["bound"] is False


def test_page_refresh_reusing_the_code_gets_the_same_account(client, wechat_control):
    openid = wechat_control.add_user()["openid"]
    code = wechat_control.code_for(openid)
    first = client.post(SIGN_IN, json={"code": code})
    again = client.post(SIGN_IN, json={"code": code})
    assert first.status_code == again.status_code == 200
    assert first.json["me"]["account_id"] == again.json["me"]["account_id"]


def test_reused_code_after_the_memory_expired_asks_to_come_back_from_the_menu(make_app, wechat_control):
    client = make_app(OAUTH_CODE_MEMORY_SECONDS=0).test_client()
    code = wechat_control.code_for(wechat_control.add_user()["openid"])
    assert client.post(SIGN_IN, json={"code": code}).status_code == 200
    reused = client.post(SIGN_IN, json={"code": code})
    assert reused.status_code == 401
    assert reused.json["code"] == "wechat_code_used"
    assert "公众号菜单" in reused.json["message"]


def test_expired_and_unknown_codes_are_a_clear_401(client, wechat_control):
    code = wechat_control.code_for(wechat_control.add_user()["openid"])
    wechat_control.advance(301)
    expired = client.post(SIGN_IN, json={"code": code})
    assert expired.status_code == 401 and expired.json["code"] == "wechat_code_invalid"
    unknown = client.post(SIGN_IN, json={"code": "not-a-real-code"})
    assert unknown.status_code == 401 and unknown.json["code"] == "wechat_code_invalid"


def test_snapshot_page_users_are_refused(client, wechat_control):
    response = client.post(SIGN_IN, json={"code": wechat_control.code_for(DEMO_SNAPSHOT)})
    assert response.status_code == 403
    assert response.json["code"] == "wechat_snapshot_user"


def test_wechat_down_is_a_503_not_a_500(make_app, wechat_control):
    client = make_app(WECHAT_API_BASE="http://127.0.0.1:9/api/", WECHAT_TIMEOUT=1).test_client()
    response = client.post(SIGN_IN, json={"code": "whatever"})
    assert response.status_code == 503 and response.json["code"] == "wechat_unavailable"


def test_tokens_are_checked(client, wechat_control):
    assert client.get("/api/resident/me").json["code"] == "not_signed_in"
    forged = client.get("/api/resident/me", headers={"Authorization": "Bearer abc.def.ghi"})
    assert forged.status_code == 401
    staff = client.post("/api/staff/login", json={"username": "clerk", "password": "demo-pass-2024"}).json["token"]
    wrong_audience = client.get("/api/resident/me", headers={"Authorization": f"Bearer {staff}"})
    assert wrong_audience.status_code == 401
    headers = sign_in(client, wechat_control)
    assert client.get("/api/resident/me", headers=headers).status_code == 200


def test_expired_resident_session(make_app, wechat_control):
    client = make_app(RESIDENT_TOKEN_TTL=-1).test_client()
    headers = sign_in(client, wechat_control)
    response = client.get("/api/resident/me", headers=headers)
    assert response.status_code == 401 and response.json["code"] == "session_expired"
