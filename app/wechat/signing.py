"""Pure signature helpers for the JS-SDK and for WeChat's server push verification."""

from __future__ import annotations

import hashlib
import hmac


def compute_jsapi_signature(ticket: str, noncestr: str, timestamp: int | str, url: str) -> str:
    """Return the JS-SDK wx.config signature: sha1 of the ASCII-ordered raw key=value pairs."""
    page_url = url.split("#", 1)[0]
    fields = {"jsapi_ticket": ticket, "noncestr": noncestr, "timestamp": str(timestamp), "url": page_url}
    plain = "&".join(f"{key}={fields[key]}" for key in sorted(fields))
    return hashlib.sha1(plain.encode("utf-8")).hexdigest()


def compute_server_signature(token: str, timestamp: str, nonce: str) -> str:
    """Return the push-verification signature: sha1 of the sorted concatenation of token, timestamp, nonce."""
    return hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode("utf-8")).hexdigest()


def verify_server_signature(
    token: str, timestamp: str | None, nonce: str | None, signature: str | None
) -> bool:
    """Check a push signature from WeChat in constant time; missing parts never verify."""
    if not token or not timestamp or not nonce or not signature:
        return False
    expected = compute_server_signature(token, timestamp, nonce)
    return hmac.compare_digest(expected.encode("utf-8"), signature.encode("utf-8"))
