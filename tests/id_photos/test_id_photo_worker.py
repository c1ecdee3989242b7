"""A real RQ worker process on real Redis and PostgreSQL reads uploaded ID photos with real OCR;
a worker SIGKILLed in the middle of a read leaves nothing half-written and the read completes later."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from redis import Redis
from sqlalchemy import select

from app.extensions import db
from app.models import IdPhotoRead
from ocr.synthetic import make_card
from tests.id_photos.helpers import ROOT, poll, process_env, reading_url, resident_draft, unique_jpeg, upload

REDIS_URL = "redis://127.0.0.1:6379/0"
pytestmark = pytest.mark.slow  # real OCR


@pytest.fixture
def rq_app(make_app, backend: str) -> Iterator[Flask]:  # noqa: ANN001
    """The app on PostgreSQL with jobs on a Redis queue of its own (removed afterwards)."""
    if backend != "postgresql":
        pytest.skip("the real worker process runs against PostgreSQL")
    queue_name = f"doudi-idphoto-test-{uuid.uuid4().hex[:8]}"
    app = make_app(REDIS_URL=REDIS_URL, RQ_QUEUE=queue_name)
    yield app
    redis = Redis.from_url(REDIS_URL)
    keys = list(redis.scan_iter(f"rq:*{queue_name}*"))
    with app.app_context():
        shas = db.session.scalars(select(IdPhotoRead.sha256)).all()
    for sha in shas:  # job hashes outlive queues: a killed worker's job still says "started"
        keys += list(redis.scan_iter(f"rq:job:id-photo-{sha}-*"))
    if keys:
        redis.delete(*keys)


def _worker_env(app: Flask, **extra: str) -> dict[str, str]:
    return process_env(app, REDIS_URL=REDIS_URL, RQ_QUEUE=app.config["RQ_QUEUE"], **extra)


def _run_burst_worker(app: Flask) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "app.worker", "--burst"],
        cwd=ROOT, env=_worker_env(app), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]


def _row(app: Flask, sha: str) -> IdPhotoRead:
    with app.app_context():
        row = db.session.get(IdPhotoRead, sha)
        db.session.expunge(row)
        return row


def test_a_real_worker_reads_the_photo_once_however_often_it_is_uploaded(
    rq_app, wechat_control, portrait_card
):
    client = rq_app.test_client()
    first_id, first_headers = resident_draft(client, wechat_control)
    second_id, second_headers = resident_draft(client, wechat_control)
    photo = unique_jpeg(portrait_card.image_bytes)
    first = upload(client, first_headers, first_id, photo)
    second = upload(client, second_headers, second_id, photo)
    emblem = upload(
        client,
        first_headers,
        first_id,
        unique_jpeg(make_card(103, side="emblem").image_bytes),
        "id_card_emblem",
    )
    assert first.status_code == second.status_code == 201
    sha = first.json["sha256"]
    assert (
        client.get(reading_url(first_id, first.json["id"]), headers=first_headers).json["status"] == "queued"
    )
    job_ids = rq_app.extensions["doudi_queue"].queue.job_ids
    assert job_ids == [f"id-photo-{sha}-1", f"id-photo-{emblem.json['sha256']}-1"]  # one job for both uploads

    _run_burst_worker(rq_app)

    for application_id, attachment, headers in (
        (first_id, first, first_headers),
        (second_id, second, second_headers),
    ):
        body = poll(client, headers, reading_url(application_id, attachment.json["id"]), timeout=5)
        assert (body["status"], body["engine"]) == ("done", "paddleocr")
        assert body["fields"]["id_number"]["value"] == portrait_card.identity.id_number
    emblem_body = poll(client, first_headers, reading_url(first_id, emblem.json["id"]), timeout=5)
    assert (emblem_body["status"], emblem_body["side"]) == ("done", "emblem")
    row = _row(rq_app, sha)
    assert (row.attempts, row.generation) == (1, 1)
    storage = Path(rq_app.config["STORAGE_DIR"])
    assert (storage / row.normalised_key).is_file() and (storage / row.thumbnail_key).is_file()
    # The worker loaded the engine before forking: neither job's process spent time loading it.
    for read in (row, _row(rq_app, emblem.json["sha256"])):
        assert read.result["timings"]["load"] < 0.05, read.result["timings"]


def test_a_worker_killed_mid_read_leaves_nothing_half_written_and_the_read_completes(
    rq_app, wechat_control, portrait_card
):
    client = rq_app.test_client()
    application_id, headers = resident_draft(client, wechat_control)
    uploaded = upload(client, headers, application_id, unique_jpeg(portrait_card.image_bytes))
    sha, url = uploaded.json["sha256"], reading_url(application_id, uploaded.json["id"])

    # A worker whose engine hangs inside the read, with a short lease; killed there with SIGKILL.
    stalling = _worker_env(
        rq_app, OCR_ENGINE="tests.id_photos.engines:StallingEngine", ID_PHOTO_LEASE_SECONDS="2"
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "app.worker"], cwd=ROOT, env=stalling, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while _row(rq_app, sha).status != "running":
            assert time.monotonic() < deadline and worker.poll() is None, "the worker never started the read"
            time.sleep(0.1)
        time.sleep(1.0)  # well inside the engine's read now
    finally:
        os.killpg(worker.pid, signal.SIGKILL)  # the worker and its work horse, no chance to clean up
        worker.wait(timeout=30)

    row = _row(rq_app, sha)
    assert (row.status, row.attempts, row.result, row.id_number, row.side, row.normalised_key) == (
        "running",
        1,
        None,
        None,
        None,
        None,
    )
    leftovers = [p for p in Path(rq_app.config["STORAGE_DIR"]).rglob("*") if p.name.startswith(".part-")]
    assert leftovers == []  # derived copies are written whole under a temporary name, then renamed

    time.sleep(max(0.0, (row.lease_until.timestamp() - time.time())) + 0.2)
    requeued = client.get(url, headers=headers).json  # the poll sees the lease ran out: enqueued again
    assert requeued["status"] == "queued"
    assert f"id-photo-{sha}-2" in rq_app.extensions["doudi_queue"].queue.job_ids

    _run_burst_worker(rq_app)  # a healthy worker, real PaddleOCR
    body = poll(client, headers, url, timeout=5)
    assert body["status"] == "done"
    assert body["fields"]["id_number"]["value"] == portrait_card.identity.id_number
    row = _row(rq_app, sha)
    assert (row.status, row.attempts, row.generation) == ("done", 2, 2)
