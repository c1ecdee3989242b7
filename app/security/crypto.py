"""Encryption at rest for personal data, and keyed hashes for exact lookup.

ID numbers, phone numbers and bank accounts are stored as AES-256-GCM ciphertext tagged with the
key id (`kid$nonce+ciphertext` in base64), so keys can be rotated while old rows stay readable. A
keyed HMAC-SHA256 of the normalised value lets us find a person by ID number and detect duplicates
without storing anything a database reader could reverse.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator


class KeyringNotConfigured(RuntimeError):
    """Raised when personal data is touched before the application configured its keys."""


@dataclass(frozen=True)
class Keyring:
    """The data keys (first one encrypts) and the lookup-hash key."""

    keys: dict[str, bytes]
    primary: str
    lookup_key: bytes

    @classmethod
    def from_config(cls, data_keys: str, lookup_key: str) -> Keyring:
        """Parse `kid:base64key[,kid:base64key...]` and the lookup key."""
        keys: dict[str, bytes] = {}
        primary = ""
        for part in data_keys.split(","):
            kid, _, encoded = part.strip().partition(":")
            key = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
            if not kid or len(key) != 32:
                raise ValueError("DATA_KEYS entries must be kid:<32 bytes, url-safe base64>")
            keys[kid] = key
            primary = primary or kid
        return cls(keys=keys, primary=primary, lookup_key=lookup_key.encode())

    def encrypt(self, plaintext: str) -> str:
        """Encrypt a string with the primary key."""
        nonce = os.urandom(12)
        sealed = AESGCM(self.keys[self.primary]).encrypt(nonce, plaintext.encode(), self.primary.encode())
        return f"{self.primary}${base64.b64encode(nonce + sealed).decode()}"

    def decrypt(self, stored: str) -> str:
        """Decrypt a value written by `encrypt` with whichever key it names."""
        kid, _, body = stored.partition("$")
        raw = base64.b64decode(body)
        return AESGCM(self.keys[kid]).decrypt(raw[:12], raw[12:], kid.encode()).decode()

    def lookup_hash(self, value: str) -> str:
        """A keyed, irreversible digest for exact-match lookups."""
        return hmac.new(self.lookup_key, value.encode(), hashlib.sha256).hexdigest()


_keyring: Keyring | None = None


def configure_keyring(keyring: Keyring) -> None:
    """Install the process-wide keyring (done by the app factory)."""
    global _keyring
    _keyring = keyring


def keyring() -> Keyring:
    """The configured keyring."""
    if _keyring is None:
        raise KeyringNotConfigured("create the app (which configures DATA_KEYS) before touching personal data")
    return _keyring


def lookup_hash(value: str) -> str:
    """Keyed hash of a normalised value with the configured keyring."""
    return keyring().lookup_hash(value)


class EncryptedText(TypeDecorator):
    """A text column whose value is encrypted before it reaches the database."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):  # noqa: ANN001, ANN201
        return None if value is None else keyring().encrypt(value)

    def process_result_value(self, value, dialect):  # noqa: ANN001, ANN201
        return None if value is None else keyring().decrypt(value)
