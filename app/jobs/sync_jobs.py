"""Field-sync jobs (RQ entry points taking content hashes): thumbnails, the ID-photo OCR hook, upload cleaning.

Each checks the state first, so running twice is harmless; job ids come from the content
(`thumbnail-<sha256>`; RQ allows letters, digits, - and _), see `app.services.sync_outbox`. They run inside an application context
(the worker's, or the outbox relay's when jobs run in-process).
"""

from __future__ import annotations

import importlib
import io
import logging
from pathlib import Path

from flask import current_app
from PIL import Image

from app.extensions import db
from app.models import StoredFile
from app.services.images import THUMBNAIL_SIDE, jpeg_bytes
from app.services.storage import read_bytes, write_atomically

log = logging.getLogger(__name__)


def thumbnail_path(sha256: str) -> Path:
    """Where the thumbnail of a stored photo lives."""
    return Path(current_app.config["STORAGE_DIR"]) / "thumbs" / sha256[:2] / f"{sha256}.jpg"


def make_thumbnail(sha256: str) -> str:
    """Write a small JPEG of a stored photo once; returns what happened."""
    stored = db.session.get(StoredFile, sha256)
    if stored is None:
        return "missing"
    target = thumbnail_path(sha256)
    if target.exists():
        return "exists"
    image = Image.open(io.BytesIO(read_bytes(stored.storage_key)))
    image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    write_atomically(target, jpeg_bytes(image, 80))
    return "made"


def read_id_photo(sha256: str, kind: str) -> str:
    """The hook for the ID-card OCR pipeline: calls FIELD_ID_PHOTO_HANDLER ("module:function") if set."""
    target = current_app.config.get("FIELD_ID_PHOTO_HANDLER")
    if not target:
        log.info("no FIELD_ID_PHOTO_HANDLER configured; ID photo %s (%s) not read", sha256[:12], kind)
        return "no_handler"
    module, _, name = target.partition(":")
    handler = getattr(importlib.import_module(module), name)
    handler(sha256=sha256, kind=kind)
    return "handled"


def clean_expired_uploads() -> int:
    """Delete expired partial uploads and their bytes; returns how many uploads were removed."""
    from app.services.uploads import clean_expired_uploads as clean

    removed = clean()
    db.session.commit()
    return removed
