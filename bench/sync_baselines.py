"""The sync bench's reference measurements: bare SQL doing the same work, and CPU use of server and database."""

from __future__ import annotations

import json
import statistics
import threading
import time

import psutil
import psycopg

from bench.harness import cpu_seconds, postgres_backends


class CpuMeter:
    """CPU seconds used by the gunicorn process group and the PostgreSQL backends of the bench database."""

    def __init__(self, server_pid: int, database: str) -> None:
        self.server_pid, self.database = server_pid, database

    def seconds(self) -> float:
        """User + system CPU so far (processes that ended since are not counted)."""
        server = psutil.Process(self.server_pid)
        return cpu_seconds([server, *server.children(recursive=True), *postgres_backends(self.database)])


def bare_inserts(dsn: str, plans: dict[str, list[bytes]]) -> float:
    """Raw INSERTs of the same op rows (200 per transaction), one connection per device at once; rows/s."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_raw_ops (op_id text PRIMARY KEY, device_id text, device_seq int, "
                     "entity text, record_id text, payload jsonb)")  # fmt: skip

    def insert(bodies: list[bytes]) -> None:
        with psycopg.connect(dsn) as conn:
            for body in bodies:
                rows = [(op["op_id"] + "-raw", op["device_id"], op["device_seq"], op["entity"], op["record_id"], json.dumps(op))
                        for op in json.loads(body)["ops"]]  # fmt: skip
                with conn.transaction():
                    conn.cursor().executemany(
                        "INSERT INTO bench_raw_ops VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                        rows,
                    )

    total = sum(len(json.loads(body)["ops"]) for bodies in plans.values() for body in bodies)
    threads = [threading.Thread(target=insert, args=(bodies,)) for bodies in plans.values()]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return total / (time.perf_counter() - started)


def bare_selects(dsn: str, area_ids: list[int]) -> tuple[float, float]:
    """Seconds for one SELECT of the worker's rows (as text), and p50 ms of a SELECT of the counter."""
    with psycopg.connect(dsn) as conn:
        started = time.perf_counter()
        conn.execute(
            "SELECT state, display FROM sync_records WHERE area_id = ANY(%s) ORDER BY change_seq", (area_ids,)
        ).fetchall()
        select_all = time.perf_counter() - started
        times = []
        for _ in range(100):
            started = time.perf_counter()
            conn.execute("SELECT value, max_hlc FROM sync_counters WHERE name = 'changes'").fetchone()
            times.append((time.perf_counter() - started) * 1000)
    return select_all, statistics.median(times)
