"""A real server process killed with SIGKILL in the middle of a push; the phone retries: nothing lost, nothing twice."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from app.extensions import db
from app.models import Household, Member, SyncDevice, SyncOp
from sync.hlc import HybridClock
from tests.conftest import DEMO_PASSWORD, TEST_KEYS
from tests.field_sync.helpers import new_id
from tests.support import VILLAGE

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_server(database_url: str, storage: Path, **fault: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """Start tests.field_sync.fault_server on a free loopback port; always stopped at the end."""
    port = _free_port()
    env = {**os.environ, **TEST_KEYS, "DATABASE_URL": database_url, "STORAGE_DIR": str(storage), **fault}
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.field_sync.fault_server", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        assert process.stdout.readline().strip() == "ready"
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                requests.get(f"{base}/healthz", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.05)
        yield base, process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(10)


def _ops(device_id: str, count: int) -> list[dict]:
    clock = HybridClock(device_id)
    ops, seq = [], 1
    for _ in range(count // 2):
        household = new_id()
        for entity, record_id, fields in (
            ("household", household, {"village_code": VILLAGE, "current_address": "东大街"}),
            ("member", new_id(), {"household_id": household, "name": "刘芳"}),
        ):
            ops.append({"op_id": new_id(), "device_id": device_id, "device_seq": seq, "entity": entity, "record_id": record_id,
                        "type": "upsert", "hlc": clock.tick(1_750_000_000_000), "base_version": {}, "fields": fields})  # fmt: skip
            seq += 1
    return ops


@pytest.mark.parametrize("stall", ["before_commit", "after_commit"])
def test_a_push_killed_mid_way_is_retried_exactly_once(field_app, tmp_path, stall):
    url = field_app.config["SQLALCHEMY_DATABASE_URI"]
    marker = tmp_path / "stalled"
    device_id = f"phone-{new_id()}"
    body = {"device_id": device_id, "batch_id": new_id(), "ops": _ops(device_id, 60)}
    with running_server(url, tmp_path / "files", FAULT_STALL=stall, FAULT_MARKER=str(marker)) as (
        base,
        process,
    ):
        token = requests.post(
            f"{base}/api/staff/login", json={"username": "assistant", "password": DEMO_PASSWORD}, timeout=10
        ).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        assert requests.post(
            f"{base}/api/field/devices", json={"device_id": device_id}, headers=headers, timeout=10
        ).ok
        lost = {}
        pusher = threading.Thread(
            target=lambda: lost.update(error=_post_expecting_failure(f"{base}/api/field/push", body, headers))
        )
        pusher.start()
        for _ in range(200):
            if marker.exists():
                break
            time.sleep(0.05)
        assert marker.read_text() == stall
        os.kill(process.pid, signal.SIGKILL)  # the server dies at that exact point
        process.wait(10)
        pusher.join(10)
        assert lost["error"], "the phone never got an answer"
    with running_server(url, tmp_path / "files") as (base, _):
        retried = requests.post(f"{base}/api/field/push", json=body, headers=headers, timeout=30)
        assert retried.status_code == 200, retried.text
        statuses = {result["status"] for result in retried.json()["results"]}
        assert statuses == ({"applied"} if stall == "before_commit" else {"duplicate"})
        assert retried.json()["expected_device_seq"] == 61
        again = requests.post(f"{base}/api/field/push", json=body, headers=headers, timeout=30).json()
        assert {result["status"] for result in again["results"]} == {"duplicate"}
    with field_app.app_context():
        assert (
            db.session.scalar(select(func.count()).select_from(SyncOp).where(SyncOp.device_id == device_id))
            == 60
        )
        assert db.session.scalar(select(func.count()).select_from(Household)) == 30
        assert db.session.scalar(select(func.count()).select_from(Member)) == 30
        assert db.session.get(SyncDevice, device_id).next_device_seq == 61


def _post_expecting_failure(url: str, body: dict, headers: dict) -> str | None:
    try:
        response = requests.post(url, json=body, headers=headers, timeout=30)
    except requests.RequestException as error:
        return type(error).__name__
    return None if response.ok else f"status {response.status_code}"
