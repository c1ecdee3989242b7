"""The resident API bench's harness: a throw-away database, gunicorn in its own process group, CPU accounting.

Everything here is torn down by its context manager whatever happens inside.
"""

from __future__ import annotations

import argparse
import base64
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil
import psycopg

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent


@contextmanager
def fresh_database(admin_url: str, prefix: str = "doudi_bench") -> Iterator[str]:
    """A new, empty PostgreSQL database for this run; dropped on the way out, whatever happened."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_environment(database_url: str, standin_base: str, var_dir: Path) -> dict[str, str]:
    """Production settings with throw-away keys, pointed at the stand-in and the bench database."""
    from app.wechat.standin import DEFAULT_APPID, DEFAULT_SECRET

    def key() -> str:
        return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()

    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DOUDI_ENV")}
    env.update(
        DOUDI_ENV="production",
        DATABASE_URL=database_url,
        SECRET_KEY=key(),
        DATA_KEYS=f"bench1:{key()}",
        LOOKUP_HASH_KEY=key(),
        WECHAT_API_BASE=f"{standin_base}/api/",
        WECHAT_OPEN_BASE=f"{standin_base}/connect/",
        WECHAT_APPID=DEFAULT_APPID,
        WECHAT_SECRET=DEFAULT_SECRET,
        DOUDI_VAR_DIR=str(var_dir),
        STORAGE_DIR=str(var_dir / "files"),
        PYTHONPATH=str(ROOT),
    )
    return env


def run_cli(env: dict[str, str], *command: str) -> None:
    """`flask --app wsgi doudi …`, failing loudly."""
    done = subprocess.run(
        [str(VENV_BIN / "flask"), "--app", "wsgi", "doudi", *command],
        cwd=ROOT,
        env=env,
        timeout=120,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"flask doudi {' '.join(command)} failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}"
        )


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    """A running gunicorn: its master process and base URL."""

    process: subprocess.Popen
    base_url: str
    log: Path

    def processes(self) -> list[psutil.Process]:
        """The master and its workers."""
        master = psutil.Process(self.process.pid)
        return [master, *master.children(recursive=True)]


def gunicorn_command(target: str, port: int, args: argparse.Namespace) -> list[str]:
    """The one server configuration both the app and the bare endpoint get."""
    command = [
        str(VENV_BIN / "gunicorn"),
        target,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--backlog",
        "2048",
        "--keep-alive",
        "5",
        "--log-level",
        "warning",
    ]
    if args.worker_class == "gthread":
        command += ["--threads", str(args.threads)]
    return command


@contextmanager
def gunicorn(
    target: str, env: dict[str, str], args: argparse.Namespace, log_dir: Path, ready_path: str
) -> Iterator[Server]:
    """Start gunicorn in its own process group, wait until it answers, and always stop it."""
    port = free_port()
    log = log_dir / f"gunicorn-{target.split(':')[0]}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            gunicorn_command(target, port, args),
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(process, f"http://127.0.0.1:{port}", log)
    try:
        wait_until_ready(server, ready_path)
        yield server
    finally:
        stop(process)


def wait_until_ready(server: Server, path: str, timeout: float = 30) -> None:
    """Poll until the server answers 200 on `path`; fail with its log if it dies or takes too long."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited early:\n{server.log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(server.base_url + path, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(
        f"gunicorn did not answer {path} within {timeout:.0f} s:\n{server.log.read_text()[-3000:]}"
    )


def stop(process: subprocess.Popen) -> None:
    """SIGTERM the process group we started (gunicorn stops its workers), SIGKILL it if it lingers."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
        except ProcessLookupError:
            pass


# --- CPU accounting ---------------------------------------------------------------------------------


def cpu_seconds(processes: list[psutil.Process]) -> float:
    """User + system CPU seconds these processes have used so far (ones that vanished count as 0)."""
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
            total += times.user + times.system
        except psutil.Error:
            pass
    return total


def postgres_backends(database: str) -> list[psutil.Process]:
    """The PostgreSQL backends serving `database` (their process title names it); other databases on the
    shared server, and its background writers, are left to "other processes"."""
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        title = " ".join(process.info["cmdline"] or [])
        if process.info["name"] in ("postgres", "postmaster") and f" {database} " in f"{title} ":
            found.append(process)
    return found


def cpu_snapshot(server: Server, client: psutil.Process, database: str) -> dict[str, float]:
    """CPU seconds used so far by the server, its PostgreSQL backends, the client and the whole machine."""
    machine = psutil.cpu_times()
    busy = sum(machine) - machine.idle - getattr(machine, "iowait", 0.0) - getattr(machine, "steal", 0.0)
    return {
        "server": cpu_seconds(server.processes()),
        "postgres": cpu_seconds(postgres_backends(database)),
        "client": cpu_seconds([client]),
        "machine": busy,
    }
