"""Check-in jobs: face processing by a real RQ worker process on Redis (models loaded once in the
worker), and the scheduled commands run twice at the same time making every window and reminder once."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Checkin, CheckinWindow, Notification
from app.wechat.standin import DEFAULT_APPID, DEFAULT_SECRET
from tests.checkins.conftest import QUARTER, card_photo, enroll_reference, run_cli, selfie, upload_checkin
from tests.conftest import TEST_KEYS

ROOT = Path(__file__).resolve().parents[2]


def test_the_face_job_runs_in_a_real_rq_worker(make_app, app, client, standin, staff, beneficiary):
    person = beneficiary()
    enroll_reference(client, staff("assistant"), person.person_id, card_photo())
    app.config["CASEWORK_TODAY"] = "2026-10-01"
    run_cli(app, "checkins-open", "--quarter", QUARTER)
    queue_name = f"doudi-checkin-test-{uuid.uuid4().hex[:8]}"
    rq_app = make_app(REDIS_URL="redis://127.0.0.1:6379/0", RQ_QUEUE=queue_name, CASEWORK_TODAY="2026-10-02")
    rq_client = rq_app.test_client()
    window_id = rq_client.get("/api/resident/checkins/windows", headers=person.headers).json["items"][0]["id"]
    sent = upload_checkin(rq_client, person.headers, window_id, selfie(), mode="self")
    assert sent.status_code == 202 and sent.json["status"] == "processing"
    with rq_app.app_context():
        assert rq_app.extensions["doudi_queue"].queue.count == 1
        url, storage = rq_app.config["SQLALCHEMY_DATABASE_URI"], rq_app.config["STORAGE_DIR"]
    env = {**os.environ, **TEST_KEYS, "DATABASE_URL": url, "REDIS_URL": "redis://127.0.0.1:6379/0",
           "RQ_QUEUE": queue_name, "WECHAT_APPID": DEFAULT_APPID, "WECHAT_SECRET": DEFAULT_SECRET,
           "WECHAT_API_BASE": standin.api_base, "PYTHONPATH": str(ROOT), "STORAGE_DIR": storage}  # fmt: skip
    done = subprocess.run([sys.executable, "-m", "app.worker", "--burst"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    with rq_app.app_context():
        row = db.session.get(Checkin, sent.json["id"])
        assert (row.status, row.face_decision, row.valid) == ("done", "match", True)
        assert row.face_model_id and row.face_hash and row.face_similarity > 0.8
    assert (
        rq_client.get(f"/api/resident/checkins/{sent.json['id']}", headers=person.headers).json["status"]
        == "done"
    )


def test_commands_run_twice_at_once_make_each_window_and_reminder_once(
    app, backend, beneficiary, wechat_control
):
    if backend == "sqlite":
        pytest.skip("SQLite serialises writers: the race needs PostgreSQL")
    from app.jobs.checkin_jobs import open_windows_job, send_reminders_job

    wechat_control.add_template("TPL_CHECKIN_REMINDER")
    for name in ("王秀英", "李桂兰", "张玉珍"):
        beneficiary(name)
    app.config["CASEWORK_TODAY"] = "2026-10-25"
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(job) -> None:  # noqa: ANN001
        try:
            with app.app_context():
                barrier.wait()
                job(QUARTER) if job is open_windows_job else job(None)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    for job in (open_windows_job, send_reminders_job):
        threads = [threading.Thread(target=run, args=(job,)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CheckinWindow)) == 3
        reminders = db.session.scalars(
            select(Notification).where(Notification.event_key.like("checkin-reminder:%"))
        ).all()
        assert len(reminders) == 3 and {r.status for r in reminders} == {"sent"}
    sent = [m for m in wechat_control.sent_messages() if m["template_id"] == "TPL_CHECKIN_REMINDER"]
    assert len(sent) == 3
