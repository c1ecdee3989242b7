"""Background work from the outbox: written in the push transaction, relayed afterwards, ids from the content."""

from __future__ import annotations

import time
import uuid

from sqlalchemy import func, select

from app.extensions import db
from app.models import Attachment, SyncOutbox
from app.services.attachments import store_file
from app.services.sync_outbox import relay_pending
from tests.field_sync.helpers import T0, FieldDevice, new_id
from tests.support import VILLAGE, jpeg_bytes, staff_headers

HANDLED: list[tuple[str, str]] = []


def record_id_photo(sha256: str, kind: str) -> None:
    """Stands in for the OCR pipeline's entry point."""
    HANDLED.append((sha256, kind))


def _stored_photo(app) -> str:  # noqa: ANN001
    with app.app_context():
        sha = store_file(jpeg_bytes(96, 60)).sha256
        db.session.commit()
    return sha


def _phone(app, username: str = "assistant") -> FieldDevice:  # noqa: ANN001
    client = app.test_client()
    phone = FieldDevice(client, staff_headers(client, username), f"phone-{new_id()}", lambda: T0)
    assert phone.register().status_code == 200
    return phone


def test_files_of_a_push_are_thumbnailed_and_read_once_in_the_background(make_app):
    app = make_app(
        SYNC_OUTBOX_RELAY="manual", FIELD_ID_PHOTO_HANDLER="tests.field_sync.test_outbox:record_id_photo"
    )
    sha = _stored_photo(app)
    phone = _phone(app)
    HANDLED.clear()
    refs = [{"sha256": sha, "kind": "id_card_portrait"}]
    op = phone.op("household", new_id(), {"village_code": VILLAGE}, attachments=refs)
    phone.push([op])
    phone.push([op])  # a retry adds no work
    with app.app_context():
        assert (
            db.session.scalar(select(func.count()).select_from(Attachment).where(Attachment.sha256 == sha))
            == 1
        )
        jobs = db.session.scalars(select(SyncOutbox.job_id).order_by(SyncOutbox.id)).all()
        assert jobs == [f"thumbnail-{sha}", f"read-id-{sha}-id_card_portrait"]
        assert relay_pending() == 2
        db.session.commit()
        assert relay_pending() == 0
        from app.jobs.sync_jobs import make_thumbnail, thumbnail_path

        assert thumbnail_path(sha).exists() and make_thumbnail(sha) == "exists"
    assert [(sha, "id_card_portrait")] == HANDLED


def test_a_push_never_waits_for_redis(make_app):
    app = make_app(SYNC_OUTBOX_RELAY="manual", REDIS_URL="redis://127.0.0.1:9/0")  # nothing listens there
    sha = _stored_photo(app)
    phone = _phone(app)
    started = time.perf_counter()
    response = phone.push(
        [
            phone.op(
                "household",
                new_id(),
                {"village_code": VILLAGE},
                attachments=[{"sha256": sha, "kind": "house_photo"}],
            )
        ]
    )
    assert response.status_code == 200 and time.perf_counter() - started < 2
    with app.app_context():
        assert relay_pending() == 0  # Redis is down: the work waits in the outbox
        db.session.commit()
        row = db.session.scalar(select(SyncOutbox))
        assert row.relayed_at is None and row.attempts == 1


def test_relayed_jobs_reach_rq_with_ids_from_the_content(make_app):
    from redis import Redis
    from rq import Queue
    from rq.job import Job

    queue_name = f"doudi-test-{uuid.uuid4().hex[:8]}"
    app = make_app(SYNC_OUTBOX_RELAY="manual", REDIS_URL="redis://127.0.0.1:6379/0", RQ_QUEUE=queue_name)
    sha = _stored_photo(app)
    phone = _phone(app)
    phone.push(
        [
            phone.op(
                "household",
                new_id(),
                {"village_code": VILLAGE},
                attachments=[{"sha256": sha, "kind": "house_photo"}],
            )
        ]
    )
    redis = Redis.from_url("redis://127.0.0.1:6379/0")
    try:
        with app.app_context():
            assert relay_pending() == 1
            db.session.commit()
        job = Job.fetch(
            f"thumbnail-{sha}", connection=redis, serializer=app.extensions["doudi_queue"].queue.serializer
        )
        assert job.func_name == "app.jobs.sync_jobs.make_thumbnail" and job.args == [sha]
    finally:
        queue = Queue(queue_name, connection=redis)
        for job_id in queue.job_ids:
            Job.fetch(job_id, connection=redis).delete()
        queue.delete(delete_jobs=True)


def test_the_relay_thread_runs_the_work_after_the_commit(make_app):
    app = make_app(SYNC_OUTBOX_RELAY="thread")
    sha = _stored_photo(app)
    phone = _phone(app)
    phone.push(
        [
            phone.op(
                "household",
                new_id(),
                {"village_code": VILLAGE},
                attachments=[{"sha256": sha, "kind": "house_photo"}],
            )
        ]
    )
    with app.app_context():
        from app.jobs.sync_jobs import thumbnail_path

        for _ in range(100):  # bounded: the thread wakes at once after the push
            if thumbnail_path(sha).exists():
                break
            time.sleep(0.05)
        assert thumbnail_path(sha).exists()


def test_operators_can_relay_and_clean_by_hand(make_app):
    app = make_app(SYNC_OUTBOX_RELAY="manual")
    sha = _stored_photo(app)
    phone = _phone(app)
    phone.push(
        [
            phone.op(
                "household",
                new_id(),
                {"village_code": VILLAGE},
                attachments=[{"sha256": sha, "kind": "house_photo"}],
            )
        ]
    )
    runner = app.test_cli_runner()
    assert "1 jobs relayed" in runner.invoke(args=["field_sync", "relay-outbox"]).output
    assert "0 expired uploads removed" in runner.invoke(args=["field_sync", "clean-uploads"]).output
