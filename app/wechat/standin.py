"""A faithful local stand-in for WeChat's OAuth, token, JS-SDK, media and template-message APIs.

Layout: the `open` base URL is `<standin>/connect/`, the `api` base URL is `<standin>/api/`, and a JSON
control surface for tests and demos lives under `/_control/`. For development and tests only: it has no
authentication, so serve it on loopback and never mount it in production.
"""

from __future__ import annotations

import json
import mimetypes
import re
import time
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from flask import Flask, Response, abort, redirect, render_template_string, request, url_for

from app.wechat.clock import Clock, FakeClock, SystemClock
from app.wechat.serving import RunningServer, serve_in_thread
from app.wechat.standin_control import register_control
from app.wechat.standin_state import DEFAULT_USERS, SCOPES, DemoUser, StandinError, StandinState

__all__ = [
    "DEFAULT_APPID",
    "DEFAULT_SECRET",
    "DEFAULT_TEMPLATES",
    "FakeClock",
    "RunningServer",
    "create_standin_app",
    "serve_in_thread",
    "standin_state",
]

DEFAULT_APPID = "wx5d0c1f2a3b4c5d6e"
DEFAULT_SECRET = "0c0ffee5ecre7f0r7hes7and1n00000a"
DEFAULT_TEMPLATES = ("TPL_STATUS_CHANGED", "TPL_MATERIALS_NEEDED", "TPL_VISIT_SCHEDULED")
EXTENSION_KEY = "wechat_standin"
_STATE_RE = re.compile(r"[a-zA-Z0-9]{0,128}")
_WX_JSON = "application/json; encoding=utf-8"

_CHOOSER = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>微信登录（本地模拟）</title>
<style>body{font-family:sans-serif;max-width:28em;margin:2em auto;padding:0 1em}
button{display:block;width:100%;margin:.4em 0;padding:.7em;font-size:1em}
.refuse{background:#eee}.note{color:#888;font-size:.85em}</style></head>
<body>{% macro hidden() %}{% for name, value in params.items() %}
<input type="hidden" name="{{ name }}" value="{{ value }}">{% endfor %}{% endmacro %}
<h1>选择登录的微信用户</h1>
<p class="note">本地模拟的微信网页授权（scope: {{ scope }}）。</p>
{% for user in users %}
<form method="post" action="{{ action }}">{{ hidden() }}
<input type="hidden" name="choice" value="user"><input type="hidden" name="openid" value="{{ user.openid }}">
<button type="submit" data-openid="{{ user.openid }}">{{ user.nickname }}
{% if user.snapshot %}（快照页用户）{% endif %}<br><small>{{ user.openid }}</small></button></form>
{% endfor %}
<form method="post" action="{{ action }}">{{ hidden() }}
<input type="hidden" name="choice" value="new"><button type="submit">新用户</button></form>
<form method="post" action="{{ action }}">{{ hidden() }}
<input type="hidden" name="choice" value="refuse"><button type="submit" class="refuse">拒绝授权</button></form>
</body></html>"""

_ERROR_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>出错了</title></head>
<body><h1>Oops! Something went wrong:(</h1><p>{{ message }}</p><p>errcode: {{ errcode }}</p></body></html>"""


def create_standin_app(
    clock: Clock | None = None,
    appid: str = DEFAULT_APPID,
    secret: str = DEFAULT_SECRET,
    templates: Iterable[str] = DEFAULT_TEMPLATES,
    users: Iterable[DemoUser] = DEFAULT_USERS,
    redirect_hosts: Iterable[str] | None = None,
) -> Flask:
    """Create the stand-in app; redirect_hosts, when given, plays the account's 网页授权域名 setting."""
    app = Flask(__name__)
    state = StandinState(clock or SystemClock(), appid, secret, templates, users)
    allowed_hosts = frozenset(redirect_hosts) if redirect_hosts is not None else None
    app.extensions[EXTENSION_KEY] = state

    # --- web authorization ---------------------------------------------------------------------

    def authorize_params(source: Any) -> dict[str, str]:
        params = {
            name: source.get(name, "")
            for name in ("appid", "redirect_uri", "response_type", "scope", "state")
        }
        if not params["appid"]:
            abort(_error_page(10012, "appid不能为空"))
        if params["appid"] != state.appid:
            abort(_error_page(40013, "invalid appid"))
        if not params["redirect_uri"]:
            abort(_error_page(10011, "redirect_uri不能为空"))
        target = urlsplit(params["redirect_uri"])
        if target.scheme not in ("http", "https") or not target.hostname:
            abort(_error_page(10003, "redirect_uri参数错误"))
        if allowed_hosts is not None and target.hostname not in allowed_hosts:
            abort(_error_page(10003, "redirect_uri域名与后台配置不一致"))
        if params["response_type"] != "code":
            abort(_error_page(10002, "response_type参数错误"))
        if not params["scope"]:
            abort(_error_page(10010, "scope不能为空"))
        if params["scope"] not in SCOPES:
            abort(_error_page(10005, "此公众号并没有这些scope的权限"))
        if not _STATE_RE.fullmatch(params["state"]):
            abort(_error_page(10013, "state参数错误"))
        return params

    def finish(params: dict[str, str], openid: str | None) -> Response:
        query = {"state": params["state"]}
        if openid is not None:
            query = {"code": state.issue_code(openid, params["scope"]), "state": params["state"]}
        return redirect(_append_query(params["redirect_uri"], query), code=302)

    @app.get("/connect/oauth2/authorize")
    def authorize() -> Any:
        params = authorize_params(request.args)
        with state.lock:
            current, refuse = state.current_user, state.refuse_mode
            users = list(state.users.values())
        if refuse:
            return finish(params, None)
        if current:
            return finish(params, current)
        return render_template_string(
            _CHOOSER,
            users=users,
            params=params,
            scope=params["scope"],
            action=url_for("authorize_choose"),
        )

    @app.post("/connect/oauth2/authorize/choose")
    def authorize_choose() -> Any:
        params = authorize_params(request.form)
        choice = request.form.get("choice")
        if choice == "refuse":
            return finish(params, None)
        if choice == "new":
            user, _ = state.upsert_user()
            return finish(params, user.openid)
        openid = request.form.get("openid", "")
        if openid not in state.users:
            abort(_error_page(40003, "invalid openid"))
        return finish(params, openid)

    # --- API endpoints -------------------------------------------------------------------------

    @app.before_request
    def api_faults_and_latency() -> Any:
        if not request.path.startswith("/api/"):
            return None
        path = request.path.removeprefix("/api/")
        with state.lock:
            state.requests[path] += 1
            delay = state.latency.get(path, 0.0)
        if delay:
            time.sleep(delay)  # real time on purpose: lets tests overlap concurrent callers
        fault = state.take_fault(path)
        return _wx(fault.payload()) if fault else None

    @app.errorhandler(StandinError)
    def standin_error(error: StandinError) -> Response:
        return _wx(error.payload())

    @app.get("/api/sns/oauth2/access_token")
    def sns_access_token() -> Response:
        a = request.args
        return _wx(state.exchange_code(a.get("appid"), a.get("secret"), a.get("code"), a.get("grant_type")))

    @app.get("/api/sns/oauth2/refresh_token")
    def sns_refresh_token() -> Response:
        a = request.args
        return _wx(state.refresh_oauth(a.get("appid"), a.get("grant_type"), a.get("refresh_token")))

    @app.get("/api/sns/userinfo")
    def sns_userinfo() -> Response:
        return _wx(state.userinfo(request.args.get("access_token"), request.args.get("openid")))

    @app.get("/api/cgi-bin/token")
    def cgi_token() -> Response:
        a = request.args
        return _wx(state.issue_token(a.get("appid"), a.get("secret"), a.get("grant_type")))

    @app.post("/api/cgi-bin/stable_token")
    def cgi_stable_token() -> Response:
        body = _wx_body()
        force = body.get("force_refresh") in (True, "true", 1)
        return _wx(state.stable_token(body.get("appid"), body.get("secret"), body.get("grant_type"), force))

    @app.get("/api/cgi-bin/ticket/getticket")
    def cgi_getticket() -> Response:
        return _wx(state.jsapi_ticket(request.args.get("access_token"), request.args.get("type")))

    @app.get("/api/cgi-bin/media/get")
    def cgi_media_get() -> Response:
        media_id = request.args.get("media_id", "")
        media = state.get_media(request.args.get("access_token"), media_id)
        extension = mimetypes.guess_extension(media.content_type.split(";")[0]) or ".bin"
        headers = {"Content-disposition": f'attachment; filename="{media_id}{extension}"'}
        if media.chunked:
            return Response(_chunks(media.content), content_type=media.content_type, headers=headers)
        return Response(media.content, content_type=media.content_type, headers=headers)

    @app.post("/api/cgi-bin/message/template/send")
    def cgi_template_send() -> Response:
        return _wx(state.send_template(request.args.get("access_token"), _wx_body()))

    register_control(app, state)
    return app


def standin_state(app: Flask) -> StandinState:
    """Return the state object behind a stand-in app (for in-process inspection)."""
    return app.extensions[EXTENSION_KEY]


def _wx(payload: dict[str, Any]) -> Response:
    body = json.dumps(payload, ensure_ascii=False)
    return Response(body, status=200, content_type=_WX_JSON)


def _wx_body() -> Any:
    try:
        return json.loads(request.get_data() or b"null")
    except ValueError:
        raise StandinError(47001, "data format error") from None


def _error_page(errcode: int, message: str) -> Response:
    html = render_template_string(_ERROR_PAGE, errcode=errcode, message=message)
    return Response(html, status=400, content_type="text/html; charset=utf-8")


def _append_query(url: str, params: dict[str, str]) -> str:
    # WeChat puts code/state before any '#', which hash-routed pages rely on.
    parts = urlsplit(url)
    extra = urlencode(params)
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def _chunks(content: bytes, size: int = 64 * 1024) -> Iterator[bytes]:
    for start in range(0, len(content), size):
        yield content[start : start + size]


def main(argv: list[str] | None = None) -> None:
    """Run the stand-in in the foreground: python -m app.wechat.standin [--port N] [--fake-clock]."""
    import argparse

    parser = argparse.ArgumentParser(description="Local WeChat stand-in")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--fake-clock", action="store_true", help="freeze time; move it with /_control/clock/advance"
    )
    args = parser.parse_args(argv)
    app = create_standin_app(clock=FakeClock() if args.fake_clock else None)
    running = serve_in_thread(app, host=args.host, port=args.port)
    print(
        f"WeChat stand-in: open={running.open_base} api={running.api_base} appid={DEFAULT_APPID}", flush=True
    )
    try:
        running.thread.join()
    except KeyboardInterrupt:
        running.shutdown()


if __name__ == "__main__":
    main()
