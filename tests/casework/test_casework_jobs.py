"""A step's message to the resident goes through Redis and a real RQ worker process, once."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

from app.extensions import db
from app.models import Notification
from app.wechat.standin import DEFAULT_APPID, DEFAULT_SECRET
from tests.casework.conftest import ACCEPTED_ON, CASES, post
from tests.conftest import TEST_KEYS

ROOT = Path(__file__).resolve().parents[2]


def test_a_step_message_is_sent_by_a_real_rq_worker(make_app, app, standin, wechat_control, submitted, staff):
    application_id, _ = submitted()
    queue_name = f"doudi-casework-test-{uuid.uuid4().hex[:8]}"
    rq_app = make_app(REDIS_URL="redis://127.0.0.1:6379/0", RQ_QUEUE=queue_name, CASEWORK_TODAY=ACCEPTED_ON)
    post(rq_app.test_client(), f"{CASES}/{application_id}/accept", staff("clerk"))
    with rq_app.app_context():
        (row,) = db.session.query(Notification).all()
        assert row.status == "pending"  # queued, not sent in the request
        assert rq_app.extensions["doudi_queue"].queue.count == 1
        url = rq_app.config["SQLALCHEMY_DATABASE_URI"]
    env = {
        **os.environ,
        **TEST_KEYS,
        "DATABASE_URL": url,
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "RQ_QUEUE": queue_name,
        "WECHAT_APPID": DEFAULT_APPID,
        "WECHAT_SECRET": DEFAULT_SECRET,
        "WECHAT_API_BASE": standin.api_base,
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [sys.executable, "-m", "app.worker", "--burst"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    with rq_app.app_context():
        db.session.expire_all()
        (row,) = db.session.query(Notification).all()
        assert (row.status, row.attempts) == ("sent", 1)
    (message,) = wechat_control.sent_messages()
    assert message["client_msg_id"] == row.client_msg_id
    assert message["data"]["keyword2"]["value"] == "已受理"
