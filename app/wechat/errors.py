"""Exceptions raised by the WeChat gateway, and a helper that masks secrets for logs."""

from __future__ import annotations

from typing import Any, ClassVar


def mask(value: str | None) -> str:
    """Return a log-safe form of a secret, token, code or openid (never the whole value)."""
    if not value:
        return "<empty>"
    if len(value) <= 8:
        return "***"
    return f"{value[:3]}***{value[-4:]}"


class GatewayError(Exception):
    """Base of everything the gateway raises."""


class WeChatUnavailable(GatewayError):
    """WeChat could not be reached or answered with something that is not an API response.

    Raised for connection failures, timeouts, HTTP 5xx and unparsable bodies: the caller may retry later.
    """


class MediaTooLarge(GatewayError):
    """A media download exceeded the configured maximum size and was abandoned."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"media larger than {limit} bytes")
        self.limit = limit


class WeChatError(GatewayError):
    """WeChat answered with a non-zero errcode."""

    codes: ClassVar[frozenset[int]] = frozenset()
    #: True when the same call may succeed if repeated later (system busy, rate limits).
    retryable: ClassVar[bool] = False
    is_token_error: ClassVar[bool] = False
    is_code_error: ClassVar[bool] = False

    def __init__(self, errcode: int, errmsg: str = "") -> None:
        super().__init__(f"WeChat error {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> WeChatError:
        """Build the most specific exception for an `{errcode, errmsg}` body."""
        errcode = int(payload.get("errcode", -1))
        errmsg = str(payload.get("errmsg", ""))
        for sub in _ALL_SUBCLASSES:
            if errcode in sub.codes:
                return sub(errcode, errmsg)
        return WeChatError(errcode, errmsg)


class WeChatBusy(WeChatError):
    """System busy (-1) or a frequency limit: try again later."""

    codes = frozenset({-1, 45009, 45011})
    retryable = True


class AccessTokenInvalid(WeChatError):
    """The access token is invalid, not the latest, or expired (40001, 40014, 42001)."""

    codes = frozenset({40001, 40014, 42001})
    is_token_error = True


class InvalidCredential(WeChatError):
    """Our appid/secret/IP configuration is wrong (40013, 40125, 40164, 40002)."""

    codes = frozenset({40002, 40013, 40125, 40164})


class OAuthCodeInvalid(WeChatError):
    """The OAuth code is unknown or expired (40029)."""

    codes = frozenset({40029})
    is_code_error = True


class OAuthCodeUsed(WeChatError):
    """The OAuth code was already exchanged (40163), typically a page refresh."""

    codes = frozenset({40163})
    is_code_error = True


class RefreshTokenInvalid(WeChatError):
    """The OAuth refresh token is invalid (40030) or expired (42002)."""

    codes = frozenset({40030, 42002})


class ScopeUnauthorized(WeChatError):
    """The token's scope does not allow this API (48001), e.g. userinfo with snsapi_base."""

    codes = frozenset({48001})


class MediaInvalid(WeChatError):
    """The media_id is unknown or expired (40007)."""

    codes = frozenset({40007})


class TemplateInvalid(WeChatError):
    """The template_id is not one of the account's templates (40037)."""

    codes = frozenset({40037})


class OpenidInvalid(WeChatError):
    """The openid does not belong to this account (40003)."""

    codes = frozenset({40003})


class UserRefused(WeChatError):
    """The user refused to receive messages (43101)."""

    codes = frozenset({43101})


_ALL_SUBCLASSES: tuple[type[WeChatError], ...] = (
    WeChatBusy,
    AccessTokenInvalid,
    InvalidCredential,
    OAuthCodeInvalid,
    OAuthCodeUsed,
    RefreshTokenInvalid,
    ScopeUnauthorized,
    MediaInvalid,
    TemplateInvalid,
    OpenidInvalid,
    UserRefused,
)
