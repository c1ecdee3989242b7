"""Sealed values: how ID numbers and phone numbers travel through merge states and the op log.

A merge state and the op log must never hold an ID number in clear, yet the merge has to compare
values (equal numbers from two phones are a soft conflict, different ones a hard one) and a
reviewer must be able to pick any candidate. So a sensitive value is replaced, before the merge,
by a token `{"$sealed": kind, "hash": keyed HMAC, "masked": "341602********1234"}`: equal values give
equal tokens, the HMAC cannot be reversed without the lookup key, and the clear value is kept once,
AES-GCM encrypted, in `sync_sealed_values` under that hash. Projection into `persons` (encrypted
column + lookup hash, as everywhere else) and reviewers with the right role read it from there.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from app.domain.masking import mask_id_number, mask_phone
from app.extensions import db
from app.models import SyncSealedValue
from app.security.crypto import lookup_hash
from app.services.sync_store import insert_ignoring_duplicates

MARK = "$sealed"
_MASKERS = {"id_number": mask_id_number, "phone": mask_phone}


def value_hash(kind: str, clear: str) -> str:
    """The keyed hash naming a sealed value; for ID numbers the same hash `persons.id_number_hash` uses."""
    return lookup_hash(clear) if kind == "id_number" else lookup_hash(f"{kind}:{clear}")


def seal(kind: str, clear: str) -> tuple[dict[str, str], dict[str, Any]]:
    """The token for a clear value and the `sync_sealed_values` row that keeps it encrypted."""
    digest = value_hash(kind, clear)
    token = {MARK: kind, "hash": digest, "masked": _MASKERS[kind](clear) or ""}
    return token, {"value_hash": digest, "kind": kind, "ciphertext": clear}


def is_token(value: Any) -> bool:
    """True for a sealed-value token."""
    return isinstance(value, dict) and MARK in value


def store_sealed(rows: Iterable[dict[str, Any]]) -> None:
    """Keep the encrypted clear values (once per hash)."""
    unique = {row["value_hash"]: row for row in rows}
    if unique:
        insert_ignoring_duplicates(SyncSealedValue.__table__, list(unique.values()), ["value_hash"])


def known_tokens(tokens: Iterable[dict[str, Any]]) -> set[str]:
    """The hashes among these tokens that name a value this server has sealed."""
    hashes = {token.get("hash") for token in tokens if isinstance(token.get("hash"), str)}
    if not hashes:
        return set()
    return set(
        db.session.scalars(select(SyncSealedValue.value_hash).where(SyncSealedValue.value_hash.in_(hashes)))
    )


def reveal(hashes: Iterable[str]) -> dict[str, str]:
    """The clear values for these hashes (decrypted; callers decide who may see them)."""
    wanted = sorted(set(hashes))
    found: dict[str, str] = {}
    for start in range(0, len(wanted), 500):
        rows = db.session.execute(
            select(SyncSealedValue.value_hash, SyncSealedValue.ciphertext).where(
                SyncSealedValue.value_hash.in_(wanted[start : start + 500])
            )
        )
        found.update({digest: clear for digest, clear in rows})
    return found


def masked(value: Any) -> Any:
    """A value fit for any screen: tokens become their masked text."""
    return value["masked"] if is_token(value) else value


def shown(value: Any, clear_values: dict[str, str] | None) -> Any:
    """A token in clear when `clear_values` has it (roles that may see it), else masked."""
    if is_token(value) and clear_values is not None and value["hash"] in clear_values:
        return clear_values[value["hash"]]
    return masked(value)
