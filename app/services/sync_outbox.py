"""The outbox: background work recorded in the same transaction as the data, relayed to RQ afterwards.

A push or an upload adds rows here (job name, JSON arguments, a job id derived from the content, so
the same photo is thumbnailed once however often it is referenced). Nothing in the request path
talks to Redis: after the commit a relay thread is woken, enqueues what is pending with the same
job ids (RQ skips ids already queued or running) and marks the rows relayed. If Redis is down the
rows wait; the relay retries on its next wake-up or sweep, or `flask --app wsgi field_sync
relay-outbox` can be run by hand or from cron.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app
from sqlalchemy import select

from app.extensions import db
from app.models import SyncOutbox
from app.models.types import utcnow
from app.services.sync_store import dialect, from_json, insert_ignoring_duplicates, to_json

log = logging.getLogger(__name__)

# Job name → entry point. The OCR pipeline plugs in through FIELD_ID_PHOTO_HANDLER (see sync_jobs).
JOBS = {
    "thumbnail": "app.jobs.sync_jobs:make_thumbnail",
    "read_id_photo": "app.jobs.sync_jobs:read_id_photo",
    "clean_uploads": "app.jobs.sync_jobs:clean_expired_uploads",
    "checkin_face": "app.jobs.checkin_jobs:process_checkin_job",
    "checkin_selfie_arrived": "app.jobs.checkin_jobs:selfie_arrived_job",
}
SWEEP_SECONDS = 30.0


def add_job(job: str, args: list[Any], job_id: str) -> None:
    """Record a job to run after this transaction commits (once per `job_id`)."""
    if job not in JOBS:
        raise ValueError(f"unknown outbox job {job!r}")
    insert_ignoring_duplicates(
        SyncOutbox.__table__,
        [{"job_id": job_id, "job": job, "args": to_json(args), "created_at": utcnow(), "attempts": 0}],
        ["job_id"],
    )


def job_function(job: str) -> Callable[..., Any]:
    """The entry point a job name stands for."""
    module, _, name = JOBS[job].partition(":")
    return getattr(importlib.import_module(module), name)


def relay_pending(limit: int = 200) -> int:
    """Hand pending rows to the queue (the caller commits); returns how many were relayed."""
    query = select(SyncOutbox).where(SyncOutbox.relayed_at.is_(None)).order_by(SyncOutbox.id).limit(limit)
    if dialect() == "postgresql":
        query = query.with_for_update(skip_locked=True)
    queue = current_app.extensions["doudi_queue"]
    relayed = 0
    for row in db.session.scalars(query).all():
        row.attempts += 1
        try:
            queue.enqueue(job_function(row.job), *from_json(row.args), job_id=row.job_id)
        except Exception:
            log.warning("outbox: could not enqueue %s; it stays pending", row.job_id, exc_info=True)
            break
        row.relayed_at = utcnow()
        relayed += 1
    db.session.flush()
    return relayed


class OutboxRelay:
    """A daemon thread per process that relays the outbox when woken, and sweeps now and then."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.wake = threading.Event()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()

    def kick(self) -> None:
        """Wake the relay (starting it on first use); returns at once."""
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="outbox-relay", daemon=True)
                self.thread.start()
        self.wake.set()

    def _run(self) -> None:
        while True:
            self.wake.wait(SWEEP_SECONDS)
            self.wake.clear()
            try:
                with self.app.app_context():
                    while relay_pending():
                        db.session.commit()
                    db.session.commit()
            except Exception:
                log.warning("outbox relay failed; retrying later", exc_info=True)


def kick_relay() -> None:
    """After a commit that wrote outbox rows: wake the relay unless relaying is manual (tests, cron)."""
    if current_app.config.get("SYNC_OUTBOX_RELAY", "thread") != "thread":
        return
    relay = current_app.extensions.get("doudi_outbox_relay")
    if relay is None:
        relay = current_app.extensions.setdefault(
            "doudi_outbox_relay", OutboxRelay(current_app._get_current_object())
        )
    relay.kick()
