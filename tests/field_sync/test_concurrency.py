"""Change numbers under concurrent commits on PostgreSQL: a pull can never skip a change.

With a database sequence, a transaction that took number 7 may commit after one that took 8; a
device that pulled `seq > 6` in between gets 8, moves its cursor past 7, and never sees 7. The
counter row makes the second pusher wait for the first one's commit.
"""

from __future__ import annotations

import random
import threading
import time

import pytest

from app.services import sync_batch_write
from tests.field_sync.helpers import new_id
from tests.support import VILLAGE


@pytest.fixture
def pg_only(backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("concurrent commits are a PostgreSQL matter (SQLite has one writer)")


def test_a_transaction_that_took_numbers_first_is_never_skipped(pg_only, device_for, monkeypatch):
    slow, fast, worker = device_for("assistant"), device_for("assistant2"), device_for("assistant3")
    taken, release = threading.Event(), threading.Event()
    original = sync_batch_write.take_change_numbers

    def pausing(count: int, max_hlc: str) -> int:
        first = original(count, max_hlc)
        if threading.current_thread().name == "slow-pusher":
            taken.set()
            release.wait(10)
        return first

    monkeypatch.setattr(sync_batch_write, "take_change_numbers", pausing)
    slow_record, fast_record = new_id(), new_id()
    results = {}
    slow_thread = threading.Thread(
        name="slow-pusher",
        target=lambda: results.update(
            slow=slow.push([slow.op("household", slow_record, {"village_code": VILLAGE})])
        ),
    )
    fast_thread = threading.Thread(
        name="fast-pusher",
        target=lambda: results.update(
            fast=fast.push([fast.op("household", fast_record, {"village_code": VILLAGE})])
        ),
    )
    slow_thread.start()
    assert taken.wait(10)
    fast_thread.start()
    time.sleep(0.5)
    assert fast_thread.is_alive(), "the second pusher must wait for the first one's commit"
    between = worker.pull().json
    assert between["changes"] == []
    release.set()
    slow_thread.join(10)
    fast_thread.join(10)
    assert results["slow"].status_code == 200 and results["fast"].status_code == 200
    after = worker.pull_all()["changes"]
    assert {key[1] for key in after} == {slow_record, fast_record}


def test_concurrent_pushes_and_pulls_lose_nothing(pg_only, field_app, device_for):
    phones = [device_for(name) for name in ("assistant", "assistant2", "assistant3", "clerk")]
    watcher = device_for("assistant")
    households = [new_id() for _ in range(12)]
    phones[0].push([phones[0].op("household", h, {"village_code": VILLAGE}) for h in households])
    for phone in phones:
        phone.pull_all()
    seen: dict[str, int] = {}
    done = threading.Event()
    failures: list[object] = []

    def push_many(phone, seed: int) -> None:  # noqa: ANN001
        rng = random.Random(seed)
        for round_ in range(8):
            ops = [
                phone.op("household", rng.choice(households), {"note": f"{phone.device_id}-{round_}-{i}"})
                for i in range(15)
            ]
            response = phone.push(ops)
            if response.status_code != 200:
                failures.append(response.json)

    def watch() -> None:
        while not done.is_set():
            for change in watcher.pull(limit=5).json["changes"]:
                seen[change["record_id"]] = change["record_version"]

    threads = [threading.Thread(target=push_many, args=(phone, i)) for i, phone in enumerate(phones)]
    observer = threading.Thread(target=watch)
    observer.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    done.set()
    observer.join(30)
    assert failures == []
    for change in watcher.pull_all()["changes"].values():
        seen[change["record_id"]] = change["record_version"]
    final = {
        key[1]: change["record_version"] for key, change in device_for("clerk").pull_all()["changes"].items()
    }
    assert seen == final and sum(final.values()) == len(households) + 4 * 8 * 15
