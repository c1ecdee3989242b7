"""Content-addressed file storage on local disk: a file is stored once, under its SHA-256."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from flask import current_app


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of the bytes."""
    return hashlib.sha256(data).hexdigest()


def storage_key(sha256: str) -> str:
    """Where a file lives relative to the storage root: ab/cd/abcd…"""
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


def _root() -> Path:
    return Path(current_app.config["STORAGE_DIR"])


def put_bytes(data: bytes, sha256: str) -> str:
    """Write the bytes under their hash (atomically; a second write of the same file is a no-op)."""
    key = storage_key(sha256)
    target = _root() / key
    if target.exists():
        return key
    write_atomically(target, data)
    return key


def put_derived(folder: str, sha256: str, data: bytes, suffix: str = ".jpg") -> str:
    """Write a copy derived from a stored file (a thumbnail, a cleaned copy) atomically; returns its key.

    Written again when called again: derived copies are remade whole, never appended to.
    """
    key = f"derived/{folder}/{sha256[:2]}/{sha256}{suffix}"
    write_atomically(_root() / key, data)
    return key


def write_atomically(target: Path, data: bytes) -> None:
    """Write to a temporary file beside `target`, sync, then rename: readers see all of it or none."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_bytes(key: str) -> bytes:
    """The stored bytes for a key."""
    return (_root() / key).read_bytes()
