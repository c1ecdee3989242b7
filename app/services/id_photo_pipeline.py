"""The worker's side of reading an ID-card photo: claim the row, clean the image, run OCR, store once.

Crash safety (the job in `app.jobs.id_photo_jobs` commits each step): the claim is committed on its
own (status `running` with a lease), derived files are written to a temporary name and renamed, and
the result is written in one statement at the end, guarded by the attempt that claimed it. A worker
killed at any point leaves the claimed row or the finished one, never half a result; an expired
lease lets the next poll (or a worker starting up) enqueue the photo again.
"""

from __future__ import annotations

import importlib
import threading
from datetime import timedelta
from typing import Any

from flask import current_app
from PIL import Image
from sqlalchemy import and_, or_, update

import ocr
from app.extensions import db
from app.models import IdPhotoRead, StoredFile
from app.models.types import utcnow
from app.services.images import THUMBNAIL_SIDE, jpeg_bytes
from app.services.storage import put_derived, read_bytes

MAX_ATTEMPTS = 4  # the first run and RQ's three retries
NO_CARD_MESSAGE = "照片里没有找到身份证，请把身份证放平、拍清楚后重新上传"
READ_ERROR_MESSAGE = "暂时没能读出这张照片，请稍后重新上传，或直接手动填写"

_custom_engines: dict[str, ocr.OcrEngine] = {}
_custom_lock = threading.Lock()


def ocr_engine() -> ocr.OcrEngine:
    """The configured engine, loaded once per process: "paddleocr", "rapidocr" or "module:factory"."""
    name = current_app.config.get("OCR_ENGINE") or ocr.DEFAULT_ENGINE
    if ":" not in name:
        return ocr.get_engine(name)
    with _custom_lock:
        engine = _custom_engines.get(name)
        if engine is None:
            module, _, attribute = name.partition(":")
            engine = _custom_engines[name] = getattr(importlib.import_module(module), attribute)()
    engine.load()
    return engine


def storage_key_of(sha256: str) -> str:
    """Where the stored photo's bytes are."""
    return db.session.get(StoredFile, sha256).storage_key


def read_photo(sha256: str, key: str) -> dict[str, Any]:
    """Clean copies and OCR of a stored photo, as the values `finish_read` writes; touches no rows.

    An unusable image or a photo with no card in it is an outcome (failed, with a reason), not an error.
    """
    data = read_bytes(key)
    try:
        keys = derive_clean_copies(sha256, data)
        reading = ocr.read_id_card(data, ocr_engine())
    except ocr.ImageRejected as rejected:
        return {"status": "failed", "reason": rejected.code, "result": {"message": rejected.message_zh}}
    if reading["side"] == "unknown":
        return {"status": "failed", "reason": "no_id_card_found", "result": {"message": NO_CARD_MESSAGE},
                "engine": reading["engine"], **keys}  # fmt: skip
    fields: dict[str, Any] = dict(reading["fields"])
    id_number = fields.pop("id_number", None)  # kept encrypted in its own column, never in the JSON
    result = {
        "fields": fields,
        "confidence": reading["confidence"],
        "source": reading["source"],
        "warnings": reading["warnings"],
        "rotation": reading["rotation"],
        "timings": reading["timings"],  # prepare / load / ocr / extract seconds: overhead stays visible
    }
    return {"status": "done", "result": result, "id_number": id_number, "side": reading["side"],
            "engine": reading["engine"], "ocr_seconds": reading["seconds"], **keys}  # fmt: skip


def derive_clean_copies(sha256: str, data: bytes) -> dict[str, str]:
    """An upright, re-encoded copy and a thumbnail, with no EXIF at all (no location, no camera data)."""
    prepared = ocr.prepare_image(data)
    clean = Image.new("RGB", prepared.image.size)
    clean.paste(prepared.image)  # a new image carries none of the original's info (EXIF, ICC, comments)
    normalised = put_derived("id-photos", sha256, jpeg_bytes(clean, 90))
    clean.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    thumbnail = put_derived("id-photo-thumbs", sha256, jpeg_bytes(clean, 80))
    return {"normalised_key": normalised, "thumbnail_key": thumbnail}




def _lease() -> timedelta:
    return timedelta(seconds=float(current_app.config.get("ID_PHOTO_LEASE_SECONDS", 60)))


def claim_read(sha256: str) -> int | None:
    """Mark the row running with a lease (the caller commits at once); the attempt number, or None.

    A queued row, or a running one whose lease ran out (its worker died), can be claimed.
    """
    now = utcnow()
    claimable = or_(
        IdPhotoRead.status == "queued",
        and_(IdPhotoRead.status == "running", IdPhotoRead.lease_until < now),
    )
    claimed = db.session.execute(
        update(IdPhotoRead)
        .where(IdPhotoRead.sha256 == sha256, claimable)
        .values(
            status="running", attempts=IdPhotoRead.attempts + 1, lease_until=now + _lease(), updated_at=now
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        return None
    return db.session.get(IdPhotoRead, sha256, populate_existing=True).attempts


def finish_read(sha256: str, attempt: int, outcome: dict[str, Any]) -> bool:
    """Write the outcome in one statement, only if this attempt still holds the row."""
    now = utcnow()
    written = db.session.execute(
        update(IdPhotoRead)
        .where(IdPhotoRead.sha256 == sha256, IdPhotoRead.status == "running", IdPhotoRead.attempts == attempt)
        .values(lease_until=None, updated_at=now, finished_at=now, **outcome)
        .execution_options(synchronize_session=False)
    ).rowcount
    return bool(written)


def release_read(sha256: str, attempt: int) -> bool:
    """After an unexpected error: queue the row again for a retry (True), or record the failure (False)."""
    if attempt >= MAX_ATTEMPTS:
        finish_read(
            sha256,
            attempt,
            {"status": "failed", "reason": "read_error", "result": {"message": READ_ERROR_MESSAGE}},
        )
        return False
    db.session.execute(
        update(IdPhotoRead)
        .where(IdPhotoRead.sha256 == sha256, IdPhotoRead.status == "running", IdPhotoRead.attempts == attempt)
        .values(status="queued", lease_until=None, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return True
