"""A small client for the stand-in's /_control/ surface, for tests and demo scripts."""

from __future__ import annotations

from typing import Any

import requests


class StandinControl:
    """Drives a running stand-in over HTTP: users, codes, media, clock, faults, recorded sends."""

    def __init__(self, base_url: str, timeout: float = 5.0) -> None:
        self.base = base_url.rstrip("/") + "/_control/"
        self.timeout = timeout
        self.http = requests.Session()

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """Call a control endpoint and return its JSON, raising on HTTP errors."""
        response = self.http.request(method, self.base + path, timeout=self.timeout, **kwargs)
        response.raise_for_status()
        return response.json()

    def reset(self) -> None:
        """Restore the initial users and templates, forget codes, tokens, media and sends."""
        self.call("POST", "reset")

    def users(self) -> list[dict[str, Any]]:
        """Return the demo users."""
        return self.call("GET", "users")["users"]

    def add_user(self, openid: str | None = None, **fields: Any) -> dict[str, Any]:
        """Create (or update) a user: nickname, snapshot, refuses_messages, unionid."""
        body = dict(fields, **({"openid": openid} if openid else {}))
        return self.call("POST", "users", json=body)

    def code_for(self, openid: str, scope: str = "snsapi_base") -> str:
        """Issue a web-authorization code for openid without going through the browser redirect."""
        return self.call("POST", "codes", json={"openid": openid, "scope": scope})["code"]

    def set_current_user(self, openid: str) -> None:
        """Make the authorize page log this user in at once."""
        self.call("PUT", "current-user", json={"openid": openid})

    def refuse_authorization(self) -> None:
        """Make the authorize page redirect back with only state, as a refusal does."""
        self.call("PUT", "current-user", json={"refuse": True})

    def clear_current_user(self) -> None:
        """Show the user chooser again."""
        self.call("DELETE", "current-user")

    def add_template(self, template_id: str) -> list[str]:
        """Register a template id the account owns."""
        return self.call("POST", "templates", json={"template_id": template_id})["templates"]

    def sent_messages(self, openid: str | None = None) -> list[dict[str, Any]]:
        """Return the template messages recorded so far, optionally for one openid."""
        return self.call("GET", "template-messages", params={"openid": openid} if openid else None)[
            "messages"
        ]

    def put_media(self, content: bytes, content_type: str = "image/jpeg", chunked: bool = False) -> str:
        """Upload a file as wx.uploadImage would and return its media_id (serverId)."""
        params = {"chunked": "1"} if chunked else None
        headers = {"Content-Type": content_type}
        return self.call("POST", "media", data=content, headers=headers, params=params)["media_id"]

    def advance(self, seconds: float) -> float:
        """Move the stand-in's FakeClock forward."""
        return self.call("POST", "clock/advance", json={"seconds": seconds})["now"]

    def revoke_tokens(self) -> int:
        """Invalidate every global access token issued so far."""
        return self.call("POST", "tokens/revoke")["revoked"]

    def inject_fault(
        self, path: str, errcode: int, errmsg: str = "injected error", times: int | None = None
    ) -> None:
        """Make an /api/ path (e.g. 'cgi-bin/media/get') answer errcode, times times or until cleared."""
        body = {"path": path, "errcode": errcode, "errmsg": errmsg, "times": times}
        self.call("POST", "faults", json=body)

    def clear_faults(self) -> None:
        """Remove all injected faults."""
        self.call("DELETE", "faults")

    def configure(self, **settings: Any) -> dict[str, Any]:
        """Set jsapi_ticket (a fixed ticket) and/or latency ({api path: seconds})."""
        return self.call("PUT", "config", json=settings)

    def request_count(self, path: str) -> int:
        """How many requests an /api/ path (e.g. 'cgi-bin/stable_token') has received."""
        return self.call("GET", "stats")["requests"].get(path, 0)

    def close(self) -> None:
        """Close the HTTP session."""
        self.http.close()
