"""Values the gateway returns: an OAuth code exchange result and a downloaded media file."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.wechat.errors import mask


@dataclass(frozen=True, repr=False)
class OAuthResult:
    """What a web-authorization code exchange yields; identify the resident by openid."""

    openid: str
    scope: str
    unionid: str | None = None
    is_snapshot_user: bool = False
    access_token: str = field(default="", compare=False)
    refresh_token: str = field(default="", compare=False)
    expires_in: int = 0

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> OAuthResult:
        """Build a result from the sns/oauth2 access_token or refresh_token response."""
        return cls(
            openid=str(payload["openid"]),
            scope=str(payload.get("scope", "")),
            unionid=payload.get("unionid") or None,
            is_snapshot_user=int(payload.get("is_snapshotuser", 0) or 0) == 1,
            access_token=str(payload.get("access_token", "")),
            refresh_token=str(payload.get("refresh_token", "")),
            expires_in=int(payload.get("expires_in", 0)),
        )

    def __repr__(self) -> str:
        return (
            f"OAuthResult(openid={mask(self.openid)!r}, scope={self.scope!r}, "
            f"is_snapshot_user={self.is_snapshot_user})"
        )


@dataclass(frozen=True, repr=False)
class MediaFile:
    """A downloaded temporary media file."""

    content: bytes
    content_type: str
    filename: str | None = None

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of the content, to store alongside it."""
        return hashlib.sha256(self.content).hexdigest()

    def __repr__(self) -> str:
        return f"MediaFile(content_type={self.content_type!r}, size={len(self.content)})"
