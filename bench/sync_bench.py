"""Field-sync benchmark on PostgreSQL through gunicorn, each figure beside a bare-SQL baseline from the same run.

    .venv/bin/python -m bench.sync_bench [--rounds 3] [--batches 10] [--workers 2] [--threads 2]

Sets up and tears down everything itself: a fresh PostgreSQL database built by the migrations with
the demo data, 200,000 synced records (20,000 households × 10; 5,000 households — 50,000 records —
in the workers' two villages), gunicorn serving `wsgi:app` on loopback. Per round it measures:

- push throughput with 1 device, then 4 devices at once (batches of 200 ops: 5% duplicates, 10% of
  updates on stale bases, a fifth new households), beside raw INSERTs of the same rows (1 and 4
  connections, 200 rows per transaction);
- the first pull of a worker's 50,000 records (pages of 5,000; server time from gunicorn's access
  log), beside one raw SELECT of the same rows;
- an empty incremental pull (p50 of 100), beside a raw SELECT of the change counter;
- a 5 MB photo sent in 1 MB chunks with the connection cut inside the third chunk, then resumed.

Prints the median of each figure over the rounds and PASS/FAIL against the targets.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from bench.harness import fresh_database
from bench.sync_baselines import CpuMeter, bare_inserts, bare_selects
from bench.sync_upload import upload_with_cut
from bench.sync_workload import DEVICES, Workload

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
SCOPE_VILLAGES = ("341602100201", "341602100202")
OTHER_VILLAGES = ("341602100203", "341602101201", "341602101202", "341602101203")
TARGETS = {"push_4": 2000.0, "first_pull_s": 3.0, "empty_pull_ms": 20.0, "chunks_resent": 1}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Bounded options."""
    parser = argparse.ArgumentParser(description="field sync bench (gunicorn + PostgreSQL)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batches", type=int, default=10, help="batches of 200 ops per device per push run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--pg-admin-url",
        default=os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    )
    args = parser.parse_args(argv)
    if not (
        1 <= args.rounds <= 5
        and 1 <= args.batches <= 50
        and 1 <= args.workers <= 8
        and 1 <= args.threads <= 8
    ):
        parser.error("keep it bounded: rounds 1–5, batches 1–50, workers 1–8, threads 1–8")
    return args


def _key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def prepare(dsn: str, var_dir: Path) -> tuple[dict[str, str], object]:
    """Schema, demo data, bench staff and assignments, 200k seeded records; returns the server environment."""
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DOUDI_ENV")}
    env.update(DOUDI_ENV="production", DATABASE_URL=dsn, SECRET_KEY=_key(), DATA_KEYS=f"b1:{_key()}", LOOKUP_HASH_KEY=_key(),
               DOUDI_VAR_DIR=str(var_dir), STORAGE_DIR=str(var_dir / "files"), PYTHONPATH=str(ROOT))  # fmt: skip
    from flask_migrate import upgrade
    from sqlalchemy import select

    from app import create_app
    from app.cli import seed_demo_data
    from app.extensions import db
    from app.models import Area, FieldAssignment, StaffUser, SyncDevice
    from app.services.staff_accounts import create_staff
    from bench import sync_seed

    app = create_app({"SQLALCHEMY_DATABASE_URI": dsn.replace("postgresql://", "postgresql+psycopg://"), "SECRET_KEY": env["SECRET_KEY"],
                      "DATA_KEYS": env["DATA_KEYS"], "LOOKUP_HASH_KEY": env["LOOKUP_HASH_KEY"], "STORAGE_DIR": env["STORAGE_DIR"]})  # fmt: skip
    with app.app_context():
        upgrade(revision="heads")
        seed_demo_data("bench-pass-2024")
        for name in DEVICES[2:]:
            create_staff(name, f"协理员 {name}", "bench-pass-2024", "village_assistant", SCOPE_VILLAGES[0])
        areas = {a.code: a.id for a in db.session.scalars(select(Area))}
        staff = {u.username: u.id for u in db.session.scalars(select(StaffUser))}
        for name in DEVICES:
            db.session.add_all(
                FieldAssignment(staff_id=staff[name], area_id=areas[code]) for code in SCOPE_VILLAGES
            )
        db.session.add(
            SyncDevice(id=sync_seed.SEED_DEVICE, staff_id=staff["clerk"], label="seed", next_device_seq=1)
        )
        db.session.commit()
        villages = {code: (areas[code], 2500, True) for code in SCOPE_VILLAGES}
        villages.update({code: (areas[code], 3750, False) for code in OTHER_VILLAGES})
        started = time.perf_counter()
        rows, seeded = sync_seed.generate(villages, staff["clerk"])
        sync_seed.copy_rows(dsn, rows, seeded)
        print(
            f"seeded {seeded.records} records ({len(seeded.in_scope)} in the workers' villages) in {time.perf_counter() - started:.0f} s"
        )
        db.engine.dispose()
    return env, seeded


@contextmanager
def gunicorn(env: dict[str, str], args: argparse.Namespace, log_dir: Path) -> Iterator[tuple[str, Path, int]]:
    """gunicorn wsgi:app in its own process group with an access log of server times; always stopped."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    access = log_dir / "access.log"
    command = [str(VENV_BIN / "gunicorn"), "wsgi:app", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
               "--worker-class", "gthread", "--threads", str(args.threads), "--log-level", "warning", "--timeout", "120",
               "--access-logfile", str(access), "--access-logformat", "%(m)s %(U)s %(s)s %(D)s"]  # fmt: skip
    with (log_dir / "gunicorn.log").open("wb") as sink:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        for _ in range(300):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError((log_dir / "gunicorn.log").read_text()[-3000:])
        yield f"127.0.0.1:{port}", access, process.pid
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)


class Client:
    """One keep-alive HTTP connection with a staff token."""

    def __init__(self, host: str, token: str | None = None) -> None:
        self.host, self.token = host, token
        self.connection = http.client.HTTPConnection(*host.split(":"), timeout=300)

    def call(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, dict, bytes]:
        """Send a request; returns status, headers and the raw body."""
        all_headers = {
            "Content-Type": "application/json",
            **({"Authorization": f"Bearer {self.token}"} if self.token else {}),
            **(headers or {}),
        }
        self.connection.request(method, path, body=body, headers=all_headers)
        response = self.connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()


def push_run(
    host: str, tokens: dict[str, str], plans: dict[str, list[bytes]]
) -> tuple[float, int, dict[str, int]]:
    """Each device sends its batches in order, devices at once; returns seconds, ops sent, statuses."""
    counts: dict[str, int] = {}
    lock = threading.Lock()

    def send(name: str) -> None:
        client = Client(host, tokens[name])
        for body in plans[name]:
            status, _, raw = client.call("POST", "/api/field/push", body)
            assert status == 200, raw[:500]
            with lock:
                for result in json.loads(raw)["results"]:
                    counts[result["status"]] = counts.get(result["status"], 0) + 1

    threads = [threading.Thread(target=send, args=(name,)) for name in plans]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, sum(counts.values()), counts


def server_ms(access: Path, mark: int, path: str) -> list[float]:
    """Server times (ms) of requests to `path` logged after byte offset `mark` of the access log."""
    with access.open() as handle:
        handle.seek(mark)
        return [int(line.split()[3]) / 1000 for line in handle if line.split()[1:2] == [path]]


def first_pull(host: str, token: str, access: Path) -> tuple[float, float, int, str]:
    """A new device pulls everything; returns wall seconds, server seconds, records, final cursor."""
    client = Client(host, token)
    device = f"bench-pull-{uuid.uuid4().hex[:12]}"
    client.call("POST", "/api/field/devices", json.dumps({"device_id": device}).encode())
    mark, cursor, records = access.stat().st_size, None, 0
    started = time.perf_counter()
    for _ in range(1000):  # bounded: 5,000 records a page
        query = f"/api/field/pull?device_id={device}&limit=5000" + (f"&cursor={cursor}" if cursor else "")
        status, _, raw = client.call("GET", query)
        assert status == 200, raw[:300]
        tail = raw[-2000:].decode(
            "utf-8", "replace"
        )  # cursor and has_more close the body: no need to parse it
        cursor = re.search(r'"next_cursor":"([^"]+)"', tail).group(1)
        records += raw.count(b'{"entity":"')
        if '"has_more":true' not in tail:
            break
    wall = time.perf_counter() - started
    time.sleep(0.3)  # let gunicorn flush its access log
    return wall, sum(server_ms(access, mark, "/api/field/pull")) / 1000, records, f"{device}|{cursor}"


def empty_pulls(host: str, token: str, device_cursor: str, count: int = 100) -> float:
    """p50 of pulls with nothing new, from the cursor where the first pull ended (ms, measured by the client)."""
    device, cursor = device_cursor.split("|")
    client = Client(host, token)
    times = []
    for _ in range(count):
        started = time.perf_counter()
        status, _, raw = client.call("GET", f"/api/field/pull?device_id={device}&cursor={cursor}&limit=500")
        times.append((time.perf_counter() - started) * 1000)
        assert status == 200 and b'"changes":[]' in raw
    return statistics.median(times)


def run(args: argparse.Namespace) -> int:
    """Set up, measure every round, print medians against the targets."""
    with fresh_database(args.pg_admin_url, prefix="doudi_syncbench") as dsn, tempfile.TemporaryDirectory(prefix="syncbench-") as tmp:
        env, seeded = prepare(dsn, Path(tmp))
        with psycopg.connect(dsn) as conn:
            scope_ids = [
                row[0]
                for row in conn.execute("SELECT id FROM areas WHERE code = ANY(%s)", (list(SCOPE_VILLAGES),))
            ]
        with gunicorn(env, args, Path(tmp)) as (host, access, server_pid):
            cpu = CpuMeter(server_pid, dsn.rsplit("/", 1)[1])
            login = Client(host)
            tokens = {}
            for name in DEVICES:
                status, _, raw = login.call(
                    "POST",
                    "/api/staff/login",
                    json.dumps({"username": name, "password": "bench-pass-2024"}).encode(),
                )
                tokens[name] = json.loads(raw)["token"]
            workload = Workload(seeded, random.Random(11))
            for name in DEVICES:
                status, _, raw = Client(host, tokens[name]).call(
                    "POST", "/api/field/devices", json.dumps({"device_id": workload.device_id(name)}).encode()
                )
                assert status == 200, raw
            figures: dict[str, list[float]] = {}
            for round_no in range(1, args.rounds + 1):
                one = {DEVICES[0]: workload.batches(DEVICES[0], args.batches)}
                seconds, ops, counts = push_run(host, tokens, one)
                workload.acknowledge(one)
                four = {name: workload.batches(name, args.batches) for name in DEVICES}
                before = cpu.seconds()
                seconds4, ops4, counts4 = push_run(host, tokens, four)
                cpu_ms_per_op = 1000 * (cpu.seconds() - before) / ops4
                workload.acknowledge(four)
                bare1, bare4 = bare_inserts(dsn, one), bare_inserts(dsn, four)
                wall, server, records, device_cursor = first_pull(host, tokens[DEVICES[0]], access)
                empty = empty_pulls(host, tokens[DEVICES[0]], device_cursor)
                bare_all, bare_counter = bare_selects(dsn, scope_ids)
                upload_s, resent, hash_ok = upload_with_cut(host, tokens[DEVICES[0]])
                got = {"push_1": ops / seconds, "push_4": ops4 / seconds4, "bare_1": bare1, "bare_4": bare4,
                       "cpu_ms_per_op": cpu_ms_per_op, "load": os.getloadavg()[0],
                       "first_pull_s": server, "first_pull_wall_s": wall, "pull_records": records, "bare_select_s": bare_all,
                       "empty_pull_ms": empty, "bare_counter_ms": bare_counter, "upload_s": upload_s, "chunks_resent": resent}  # fmt: skip
                for key, value in got.items():
                    figures.setdefault(key, []).append(value)
                print(
                    f"round {round_no}: "
                    + ", ".join(f"{k}={v:.3f}" for k, v in got.items())
                    + f"; 4-device statuses {counts4}; hash ok {hash_ok}"
                )
                assert hash_ok and counts.get("quarantined", 0) == 0 and counts4.get("quarantined", 0) == 0
    return report({key: statistics.median(values) for key, values in figures.items()})


def report(m: dict[str, float]) -> int:
    """Print the medians beside their baselines and the targets; exit status 1 if a target is missed."""
    rows = [
        ("push, 1 device (ops/s)", m["push_1"], f"bare INSERT 1 conn {m['bare_1']:.0f} rows/s", None),
        ("push, 4 devices (ops/s)", m["push_4"], f"bare INSERT 4 conns {m['bare_4']:.0f} rows/s", m["push_4"] >= TARGETS["push_4"]),
        ("  server+PostgreSQL CPU (ms/op)", m["cpu_ms_per_op"], f"= {2000 / m['cpu_ms_per_op']:.0f} ops/s on 2 idle cores; "
         f"load avg {m['load']:.1f}", None),
        ("first pull, server time (s)", m["first_pull_s"], f"bare SELECT {m['bare_select_s']:.2f} s; wall {m['first_pull_wall_s']:.2f} s; "
         f"{m['pull_records']:.0f} records", m["first_pull_s"] <= TARGETS["first_pull_s"]),
        ("empty pull p50 (ms)", m["empty_pull_ms"], f"bare SELECT {m['bare_counter_ms']:.2f} ms", m["empty_pull_ms"] <= TARGETS["empty_pull_ms"]),
        ("5 MB upload, cut once (s)", m["upload_s"], f"chunks re-sent {m['chunks_resent']:.0f}", m["chunks_resent"] <= TARGETS["chunks_resent"]),
    ]  # fmt: skip
    print("\nmedians                              value   beside                                   target")
    for label, value, beside, ok in rows:
        verdict = "" if ok is None else ("PASS" if ok else "FAIL")
        print(f"{label:<32}{value:>10.2f}   {beside:<48}{verdict}")
    return 0 if all(ok is not False for *_, ok in rows) else 1


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    return run(parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
