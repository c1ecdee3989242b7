"""Background jobs: enqueued only after commit; in-process without Redis, a real RQ worker with it."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEntry
from app.queue import enqueue_after_commit
from app.services.transaction import transaction
from tests.conftest import TEST_KEYS
from tests.jobs_for_tests import record_ping

ROOT = Path(__file__).resolve().parents[2]


def _pings(app, subject: str) -> int:  # noqa: ANN001
    with app.app_context():
        return db.session.scalar(select(func.count()).where(AuditEntry.action == "ping", AuditEntry.subject_id == subject))


def test_in_process_job_runs_after_commit_and_not_after_rollback(app):
    with app.app_context():
        with transaction():
            enqueue_after_commit(record_ping, "committed", job_id="ping-committed")
            assert _pings(app, "committed") == 0  # not before the commit
        try:
            with transaction():
                enqueue_after_commit(record_ping, "rolled-back", job_id="ping-rolled-back")
                raise RuntimeError("the request failed")
        except RuntimeError:
            pass
    assert _pings(app, "committed") == 1
    assert _pings(app, "rolled-back") == 0


def test_savepoints_neither_send_a_job_early_nor_lose_one_asked_for_outside_them(app):
    with app.app_context(), transaction():
        enqueue_after_commit(record_ping, "before-savepoints", job_id="ping-before-savepoints")
        with db.session.begin_nested():  # released: not yet the commit
            db.session.execute(select(1))
        assert _pings(app, "before-savepoints") == 0
        try:
            with db.session.begin_nested():  # rolled back: the job was asked for outside it
                enqueue_after_commit(record_ping, "inside-failed-savepoint", job_id="ping-inside-failed")
                raise RuntimeError("a lost race, handled")
        except RuntimeError:
            pass
        assert _pings(app, "before-savepoints") == 0
    assert _pings(app, "before-savepoints") == 1
    assert _pings(app, "inside-failed-savepoint") == 0


def test_rq_job_runs_in_a_real_worker_process(make_app):
    queue_name = f"doudi-test-{uuid.uuid4().hex[:8]}"
    app = make_app(REDIS_URL="redis://127.0.0.1:6379/0", RQ_QUEUE=queue_name)
    with app.app_context():
        with transaction():
            enqueue_after_commit(record_ping, "via-rq", job_id="ping-via-rq")
            enqueue_after_commit(record_ping, "via-rq", job_id="ping-via-rq")  # same id: queued once
        queue = app.extensions["doudi_queue"].queue
        assert queue.count == 1
        url = app.config["SQLALCHEMY_DATABASE_URI"]
    env = {
        **os.environ,
        **TEST_KEYS,
        "DATABASE_URL": url,
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "RQ_QUEUE": queue_name,
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [sys.executable, "-m", "app.worker", "--burst"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert _pings(app, "via-rq") == 1
    with app.app_context():
        assert app.extensions["doudi_queue"].queue.count == 0
