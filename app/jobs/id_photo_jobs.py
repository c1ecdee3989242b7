"""ID-card photo jobs (RQ entry points taking a content hash): read one photo once, safely twice.

Job ids are `id-photo-<sha256>-<generation>` (see `IdPhotoRead.job_id`). The job is its own
transaction boundary: it commits the claim, does the slow work with no transaction open, then
commits the outcome in one statement. Errors other than a bad photo are re-raised so RQ retries
with backoff (`app.queue`: Retry(max=3, interval=[5, 30, 120])); the row is queued again for it.
"""

from __future__ import annotations

import logging

from flask import Flask

from app.extensions import db
from app.services import id_photo_pipeline as pipeline
from app.services.id_photo_reads import request_read, requeue_stalled_reads
from app.services.transaction import transaction

log = logging.getLogger(__name__)


def read_id_photo(sha256: str) -> str:
    """Read one stored ID-card photo unless it is read, failed for good, or held by a live worker."""
    with transaction():
        attempt = pipeline.claim_read(sha256)
        key = pipeline.storage_key_of(sha256) if attempt is not None else None
    if attempt is None:
        return "skipped"
    try:
        outcome = pipeline.read_photo(sha256, key)  # slow: no transaction is open meanwhile
    except Exception:
        log.warning("reading ID photo %s failed (attempt %s)", sha256[:12], attempt, exc_info=True)
        db.session.rollback()
        with transaction():
            retry = pipeline.release_read(sha256, attempt)
        if retry:
            raise
        return "failed"
    with transaction():
        pipeline.finish_read(sha256, attempt, outcome)
    log.info("ID photo %s: %s (attempt %s)", sha256[:12], outcome["status"], attempt)
    return outcome["status"]


def read_field_id_photo(sha256: str, kind: str) -> str:
    """FIELD_ID_PHOTO_HANDLER for the field app's uploads: already in a background job, read at once."""
    with transaction():
        request_read(sha256, enqueue=False)
    return read_id_photo(sha256)


# The entry points that run OCR: this module's and the field-sync hook that calls the handler.
OCR_JOBS = frozenset({"app.jobs.id_photo_jobs.read_id_photo", "app.jobs.sync_jobs.read_id_photo"})


def load_before_fork(app: Flask, func_name: str) -> None:
    """In the worker, before it forks for a job: load the OCR engine once if the job reads photos.

    Workers that never read a photo never load it; the others load it once (0.6–2 s, 0.5–1 GB)."""
    if func_name in OCR_JOBS:
        with app.app_context():
            pipeline.ocr_engine()


def prepare_worker(app: Flask) -> None:
    """At worker start: enqueue again every ID-photo read whose worker died (lease over)."""
    with app.app_context(), transaction():
        requeued = requeue_stalled_reads()
    if requeued:
        log.info("%s stalled ID-photo reads enqueued again", requeued)
