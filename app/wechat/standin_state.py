"""The stand-in's model of WeChat: users, codes, tokens, media and sent messages, with an injectable clock."""

from __future__ import annotations

import secrets
import string
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from app.wechat.clock import Clock

CODE_TTL = 300
TOKEN_TTL = 7200
ROTATION_GRACE = 300
REFRESH_TOKEN_TTL = 30 * 24 * 3600
MEDIA_TTL = 3 * 24 * 3600
DEDUP_WINDOW = 600
SCOPES = ("snsapi_base", "snsapi_userinfo")
_OPENID_ALPHABET = string.ascii_letters + string.digits + "_-"


class StandinError(Exception):
    """An errcode the stand-in answers with, like WeChat (HTTP 200, JSON body)."""

    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(errcode, errmsg)
        self.errcode = errcode
        self.errmsg = errmsg

    def payload(self) -> dict[str, Any]:
        """Return the JSON body, with a request id as the real service appends."""
        rid = "-".join(secrets.token_hex(4) for _ in range(3))
        return {"errcode": self.errcode, "errmsg": f"{self.errmsg} rid: {rid}"}


@dataclass
class DemoUser:
    """A resident who can log in through the stand-in."""

    openid: str
    nickname: str
    snapshot: bool = False
    refuses_messages: bool = False
    unionid: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON shape used by the control surface."""
        return asdict(self)


@dataclass
class _Grant:
    openid: str
    scope: str
    issued_at: float
    used: bool = False


@dataclass
class _AppToken:
    kind: str
    expires_at: float
    superseded_at: float | None = None
    revoked: bool = False


@dataclass
class _SnsToken:
    openid: str
    scope: str
    expires_at: float


@dataclass
class StoredMedia:
    """A temporary media file as wx.uploadImage leaves it on WeChat's side."""

    content: bytes
    content_type: str
    created_at: float
    chunked: bool = False


#: Demo openids, for tests and demos: an ordinary resident, one who refuses messages, one with a
#: unionid, and a snapshot-page (virtual) user.
DEMO_RESIDENT = "oDdZt5y3kQ8mJ2rW9vXcN4pL7hAs"
DEMO_REFUSES_MESSAGES = "oDdZt5wP1eR6tY8uI0oPaS3dF5gH"
DEMO_WITH_UNIONID = "oDdZt5qZ9xC7vB5nM3kJ1hG8fD2s"
DEMO_SNAPSHOT = "oDdZt5snAp5hoT0userXX1234567"

DEFAULT_USERS = (
    DemoUser(DEMO_RESIDENT, "张桂兰"),
    DemoUser(DEMO_REFUSES_MESSAGES, "李建国", refuses_messages=True),
    DemoUser(DEMO_WITH_UNIONID, "王秀英", unionid="oUnIoN0wangxiuying000000000"),
    DemoUser(DEMO_SNAPSHOT, "快照页用户", snapshot=True),
)


def _token(length: int = 96) -> str:
    return secrets.token_urlsafe(length)[:length]


class StandinState:
    """All mutable stand-in state behind one lock; every public method is atomic."""

    def __init__(
        self,
        clock: Clock,
        appid: str,
        secret: str,
        templates: Iterable[str] = (),
        users: Iterable[DemoUser] = DEFAULT_USERS,
    ) -> None:
        self.clock = clock
        self.appid = appid
        self.secret = secret
        self._initial_templates = tuple(templates)
        self._initial_users = tuple(users)
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        """Forget everything and restore the initial users and templates."""
        with self.lock:
            self.users: dict[str, DemoUser] = {u.openid: DemoUser(**asdict(u)) for u in self._initial_users}
            self.templates: list[str] = list(self._initial_templates)
            self.current_user: str | None = None
            self.refuse_mode = False
            self._codes: dict[str, _Grant] = {}
            self._app_tokens: dict[str, _AppToken] = {}
            self._current_app_token: dict[str, str] = {}
            self._sns_tokens: dict[str, _SnsToken] = {}
            self._refresh_tokens: dict[str, _SnsToken] = {}
            self._ticket: tuple[str, float] | None = None
            self.fixed_ticket: str | None = None
            self.media: dict[str, StoredMedia] = {}
            self.sent: list[dict[str, Any]] = []
            self._dedup: dict[tuple[str, str], tuple[int, float]] = {}
            self._next_msgid = 2_147_483_000
            self.faults: dict[str, dict[str, Any]] = {}
            self.latency: dict[str, float] = {}
            self.requests: Counter[str] = Counter()

    # --- users and codes ---------------------------------------------------------------------------

    def upsert_user(self, openid: str | None = None, **fields: Any) -> tuple[DemoUser, bool]:
        """Create a user (generating an openid when none is given) or update one; returns (user, created)."""
        with self.lock:
            if openid and openid in self.users:
                user = self.users[openid]
                for name in ("nickname", "snapshot", "refuses_messages", "unionid"):
                    if name in fields and fields[name] is not None:
                        setattr(user, name, fields[name])
                return user, False
            openid = openid or "oDdZt5" + "".join(secrets.choice(_OPENID_ALPHABET) for _ in range(22))
            nickname = fields.get("nickname") or f"新用户{len(self.users) + 1}"
            user = DemoUser(
                openid=openid,
                nickname=nickname,
                snapshot=bool(fields.get("snapshot", False)),
                refuses_messages=bool(fields.get("refuses_messages", False)),
                unionid=fields.get("unionid"),
            )
            self.users[openid] = user
            return user, True

    def issue_code(self, openid: str, scope: str = "snsapi_base") -> str:
        """Issue a single-use web-authorization code for a known user."""
        with self.lock:
            if openid not in self.users:
                raise KeyError(openid)
            code = secrets.token_hex(16)
            self._codes[code] = _Grant(openid=openid, scope=scope, issued_at=self.clock.now())
            return code

    def _check_app(self, appid: str | None, secret: str | None) -> None:
        if appid != self.appid:
            raise StandinError(40013, "invalid appid")
        if secret is not None and secret != self.secret:
            raise StandinError(40125, "invalid appsecret")

    def exchange_code(
        self, appid: str | None, secret: str | None, code: str | None, grant_type: str | None
    ) -> dict:
        """sns/oauth2/access_token."""
        with self.lock:
            if grant_type != "authorization_code":
                raise StandinError(40002, "invalid grant_type")
            self._check_app(appid, secret or "")
            if not code:
                raise StandinError(41008, "missing code")
            grant = self._codes.get(code)
            now = self.clock.now()
            if grant is None or now >= grant.issued_at + CODE_TTL:
                raise StandinError(40029, "invalid code")
            if grant.used:
                raise StandinError(40163, "code been used")
            grant.used = True
            return self._sns_grant(grant.openid, grant.scope, refresh_token=None)

    def _sns_grant(self, openid: str, scope: str, refresh_token: str | None) -> dict[str, Any]:
        now = self.clock.now()
        access = _token()
        self._sns_tokens[access] = _SnsToken(openid, scope, now + TOKEN_TTL)
        if refresh_token is None:
            refresh_token = _token()
            self._refresh_tokens[refresh_token] = _SnsToken(openid, scope, now + REFRESH_TOKEN_TTL)
        user = self.users[openid]
        body: dict[str, Any] = {
            "access_token": access,
            "expires_in": TOKEN_TTL,
            "refresh_token": refresh_token,
            "openid": openid,
            "scope": scope,
        }
        if user.unionid:
            body["unionid"] = user.unionid
        if user.snapshot:
            body["is_snapshotuser"] = 1
        return body

    def refresh_oauth(self, appid: str | None, grant_type: str | None, refresh_token: str | None) -> dict:
        """sns/oauth2/refresh_token."""
        with self.lock:
            if grant_type != "refresh_token":
                raise StandinError(40002, "invalid grant_type")
            self._check_app(appid, None)
            grant = self._refresh_tokens.get(refresh_token or "")
            if grant is None:
                raise StandinError(40030, "invalid refresh_token")
            if self.clock.now() >= grant.expires_at:
                raise StandinError(42002, "refresh_token timeout")
            return self._sns_grant(grant.openid, grant.scope, refresh_token=refresh_token)

    def userinfo(self, access_token: str | None, openid: str | None) -> dict[str, Any]:
        """sns/userinfo."""
        with self.lock:
            token = self._sns_tokens.get(access_token or "")
            if token is None:
                raise StandinError(40001, "invalid credential, access_token is invalid or not latest")
            if self.clock.now() >= token.expires_at:
                raise StandinError(42001, "access_token expired")
            if token.scope != "snsapi_userinfo":
                raise StandinError(48001, "api unauthorized")
            if openid != token.openid:
                raise StandinError(40003, "invalid openid")
            user = self.users[token.openid]
            body: dict[str, Any] = {
                "openid": user.openid,
                "nickname": user.nickname,
                "sex": 0,
                "province": "",
                "city": "",
                "country": "",
                "headimgurl": "",
                "privilege": [],
            }
            if user.unionid:
                body["unionid"] = user.unionid
            return body

    # --- global access token -----------------------------------------------------------------------

    def _token_usable(self, value: str | None) -> bool:
        token = self._app_tokens.get(value or "")
        now = self.clock.now()
        return bool(token and not token.revoked and token.superseded_at is None and now < token.expires_at)

    def _issue_app_token(self, kind: str) -> dict[str, Any]:
        now = self.clock.now()
        old = self._current_app_token.get(kind)
        if old and self._app_tokens[old].superseded_at is None:
            self._app_tokens[old].superseded_at = now
        value = _token(136)
        self._app_tokens[value] = _AppToken(kind=kind, expires_at=now + TOKEN_TTL)
        self._current_app_token[kind] = value
        return {"access_token": value, "expires_in": TOKEN_TTL}

    def issue_token(self, appid: str | None, secret: str | None, grant_type: str | None) -> dict[str, Any]:
        """cgi-bin/token: always a new token; the previous one stays valid for ROTATION_GRACE seconds."""
        with self.lock:
            if grant_type != "client_credential":
                raise StandinError(40002, "invalid grant_type")
            self._check_app(appid, secret or "")
            return self._issue_app_token("token")

    def stable_token(self, appid: Any, secret: Any, grant_type: Any, force_refresh: bool) -> dict[str, Any]:
        """cgi-bin/stable_token: the same token while it is valid unless force_refresh (isolated from token)."""
        with self.lock:
            if grant_type != "client_credential":
                raise StandinError(40002, "invalid grant_type")
            self._check_app(appid, secret or "")
            current = self._current_app_token.get("stable")
            if not force_refresh and current and self._token_usable(current):
                remaining = int(self._app_tokens[current].expires_at - self.clock.now())
                return {"access_token": current, "expires_in": remaining}
            return self._issue_app_token("stable")

    def check_token(self, value: str | None) -> None:
        """Raise the errcode WeChat gives for a missing, invalid, superseded or expired access token."""
        with self.lock:
            if not value:
                raise StandinError(41001, "access_token missing")
            token = self._app_tokens.get(value)
            now = self.clock.now()
            if token is None or token.revoked:
                raise StandinError(40001, "invalid credential, access_token is invalid or not latest")
            if now >= token.expires_at:
                raise StandinError(42001, "access_token expired")
            if token.superseded_at is not None and now >= token.superseded_at + ROTATION_GRACE:
                raise StandinError(40001, "invalid credential, access_token is invalid or not latest")

    def revoke_tokens(self) -> int:
        """Invalidate every global access token (as a secret reset would); returns how many."""
        with self.lock:
            for token in self._app_tokens.values():
                token.revoked = True
            return len(self._app_tokens)

    def jsapi_ticket(self, access_token: str | None, ticket_type: str | None) -> dict[str, Any]:
        """cgi-bin/ticket/getticket."""
        with self.lock:
            self.check_token(access_token)
            if ticket_type != "jsapi":
                raise StandinError(40097, "invalid args")
            now = self.clock.now()
            if self.fixed_ticket:
                return {"errcode": 0, "errmsg": "ok", "ticket": self.fixed_ticket, "expires_in": TOKEN_TTL}
            if self._ticket is None or now >= self._ticket[1]:
                self._ticket = (_token(86), now + TOKEN_TTL)
            return {
                "errcode": 0,
                "errmsg": "ok",
                "ticket": self._ticket[0],
                "expires_in": int(self._ticket[1] - now),
            }

    # --- media and template messages ---------------------------------------------------------------

    def put_media(self, content: bytes, content_type: str, chunked: bool = False) -> str:
        """Store a file as wx.uploadImage would and return its media_id (serverId)."""
        with self.lock:
            media_id = secrets.token_urlsafe(48)[:64]
            self.media[media_id] = StoredMedia(content, content_type, self.clock.now(), chunked)
            return media_id

    def get_media(self, access_token: str | None, media_id: str | None) -> StoredMedia:
        """cgi-bin/media/get: the stored file, or 40007 when unknown or older than three days."""
        with self.lock:
            self.check_token(access_token)
            media = self.media.get(media_id or "")
            if media is None or self.clock.now() >= media.created_at + MEDIA_TTL:
                raise StandinError(40007, "invalid media_id")
            return media

    def send_template(self, access_token: str | None, body: Any) -> dict[str, Any]:
        """cgi-bin/message/template/send: record the send; client_msg_id de-duplicates per openid."""
        with self.lock:
            self.check_token(access_token)
            if not isinstance(body, dict) or not isinstance(body.get("data", {}), dict):
                raise StandinError(47001, "data format error")
            template_id = body.get("template_id")
            if template_id not in self.templates:
                raise StandinError(40037, "invalid template_id")
            openid = body.get("touser")
            user = self.users.get(openid or "")
            if user is None:
                raise StandinError(40003, "invalid openid")
            if user.refuses_messages:
                raise StandinError(43101, "user refuse to accept the msg")
            now = self.clock.now()
            client_msg_id = body.get("client_msg_id")
            if client_msg_id:
                previous = self._dedup.get((user.openid, client_msg_id))
                if previous and now < previous[1] + DEDUP_WINDOW:
                    return {"errcode": 0, "errmsg": "ok", "msgid": previous[0]}
            self._next_msgid += 1
            msgid = self._next_msgid
            if client_msg_id:
                self._dedup[(user.openid, client_msg_id)] = (msgid, now)
            self.sent.append(
                {
                    "msgid": msgid,
                    "touser": user.openid,
                    "template_id": template_id,
                    "url": body.get("url"),
                    "data": body.get("data", {}),
                    "client_msg_id": client_msg_id,
                    "sent_at": now,
                }
            )
            return {"errcode": 0, "errmsg": "ok", "msgid": msgid}

    # --- fault injection ---------------------------------------------------------------------------

    def take_fault(self, path: str) -> StandinError | None:
        """Return the injected error for an API path, consuming one use of it."""
        with self.lock:
            fault = self.faults.get(path)
            if fault is None:
                return None
            if fault["times"] is not None:
                fault["times"] -= 1
                if fault["times"] <= 0:
                    del self.faults[path]
            return StandinError(fault["errcode"], fault["errmsg"])
