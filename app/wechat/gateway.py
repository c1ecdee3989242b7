"""A thin gateway over `requests` for the few WeChat official-account APIs Doudi needs."""

from __future__ import annotations

import json
import logging
import re
import secrets
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

import requests

from app.wechat.cache import CacheLockTimeout, MemoryTokenCache, TokenCache
from app.wechat.errors import (
    AccessTokenInvalid,
    GatewayError,
    MediaTooLarge,
    WeChatError,
    WeChatUnavailable,
    mask,
)
from app.wechat.results import MediaFile, OAuthResult
from app.wechat.signing import compute_jsapi_signature, verify_server_signature

logger = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://api.weixin.qq.com/"
DEFAULT_OPEN_BASE = "https://open.weixin.qq.com/connect/"
OAUTH_SCOPES = frozenset({"snsapi_base", "snsapi_userinfo"})
_STATE_RE = re.compile(r"[a-zA-Z0-9]{0,128}")
_FILENAME_RE = re.compile(r'filename="?([^";]+)"?', re.IGNORECASE)
_JSON_SNIFF_LIMIT = 64 * 1024
T = TypeVar("T")


class WeChatGateway:
    """Talks to WeChat (or the stand-in) with configurable base URLs and a shared token cache."""

    def __init__(
        self,
        appid: str,
        secret: str,
        *,
        api_base: str = DEFAULT_API_BASE,
        open_base: str = DEFAULT_OPEN_BASE,
        cache: TokenCache | None = None,
        timeout: float = 5.0,
        max_media_bytes: int = 10 * 1024 * 1024,
        media_deadline: float = 60.0,
        use_stable_token: bool = True,
        token_margin: int = 300,
        lock_timeout: float | None = None,
        session: requests.Session | None = None,
    ) -> None:
        self.appid = appid
        self._secret = secret
        self.api_base = api_base if api_base.endswith("/") else api_base + "/"
        self.open_base = open_base if open_base.endswith("/") else open_base + "/"
        self.cache = cache if cache is not None else MemoryTokenCache()
        self.timeout = timeout
        self.max_media_bytes = max_media_bytes
        self.media_deadline = media_deadline
        self.use_stable_token = use_stable_token
        self.token_margin = token_margin
        self._session = session or requests.Session()
        self._token_key = f"access_token:{appid}"
        self._ticket_key = f"jsapi_ticket:{appid}"
        # Long enough for one token request; a crashed holder frees the lock after this.
        self._lock_timeout = lock_timeout if lock_timeout is not None else max(2 * timeout + 1.0, 5.0)

    def __repr__(self) -> str:
        return f"WeChatGateway(appid={self.appid!r}, api_base={self.api_base!r})"

    def close(self) -> None:
        """Close pooled HTTP connections."""
        self._session.close()

    # --- web authorization -------------------------------------------------------------------------

    def authorize_url(self, redirect_uri: str, state: str, scope: str = "snsapi_base") -> str:
        """Return the URL that starts web authorization; WeChat requires this exact parameter order."""
        if scope not in OAUTH_SCOPES:
            raise ValueError(f"unknown scope {scope!r}")
        if not _STATE_RE.fullmatch(state):
            raise ValueError("state must be a-zA-Z0-9, at most 128 characters")
        query = urlencode(
            [
                ("appid", self.appid),
                ("redirect_uri", redirect_uri),
                ("response_type", "code"),
                ("scope", scope),
                ("state", state),
            ],
            quote_via=quote,
            safe="",
        )
        return f"{self.open_base}oauth2/authorize?{query}#wechat_redirect"

    def exchange_code(self, code: str) -> OAuthResult:
        """Exchange a single-use web-authorization code; raises OAuthCodeInvalid / OAuthCodeUsed."""
        if not code:
            raise ValueError("code is required")
        payload = self._get_json(
            "sns/oauth2/access_token",
            {"appid": self.appid, "secret": self._secret, "code": code, "grant_type": "authorization_code"},
        )
        result = OAuthResult.from_payload(payload)
        logger.info(
            "wechat code %s exchanged for openid %s (scope=%s, snapshot=%s)",
            mask(code),
            mask(result.openid),
            result.scope,
            result.is_snapshot_user,
        )
        return result

    def refresh_oauth(self, refresh_token: str) -> OAuthResult:
        """Renew a web-authorization access token with its 30-day refresh token."""
        payload = self._get_json(
            "sns/oauth2/refresh_token",
            {"appid": self.appid, "grant_type": "refresh_token", "refresh_token": refresh_token},
        )
        return OAuthResult.from_payload(payload)

    def user_info(self, oauth_access_token: str, openid: str, lang: str = "zh_CN") -> dict[str, Any]:
        """Return the profile of an snsapi_userinfo user (48001 with a base-scope token)."""
        return self._get_json(
            "sns/userinfo", {"access_token": oauth_access_token, "openid": openid, "lang": lang}
        )

    # --- access token and JS-SDK ticket ------------------------------------------------------------

    def access_token(self) -> str:
        """Return the cached global access token, fetching it (once, under the lock) when missing."""
        cached = self.cache.get(self._token_key)
        if cached:
            return cached
        return self._refresh_cached(self._token_key, lambda: self._fetch_access_token(None))

    def invalidate_access_token(self, stale: str) -> str:
        """Replace a token WeChat rejected unless another caller already did; returns the fresh token."""
        return self._refresh_cached(self._token_key, lambda: self._fetch_access_token(stale), stale=stale)

    def jsapi_ticket(self) -> str:
        """Return the cached JS-SDK ticket (valid 7200 s, cached globally)."""
        cached = self.cache.get(self._ticket_key)
        if cached:
            return cached
        return self._refresh_cached(self._ticket_key, self._fetch_jsapi_ticket)

    def jsapi_signature(self, url: str, noncestr: str, timestamp: int | str) -> str:
        """Return the wx.config signature for a page URL (anything after '#' is dropped)."""
        return compute_jsapi_signature(self.jsapi_ticket(), noncestr, timestamp, url)

    def jsapi_config(self, url: str) -> dict[str, Any]:
        """Return the appId/timestamp/nonceStr/signature fields a page passes to wx.config."""
        noncestr = secrets.token_urlsafe(12).replace("-", "x").replace("_", "y")
        timestamp = int(time.time())
        return {
            "appId": self.appid,
            "timestamp": timestamp,
            "nonceStr": noncestr,
            "signature": self.jsapi_signature(url, noncestr, timestamp),
        }

    # --- media and messages ------------------------------------------------------------------------

    def download_media(self, media_id: str) -> bytes:
        """Download a temporary media file (a wx.uploadImage serverId) and return its bytes."""
        return self.fetch_media(media_id).content

    def fetch_media(self, media_id: str) -> MediaFile:
        """Download a temporary media file with its content type; MediaInvalid, MediaTooLarge on failure."""
        if not media_id:
            raise ValueError("media_id is required")

        def call(token: str) -> MediaFile:
            response = self._request(
                "GET", "cgi-bin/media/get", params={"access_token": token, "media_id": media_id}, stream=True
            )
            try:
                return self._read_media(response)
            finally:
                response.close()

        media = self._with_token(call)
        logger.info("wechat media %s downloaded (%d bytes)", mask(media_id), len(media.content))
        return media

    def send_template(
        self,
        openid: str,
        template_id: str,
        data: Mapping[str, Any],
        url: str | None = None,
        client_msg_id: str | None = None,
    ) -> int:
        """Send a template message and return its msgid; client_msg_id makes a retry harmless for 10 min."""
        body: dict[str, Any] = {
            "touser": openid,
            "template_id": template_id,
            "data": {
                key: value if isinstance(value, Mapping) else {"value": value} for key, value in data.items()
            },
        }
        if url:
            body["url"] = url
        if client_msg_id:
            body["client_msg_id"] = client_msg_id
        payload = self._with_token(
            lambda token: self._post_json("cgi-bin/message/template/send", token, body)
        )
        logger.info("wechat template %s sent to %s", template_id, mask(openid))
        return int(payload["msgid"])

    @staticmethod
    def verify_server_signature(
        token: str, timestamp: str | None, nonce: str | None, signature: str | None
    ) -> bool:
        """Check WeChat's push signature in constant time."""
        return verify_server_signature(token, timestamp, nonce, signature)

    # --- internals ---------------------------------------------------------------------------------

    def _ttl(self, expires_in: int) -> float:
        # Refresh ahead of expiry; with little time left, cache for half of it.
        if expires_in > 2 * self.token_margin:
            return float(expires_in - self.token_margin)
        return max(1.0, expires_in / 2)

    def _refresh_cached(
        self, key: str, fetch: Callable[[], tuple[str, int]], stale: str | None = None
    ) -> str:
        def load() -> str:
            cached = self.cache.get(key)
            if cached and cached != stale:
                return cached
            value, expires_in = fetch()
            self.cache.set(key, value, self._ttl(expires_in))
            return value

        try:
            with self.cache.lock(key, self._lock_timeout):
                return load()
        except CacheLockTimeout:
            logger.warning("wechat cache lock %s timed out; fetching without it", key)
            return load()

    def _fetch_access_token(self, stale: str | None) -> tuple[str, int]:
        token, expires_in = self._request_access_token(force_refresh=False)
        if stale is not None and token == stale and self.use_stable_token:
            # The stable endpoint handed back the token WeChat just rejected: force a new one.
            token, expires_in = self._request_access_token(force_refresh=True)
        logger.info("wechat access token fetched: %s (expires_in=%s)", mask(token), expires_in)
        return token, expires_in

    def _request_access_token(self, force_refresh: bool) -> tuple[str, int]:
        if self.use_stable_token:
            body = {
                "grant_type": "client_credential",
                "appid": self.appid,
                "secret": self._secret,
                "force_refresh": force_refresh,
            }
            payload = self._check(self._request("POST", "cgi-bin/stable_token", data=_dumps(body)))
        else:
            params = {"grant_type": "client_credential", "appid": self.appid, "secret": self._secret}
            payload = self._get_json("cgi-bin/token", params)
        return str(payload["access_token"]), int(payload.get("expires_in", 7200))

    def _fetch_jsapi_ticket(self) -> tuple[str, int]:
        payload = self._with_token(
            lambda token: self._get_json("cgi-bin/ticket/getticket", {"access_token": token, "type": "jsapi"})
        )
        return str(payload["ticket"]), int(payload.get("expires_in", 7200))

    def _with_token(self, call: Callable[[str], T]) -> T:
        token = self.access_token()
        try:
            return call(token)
        except AccessTokenInvalid as exc:
            logger.info("wechat rejected access token %s (%s); refreshing once", mask(token), exc.errcode)
            return call(self.invalidate_access_token(token))

    def _get_json(self, path: str, params: Mapping[str, Any]) -> dict[str, Any]:
        return self._check(self._request("GET", path, params=params))

    def _post_json(self, path: str, token: str, body: Mapping[str, Any]) -> dict[str, Any]:
        return self._check(self._request("POST", path, params={"access_token": token}, data=_dumps(body)))

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        data: bytes | None = None,
        stream: bool = False,
    ) -> requests.Response:
        headers = {"Content-Type": "application/json; charset=utf-8"} if data is not None else None
        try:
            response = self._session.request(
                method,
                self.api_base + path,
                params=params,
                data=data,
                headers=headers,
                timeout=self.timeout,
                stream=stream,
            )
        except requests.RequestException as exc:
            # `from None`: the original message carries the full URL, secret and tokens included.
            raise WeChatUnavailable(f"{method} {path}: {type(exc).__name__}") from None
        if response.status_code >= 300:
            response.close()
            raise WeChatUnavailable(f"{method} {path}: HTTP {response.status_code}")
        return response

    def _check(self, response: requests.Response) -> dict[str, Any]:
        path = response.request.path_url.split("?", 1)[0] if response.request else "?"
        try:
            payload = json.loads(response.content)
        except ValueError:
            raise WeChatUnavailable(f"{path}: body is not JSON") from None
        if not isinstance(payload, dict):
            raise WeChatUnavailable(f"{path}: body is not a JSON object")
        errcode = int(payload.get("errcode", 0) or 0)
        if errcode:
            error = WeChatError.from_payload(payload)
            logger.warning("wechat %s answered %s %s", path, errcode, error.errmsg)
            raise error
        return payload

    def _read_media(self, response: requests.Response) -> MediaFile:
        content_type = response.headers.get("Content-Type", "application/octet-stream")
        looks_json = "json" in content_type.lower() or content_type.lower().startswith("text/")
        limit = _JSON_SNIFF_LIMIT if looks_json else self.max_media_bytes
        declared = response.headers.get("Content-Length")
        if not looks_json and declared and declared.isdigit() and int(declared) > limit:
            raise MediaTooLarge(limit)
        content = self._read_limited(response, limit)
        if looks_json or (content[:1] == b"{" and len(content) < 4096):
            try:
                payload = json.loads(content)
            except ValueError:
                payload = None
            if isinstance(payload, dict):
                if int(payload.get("errcode", 0) or 0):
                    raise WeChatError.from_payload(payload)
                raise GatewayError("media/get answered JSON without a file")
        disposition = response.headers.get("Content-Disposition", "")
        match = _FILENAME_RE.search(disposition)
        return MediaFile(
            content=content, content_type=content_type, filename=match.group(1) if match else None
        )

    def _read_limited(self, response: requests.Response, limit: int) -> bytes:
        deadline = time.monotonic() + self.media_deadline
        chunks: list[bytes] = []
        total = 0
        try:
            for chunk in response.iter_content(chunk_size=64 * 1024):
                total += len(chunk)
                if total > limit:
                    raise MediaTooLarge(limit)
                if time.monotonic() > deadline:
                    raise WeChatUnavailable(f"media download exceeded {self.media_deadline}s")
                chunks.append(chunk)
        except requests.RequestException as exc:
            raise WeChatUnavailable(f"media download failed: {type(exc).__name__}") from None
        return b"".join(chunks)


def _dumps(body: Mapping[str, Any]) -> bytes:
    # Raw UTF-8: some WeChat endpoints show \\uXXXX escapes literally.
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
