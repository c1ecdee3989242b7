"""Signed, expiring bearer tokens for residents and staff."""

from __future__ import annotations

from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

RESIDENT = "resident"
STAFF = "staff"


class TokenInvalid(Exception):
    """The token is malformed, forged, for another audience, or expired (`expired` tells which)."""

    def __init__(self, expired: bool = False) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def issue_token(secret: str, audience: str, claims: dict[str, Any]) -> str:
    """Sign claims for one audience (resident or staff)."""
    return URLSafeTimedSerializer(secret, salt=f"doudi-{audience}").dumps(claims)


def read_token(secret: str, audience: str, token: str, max_age: int) -> dict[str, Any]:
    """Verify a token's signature, audience and age, and return its claims."""
    try:
        claims = URLSafeTimedSerializer(secret, salt=f"doudi-{audience}").loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise TokenInvalid(expired=True) from exc
    except BadSignature as exc:
        raise TokenInvalid() from exc
    if not isinstance(claims, dict):
        raise TokenInvalid()
    return claims
