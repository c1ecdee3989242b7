"""The stand-in's /_control/ JSON surface: pick the logged-in user, issue codes, inspect sends, move time."""

from __future__ import annotations

import json
from typing import Any, NoReturn

from flask import Flask, Response, abort, request

from app.wechat.clock import FakeClock
from app.wechat.standin_state import CODE_TTL, SCOPES, StandinState


def register_control(app: Flask, state: StandinState) -> None:
    """Add the /_control/ JSON endpoints tests and demos use to drive the stand-in."""

    def fail(status: int, message: str) -> NoReturn:
        abort(Response(json.dumps({"error": message}), status=status, content_type="application/json"))

    @app.post("/_control/reset")
    def control_reset() -> Any:
        state.reset()
        return {"ok": True}

    @app.get("/_control/users")
    def control_users() -> Any:
        with state.lock:
            users = [user.to_dict() for user in state.users.values()]
            return {"users": users, "current_user": state.current_user, "refuse": state.refuse_mode}

    @app.post("/_control/users")
    def control_upsert_user() -> Any:
        body = request.get_json(silent=True) or {}
        fields = {
            k: body.get(k) for k in ("nickname", "snapshot", "refuses_messages", "unionid") if k in body
        }
        user, created = state.upsert_user(body.get("openid"), **fields)
        return user.to_dict(), 201 if created else 200

    @app.put("/_control/current-user")
    def control_set_current() -> Any:
        body = request.get_json(silent=True) or {}
        with state.lock:
            if body.get("refuse"):
                state.current_user, state.refuse_mode = None, True
            elif body.get("openid") in state.users:
                state.current_user, state.refuse_mode = body["openid"], False
            else:
                fail(404, "unknown openid")
            return {"current_user": state.current_user, "refuse": state.refuse_mode}

    @app.delete("/_control/current-user")
    def control_clear_current() -> Any:
        with state.lock:
            state.current_user, state.refuse_mode = None, False
        return {"current_user": None, "refuse": False}

    @app.post("/_control/codes")
    def control_issue_code() -> Any:
        body = request.get_json(silent=True) or {}
        scope = body.get("scope", "snsapi_base")
        if scope not in SCOPES:
            fail(400, "unknown scope")
        try:
            code = state.issue_code(body.get("openid", ""), scope)
        except KeyError:
            fail(404, "unknown openid")
        return {"code": code, "openid": body["openid"], "scope": scope, "expires_in": CODE_TTL}, 201

    @app.get("/_control/template-messages")
    def control_sent() -> Any:
        openid = request.args.get("openid")
        with state.lock:
            return {"messages": [m for m in state.sent if openid in (None, m["touser"])]}

    @app.post("/_control/templates")
    def control_add_template() -> Any:
        template_id = (request.get_json(silent=True) or {}).get("template_id")
        if not template_id:
            fail(400, "template_id is required")
        with state.lock:
            if template_id not in state.templates:
                state.templates.append(template_id)
            return {"templates": list(state.templates)}, 201

    @app.post("/_control/media")
    def control_put_media() -> Any:
        upload = request.files.get("file")
        if upload is not None:
            content, content_type = upload.read(), upload.mimetype or "application/octet-stream"
        else:
            content, content_type = request.get_data(), request.content_type or "application/octet-stream"
        if not content:
            fail(400, "empty media")
        chunked = request.args.get("chunked") in ("1", "true")
        media_id = state.put_media(content, content_type, chunked=chunked)
        return {
            "media_id": media_id,
            "type": "image",
            "size": len(content),
            "created_at": state.clock.now(),
        }, 201

    @app.post("/_control/clock/advance")
    def control_advance() -> Any:
        seconds = float((request.get_json(silent=True) or {}).get("seconds", 0))
        if not isinstance(state.clock, FakeClock):
            fail(409, "the stand-in runs on the real clock")
        return {"now": state.clock.advance(seconds)}

    @app.post("/_control/tokens/revoke")
    def control_revoke() -> Any:
        return {"revoked": state.revoke_tokens()}

    @app.post("/_control/faults")
    def control_add_fault() -> Any:
        body = request.get_json(silent=True) or {}
        if not body.get("path") or not isinstance(body.get("errcode"), int):
            fail(400, "path and integer errcode are required")
        with state.lock:
            state.faults[body["path"]] = {
                "errcode": body["errcode"],
                "errmsg": body.get("errmsg", "injected error"),
                "times": body.get("times"),
            }
            return {"faults": dict(state.faults)}, 201

    @app.delete("/_control/faults")
    def control_clear_faults() -> Any:
        with state.lock:
            state.faults.clear()
        return {"faults": {}}

    @app.put("/_control/config")
    def control_config() -> Any:
        body = request.get_json(silent=True) or {}
        with state.lock:
            if "jsapi_ticket" in body:
                state.fixed_ticket = body["jsapi_ticket"] or None
            if "latency" in body:
                state.latency = {str(k): float(v) for k, v in (body["latency"] or {}).items()}
            return {"jsapi_ticket": state.fixed_ticket, "latency": state.latency}

    @app.get("/_control/stats")
    def control_stats() -> Any:
        with state.lock:
            return {"requests": dict(state.requests)}
