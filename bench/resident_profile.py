"""Where the resident API spends its time: the bench's journey run in one process, request by request.

    .venv/bin/python -m bench.resident_profile [--journeys 200] [--cprofile KIND|all] [--top 40]

The companion of `bench.resident_api`: that one measures the server under load, this one says why.
Same fresh PostgreSQL database (migrations + demo seed), same production settings, same journey
(`bench.load.journey_parts`), but the app runs in this process behind Flask's test client, one
request at a time. For each kind of request it prints the median CPU time (this process: Flask, the
ORM, psycopg's client side) and wall time, and how many SQL statements it sent. With `--cprofile` it
also prints the hottest functions of one kind (or of all), so a change can be judged before the
load bench is run.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path

from bench.harness import ROOT, fresh_database, run_cli, server_environment
from bench.load import APPLICATIONS, WITHDRAW_BODY, journey_parts


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journeys", type=int, default=200, help="whole applications to run (first 20 warm up)")
    parser.add_argument("--cprofile", metavar="KIND", help="profile this kind of request (or 'all')")
    parser.add_argument("--top", type=int, default=40, help="functions to list with --cprofile")
    parser.add_argument("--show-sql", action="store_true", help="print the SQL of the last journey, request by request")
    parser.add_argument(
        "--pg-admin-url",
        default=os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    )
    args = parser.parse_args(argv)
    if not 21 <= args.journeys <= 5000:
        parser.error("--journeys: 21–5000")
    return args


class Meter:
    """CPU, wall time and SQL statements per kind of request."""

    def __init__(self, profile_kind: str | None) -> None:
        self.cpu: dict[str, list[float]] = defaultdict(list)
        self.wall: dict[str, list[float]] = defaultdict(list)
        self.statements: dict[str, list[int]] = defaultdict(list)
        self.counted = 0
        self.sql: list[str] = []
        self.profile_kind = profile_kind
        self.profiler = cProfile.Profile() if profile_kind else None
        self.recording = False
        self.last_sql: dict[str, list[str]] = {}

    def count_statement(self, _conn: object, _cursor: object, statement: str, *_args: object) -> None:
        """SQLAlchemy `before_cursor_execute` listener."""
        self.counted += 1
        self.sql.append(" ".join(statement.split())[:300])

    def call(self, client, kind: str, method: str, path: str, expect: int, body=None):  # noqa: ANN001, ANN201
        """One request through the test client, measured when recording."""
        profiling = self.recording and self.profiler and self.profile_kind in (kind, "all")
        self.counted, self.sql = 0, []
        cpu, wall = time.process_time(), time.perf_counter()
        if profiling:
            self.profiler.enable()
        response = client.open(path, method=method, json=body)
        if profiling:
            self.profiler.disable()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        if response.status_code != expect:
            raise RuntimeError(f"{kind}: {response.status_code} {response.get_data(as_text=True)[:300]}")
        if self.recording:
            self.cpu[kind].append(cpu * 1000)
            self.wall[kind].append(wall * 1000)
            self.statements[kind].append(self.counted)
            self.last_sql[kind] = self.sql
        return response.get_json()


def journey(meter: Meter, client, serial: int) -> None:  # noqa: ANN001
    """The bench's journey: create, the six parts, submit, detail, withdraw; then two yardsticks (not in
    the bench's load): `/healthz` (the app's floor) and `/api/resident/me` (the floor plus the token check)."""
    created = meter.call(client, "create", "POST", APPLICATIONS, 201, {"program": "dibao"})
    base = f"{APPLICATIONS}/{created['id']}"
    for part, body in journey_parts(serial):
        meter.call(client, part, "PUT", f"{base}/{part}", 200, body)
    meter.call(client, "submit", "POST", f"{base}/submit", 200)
    meter.call(client, "detail", "GET", base, 200)
    meter.call(client, "withdraw", "POST", f"{base}/withdraw", 200, WITHDRAW_BODY)
    meter.call(client, "(healthz)", "GET", "/healthz", 200)
    meter.call(client, "(me)", "GET", "/api/resident/me", 200)


def report(meter: Meter, top: int, show_sql: bool) -> None:
    """The per-kind table, the last journey's SQL when asked, and the profile when one was taken."""
    if show_sql:
        for kind, statements in meter.last_sql.items():
            print(f"\n{kind}:")
            for statement in statements:
                print(f"    {statement}")
    print(f"\n  {'':<12}{'cpu p50 ms':>12}{'wall p50 ms':>13}{'statements':>12}")
    figures = {
        kind: (statistics.median(meter.cpu[kind]), statistics.median(meter.wall[kind]), statistics.mean(meter.statements[kind]))
        for kind in meter.cpu
    }
    journey = [figures[k] for k in figures if not k.startswith("(")]  # "(healthz)", "(me)": yardsticks
    for kind, (cpu, wall, statements) in figures.items():
        if kind.startswith("(") and journey:
            cpu_mean, wall_mean, statements_mean = (statistics.mean(column) for column in zip(*journey, strict=True))
            print(f"  {'per request':<12}{cpu_mean:>12.2f}{wall_mean:>13.2f}{statements_mean:>12.1f}")
            journey = []
        print(f"  {kind:<12}{cpu:>12.2f}{wall:>13.2f}{statements:>12.1f}")
    if meter.profiler:
        by_package(pstats.Stats(meter.profiler), sum(len(meter.cpu[k]) for k in meter.cpu if meter.profile_kind in (k, "all")))
        print(f"\nHottest functions ({meter.profile_kind}), cumulative:")
        pstats.Stats(meter.profiler).sort_stats("cumulative").print_stats(top)
        print(f"\nHottest functions ({meter.profile_kind}), own time:")
        pstats.Stats(meter.profiler).sort_stats("tottime").print_stats(top)


def by_package(stats: pstats.Stats, requests: int) -> None:
    """Own time per library (wall clock, as cProfile measures it), per profiled request."""
    totals: dict[str, float] = defaultdict(float)
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        if "site-packages/" in filename:
            package = filename.split("site-packages/", 1)[1].split("/", 1)[0]
        elif filename.startswith(str(ROOT)):
            package = "doudi: " + filename[len(str(ROOT)) + 1 :].split("/", 1)[0]
        elif filename.startswith("~") or filename.startswith("<"):
            package = "builtins"
        else:
            package = "stdlib"
        totals[package] += tottime
    print(f"\nOwn time by package, ms per request ({requests} requests; psycopg includes waiting for PostgreSQL):")
    for package, seconds in sorted(totals.items(), key=lambda kv: -kv[1])[:15]:
        print(f"  {package:<28}{1000 * seconds / max(requests, 1):8.3f}")


def main(argv: list[str] | None = None) -> None:
    """Set up, run the journeys in-process, report, tear down."""
    args = parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from app.wechat.standin import create_standin_app, serve_in_thread
    from app.wechat.testing import StandinControl

    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="doudi-profile-")))
        database_url = stack.enter_context(fresh_database(args.pg_admin_url, prefix="doudi_profile"))
        standin = serve_in_thread(create_standin_app())
        stack.callback(standin.shutdown)
        env = server_environment(database_url, standin.base_url, work)
        print("preparing database (migrations + demo seed)…", flush=True)
        run_cli(env, "init-db")
        run_cli(env, "seed-demo")
        os.environ.update(env)
        from sqlalchemy import event

        from app import create_app
        from app.extensions import db

        app = create_app()
        meter = Meter(args.cprofile)
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", meter.count_statement)
        control = StandinControl(standin.base_url)
        stack.callback(control.close)
        code = control.code_for(control.add_user(nickname="剖析居民")["openid"])
        client = app.test_client()
        token = meter.call(client, "sign_in", "POST", "/api/resident/auth/wechat", 200, {"code": code})["token"]
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        for serial in range(args.journeys):
            meter.recording = serial >= 20
            journey(meter, client, serial)
        print(f"{args.journeys - 20} journeys measured (20 warm-up), one request at a time, in-process")
        report(meter, args.top, args.show_sql)


if __name__ == "__main__":
    main()
