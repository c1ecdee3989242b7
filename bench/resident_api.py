"""Measure the resident API under concurrent load, beside a bare Flask endpoint on the same server settings.

    .venv/bin/python -m bench.resident_api [--users 50] [--seconds 20] [--warmup 5] [--rounds 1] [--think-ms 0]

Sets up everything itself and tears it down even on failure: a fresh PostgreSQL database built by the
migrations and seeded with the demo data (through the `flask doudi` CLI), the WeChat stand-in on a loopback
thread, gunicorn serving `wsgi:app` and gunicorn serving `bench.bare_wsgi:app` with identical settings. The
load generator (`bench.load`) runs in its own process. Prints per-endpoint p50/p99, overall p50/p99 and
requests/s, the same for the bare endpoint, the throughput ratio, where the CPU went, and PASS/FAIL against
the targets (p99 ≤ 100 ms at 50 users; throughput ≥ 40% of the bare endpoint's).

Two floors are measured under the same load (skip them with `--no-floors`): the bare app answering after one
`SELECT 1` on its own psycopg connection (the ceiling of anything that touches PostgreSQL), and the app's
`GET /api/resident/me` (token check and one small read: the ceiling of any signed-in resident request). They
show how much of the bare endpoint's throughput the journey could reach at best. To see *why* a request
costs what it does, run `python -m bench.resident_profile` (CPU, wall time and SQL per request kind).

By default users send back to back (capacity). `--think-ms 1000` has each pause about a second after every
answer, as a person filling in a form on a phone: that shows the latency 50 real residents would see, but
then the throughput ratio measures the pauses, not the server, so it is not judged.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import psutil

from bench.harness import Server, cpu_snapshot, fresh_database, gunicorn, run_cli, server_environment

ROOT = Path(__file__).resolve().parents[1]
P99_TARGET_MS = 100.0
RATIO_TARGET = 0.40
ORDER = (
    "create",
    "applicant",
    "members",
    "income",
    "bank",
    "reason",
    "consent",
    "submit",
    "detail",
    "withdraw",
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options; the server defaults are the ones the README justifies."""
    parser = argparse.ArgumentParser(description="Resident API load bench (gunicorn + PostgreSQL)")
    parser.add_argument(
        "--users", type=int, default=50, help="concurrent simulated residents (and bare users)"
    )
    parser.add_argument("--seconds", type=float, default=20, help="measuring window per round")
    parser.add_argument("--warmup", type=float, default=5, help="warm-up before each window (not counted)")
    parser.add_argument(
        "--rounds", type=int, default=1, help="alternate app/bare rounds; medians are reported"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (one per core)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (gthread)")
    parser.add_argument("--worker-class", default="gthread", choices=["gthread", "sync"])
    parser.add_argument(
        "--no-floors",
        dest="floors",
        action="store_false",
        help="skip the two yardsticks (GET /api/resident/me on the app, one SELECT 1 on the bare app)",
    )
    parser.add_argument(
        "--think-ms", type=float, default=0.0, help="pause after each answer (0: back to back, measures capacity)"
    )
    parser.add_argument(
        "--pg-admin-url",
        default=os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    )
    args = parser.parse_args(argv)
    if not (
        1 <= args.users <= 500
        and 0 <= args.think_ms <= 10_000
        and 1 <= args.seconds <= 600
        and 0 <= args.warmup <= 120
        and 1 <= args.rounds <= 10
    ):
        parser.error("keep it bounded: users 1–500, seconds 1–600, warmup 0–120, rounds 1–10")
    return args


# --- measuring ------------------------------------------------------------------------------------------


def run_load(mode: str, server: Server, args: argparse.Namespace, codes: list[str], database: str) -> dict:
    """Run `bench.load` in its own process; sample CPU use as it opens and closes the window."""
    command = [
        sys.executable,
        "-m",
        "bench.load",
        mode,
        "--base-url",
        server.base_url,
        "--users",
        str(args.users),
        "--warmup",
        str(args.warmup),
        "--seconds",
        str(args.seconds),
        "--think-ms",
        str(args.think_ms),
    ]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    watchdog = threading.Timer(args.warmup + args.seconds + 120, process.kill)  # never hang the run
    watchdog.start()
    try:
        process.stdin.write(json.dumps(codes))
        process.stdin.close()
        client = psutil.Process(process.pid)
        snapshots: dict[str, dict[str, float]] = {}
        result = None
        for line in process.stdout:
            line = line.strip()
            if line in ("window-start", "window-end"):
                snapshots[line] = cpu_snapshot(server, client, database)
            elif line.startswith("{"):
                result = json.loads(line)
        if process.wait(timeout=30) != 0 or result is None:
            raise RuntimeError(f"the load generator failed (exit {process.returncode})")
    finally:
        watchdog.cancel()
        if process.poll() is None:
            process.kill()
            process.wait(timeout=5)
    start, end = snapshots["window-start"], snapshots["window-end"]
    result["cpu_cores"] = {k: (end[k] - start[k]) / args.seconds for k in start}
    return result


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0–100) of the values."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)] if ordered else float("nan")


@dataclass
class Figures:
    """p50, p99 and requests per second of one set of samples."""

    count: int
    p50: float
    p99: float
    rps: float

    @classmethod
    def of(cls, values: list[float], seconds: float) -> Figures:
        """Figures of latencies (ms) collected over `seconds`."""
        return cls(len(values), percentile(values, 50), percentile(values, 99), len(values) / seconds)


def median_figures(rounds: list[Figures]) -> Figures:
    """The median of each figure over the rounds."""
    return Figures(
        int(statistics.median(f.count for f in rounds)),
        statistics.median(f.p50 for f in rounds),
        statistics.median(f.p99 for f in rounds),
        statistics.median(f.rps for f in rounds),
    )


# --- reporting -------------------------------------------------------------------------------------------


def row(label: str, figures: Figures, rps: bool = False) -> str:
    """One table line."""
    rate = f"{figures.rps:9.1f}" if rps else ""
    return f"  {label:<22}{figures.count:>8}{figures.p50:>10.1f}{figures.p99:>10.1f}{rate}"


def report(
    args: argparse.Namespace,
    app_rounds: list[dict],
    bare_rounds: list[dict],
    floor_rounds: dict[str, list[dict]],
    load_before: float,
) -> bool:
    """Print the tables and the verdict; True when every target is met and nothing failed."""
    seconds = args.seconds
    threads = f" × {args.threads} threads" if args.worker_class == "gthread" else ""
    pacing = f"pausing ~{args.think_ms:g} ms after each answer" if args.think_ms else "back to back"
    print(
        f"\nResident API bench — {args.users} users {pacing}, {seconds:g} s window after {args.warmup:g} s "
        f"warm-up, {args.rounds} round(s); medians over rounds"
    )
    print(
        f"gunicorn {args.worker_class}, {args.workers} workers{threads}; PostgreSQL; "
        f"{os.cpu_count()} cores; load average before start {load_before:.2f}"
    )
    header = f"  {'':<22}{'count':>8}{'p50 ms':>10}{'p99 ms':>10}"
    print("\nResident API (per endpoint)\n" + header)
    kinds = [k for k in ORDER if any(k in r["samples"] for r in app_rounds)]
    kinds += sorted({k for r in app_rounds for k in r["samples"]} - set(kinds))
    for kind in kinds:
        print(
            row(kind, median_figures([Figures.of(r["samples"].get(kind, []), seconds) for r in app_rounds]))
        )
    overall = median_figures(
        [Figures.of([v for vs in r["samples"].values() for v in vs], seconds) for r in app_rounds]
    )
    print(header + f"{'req/s':>9}")
    print(row("overall", overall, rps=True))
    sign_in = Figures.of([v for r in app_rounds[:1] for v in r["sign_in"]], seconds)
    print(
        f"  (sign-in, once per user before the window: n={sign_in.count} p50 {sign_in.p50:.1f} ms, p99 {sign_in.p99:.1f} ms)"
    )
    bare = median_figures([Figures.of(r["samples"].get("ping", []), seconds) for r in bare_rounds])
    print("\nBare Flask endpoint, same gunicorn settings\n" + header + f"{'req/s':>9}")
    print(row("GET /ping", bare, rps=True))
    ratio = overall.rps / bare.rps if bare.rps else 0.0
    print(f"\nThroughput ratio (resident API / bare): {ratio:.1%}")
    if floor_rounds:
        print(
            "\nFloors, same load (not the target's measure): how much of the bare endpoint's throughput is left"
            "\nonce a request touches the database at all\n" + header + f"{'req/s':>9}{'ratio':>8}"
        )
        for label, kind in (("bare + one SELECT 1", "ping-db"), ("app GET /resident/me", "me")):
            figures = median_figures([Figures.of(r["samples"].get(kind, []), seconds) for r in floor_rounds[kind]])
            share = figures.rps / bare.rps if bare.rps else 0.0
            print(row(label, figures, rps=True) + f"{share:>8.1%}")
    print("\nCPU in the window: cores busy (ms of CPU per request)")
    cost = {}
    for label, rounds, figures in (("resident API", app_rounds, overall), ("bare", bare_rounds, bare)):
        cores = {k: statistics.median(r["cpu_cores"][k] for r in rounds) for k in rounds[0]["cpu_cores"]}
        other = max(cores["machine"] - cores["server"] - cores["postgres"] - cores["client"], 0.0)
        ms = {
            k: 1000 * cores[k] / figures.rps if figures.rps else math.nan
            for k in ("server", "postgres", "client")
        }
        cost[label] = ms["server"] + ms["postgres"]
        print(
            f"  {label:<13} gunicorn {cores['server']:.2f} ({ms['server']:.2f}), postgres {cores['postgres']:.2f} "
            f"({ms['postgres']:.2f}), load client {cores['client']:.2f} ({ms['client']:.2f}), "
            f"other processes {other:.2f}"
        )
    print(
        f"  server-side CPU per request (gunicorn + postgres): resident API {cost['resident API']:.2f} ms, "
        f"bare {cost['bare']:.2f} ms; ratio {cost['bare'] / cost['resident API']:.1%}"
    )
    measured = app_rounds + bare_rounds + [r for rounds in floor_rounds.values() for r in rounds]
    errors = {k: n for r in measured for k, n in r["errors"].items()}
    if errors:
        print(f"\nFailed requests: {errors}")
        for example in {e for r in measured for e in r["error_examples"]}:
            print(f"  {example}")
    checks = [
        (
            f"p99 {overall.p99:.1f} ms ≤ {P99_TARGET_MS:.0f} ms at {args.users} users {pacing}",
            overall.p99 <= P99_TARGET_MS,
        ),
        ("no failed requests", not errors),
    ]
    if not args.think_ms:  # with pauses both sides run at the users' pace: the ratio would say nothing
        checks.insert(
            1, (f"throughput {ratio:.1%} ≥ {RATIO_TARGET:.0%} of the bare endpoint", ratio >= RATIO_TARGET)
        )
    print()
    for text, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {text}")
    return all(ok for _, ok in checks)


# --- the run ----------------------------------------------------------------------------------------------


def sign_in_codes(standin_base: str, users: int) -> list[str]:
    """One fresh stand-in WeChat user per simulated resident, and a web-authorization code for each."""
    from app.wechat.testing import StandinControl

    control = StandinControl(standin_base)
    try:
        return [control.code_for(control.add_user(nickname=f"压测居民{i}")["openid"]) for i in range(users)]
    finally:
        control.close()


def main(argv: list[str] | None = None) -> int:
    """Set up, measure app and bare endpoint in alternating rounds, report, tear down."""
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so a plain `kill` still runs the teardown
    load_before = os.getloadavg()[0]
    sys.path.insert(0, str(ROOT))
    from app.wechat.standin import create_standin_app, serve_in_thread

    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="doudi-bench-")))
        database_url = stack.enter_context(fresh_database(args.pg_admin_url))
        standin = serve_in_thread(create_standin_app())
        stack.callback(standin.shutdown)
        env = server_environment(database_url, standin.base_url, work)
        database = database_url.rsplit("/", 1)[1]
        print(f"preparing database {database} (migrations + demo seed)…", flush=True)
        run_cli(env, "init-db")
        run_cli(env, "seed-demo")
        app_server = stack.enter_context(gunicorn("wsgi:app", env, args, work, "/readyz"))
        bare_server = stack.enter_context(gunicorn("bench.bare_wsgi:app", env, args, work, "/ping"))
        app_rounds, bare_rounds = [], []
        floor_rounds: dict[str, list[dict]] = {"ping-db": [], "me": []} if args.floors else {}
        for number in range(1, args.rounds + 1):
            print(f"round {number}/{args.rounds}: resident API…", flush=True)
            app_rounds.append(
                run_load("resident", app_server, args, sign_in_codes(standin.base_url, args.users), database)
            )
            print(f"round {number}/{args.rounds}: bare endpoint…", flush=True)
            bare_rounds.append(run_load("bare", bare_server, args, [], database))
            if args.floors:
                print(f"round {number}/{args.rounds}: floors…", flush=True)
                floor_rounds["ping-db"].append(run_load("bare-db", bare_server, args, [], database))
                codes = sign_in_codes(standin.base_url, args.users)
                floor_rounds["me"].append(run_load("me", app_server, args, codes, database))
        passed = report(args, app_rounds, bare_rounds, floor_rounds, load_before)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
