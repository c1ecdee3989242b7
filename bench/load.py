"""The load generator of the resident API bench, run in its own process so it has its own interpreter.

    python -m bench.load resident|me|bare|bare-db --base-url URL --users N --warmup S --seconds S [--think-ms MS] < codes.json

Simulated users are asyncio tasks on one event loop (aiohttp, one keep-alive session each, as one phone
each). Residents sign in once with the WeChat code they were given on stdin, then loop through a whole
application until the time is up; the bare users loop on GET /ping. Two yardsticks show the floors under
the journey: `me` users sign in and then loop on GET /api/resident/me (the app's token check and one small
read), `bare-db` users loop on the bare app's GET /ping-db (one `SELECT 1`, no ORM). With --think-ms each user pauses
about that long (0.5–1.5×, seeded) after every answer, as a person reading and typing on a phone; 0 sends
back to back, which measures capacity. Each request's latency is recorded
by kind; only requests started inside the measuring window (after the warm-up) count. The process prints
`window-start` and `window-end` lines as the window opens and closes (the parent samples CPU then) and
finally one JSON line with the samples.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from datetime import date, timedelta
from typing import Any

import aiohttp

from app.domain.id_numbers import check_character

APPLICATIONS = "/api/resident/applications"
REGION = "341602"  # the demo county
VILLAGE = "341602100201"  # 东关社区, a village-level area of the demo data
MAX_ERROR_EXAMPLES = 5


class UnexpectedStatus(Exception):
    """A step of the journey answered with another status than the happy path's."""


def id_number(serial: int, born_from: date) -> str:
    """A checksum-valid ID number, distinct for each serial (999 sequence numbers per birth day)."""
    birth = born_from + timedelta(days=serial // 999)
    body = f"{REGION}{birth:%Y%m%d}{serial % 999 + 1:03d}"
    return body + check_character(body)


class Recorder:
    """Per-kind latencies of requests started inside the window, and failures by kind."""

    def __init__(self, window_start: float, window_end: float) -> None:
        self.window_start, self.window_end = window_start, window_end
        self.samples: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.examples: list[str] = []

    def add(self, kind: str, started: float, ended: float, ok: bool, detail: str = "") -> None:
        """Keep one request's latency (milliseconds) if it started inside the window (sign-ins always)."""
        if kind != "sign_in" and not self.window_start <= started < self.window_end:
            return
        if ok:
            self.samples.setdefault(kind, []).append((ended - started) * 1000)
        else:
            self.errors[kind] = self.errors.get(kind, 0) + 1
            if len(self.examples) < MAX_ERROR_EXAMPLES:
                self.examples.append(f"{kind}: {detail}")


class Client:
    """One simulated phone: a keep-alive session and the recorder it reports to."""

    def __init__(
        self, session: aiohttp.ClientSession, base_url: str, recorder: Recorder, think: float, seed: int
    ) -> None:
        self.session, self.base_url, self.recorder = session, base_url, recorder
        self.headers: dict[str, str] = {}
        self.think, self.random = think, random.Random(seed)

    async def call(self, kind: str, method: str, path: str, expect: int, body: Any = None) -> bytes:
        """One timed request; raises UnexpectedStatus (after recording it) on any other status."""
        started = time.perf_counter()
        async with self.session.request(
            method, self.base_url + path, json=body, headers=self.headers
        ) as response:
            payload = await response.read()
        ended = time.perf_counter()
        ok = response.status == expect
        self.recorder.add(
            kind, started, ended, ok, f"{response.status} {payload[:200].decode(errors='replace')}"
        )
        if not ok:
            raise UnexpectedStatus(kind)
        if self.think:
            await asyncio.sleep(self.think * self.random.uniform(0.5, 1.5))
        return payload


async def sign_in(client: Client, code: str) -> None:
    """Exchange the WeChat code for a session; the client sends its token from then on."""
    signed_in = json.loads(
        await client.call("sign_in", "POST", "/api/resident/auth/wechat", 200, {"code": code})
    )
    client.headers = {"Authorization": f"Bearer {signed_in['token']}"}


async def resident(client: Client, code: str, user: int, users: int, stop_at: float) -> None:
    """Sign in once, then draft → parts → submit → detail → withdraw, again and again until stop_at."""
    await sign_in(client, code)
    iteration = 0
    while time.perf_counter() < stop_at:
        serial = iteration * users + user
        iteration += 1
        try:
            await application_journey(client, serial)
        except UnexpectedStatus:
            continue  # recorded already; the next round uses fresh ID numbers, so no duplicate follows


def journey_parts(serial: int) -> list[tuple[str, dict[str, Any]]]:
    """The parts of one application as the H5 pages save them, in order (distinct ID numbers per serial)."""
    return [
        (
            "applicant",
            {
                "name": "王秀英",
                "id_number": id_number(serial, date(1950, 1, 1)),
                "phone": "13800138000",
                "area_code": VILLAGE,
                "household_type": "urban",
                "work_capacity": "partial",
                "registered_address": "城关镇东关社区东大街12号",
                "current_address": "城关镇东关社区东大街12号",
            },
        ),
        (
            "members",
            {
                "members": [
                    {"name": "李小明", "id_number": id_number(serial, date(2005, 1, 1)), "relation": "child"},
                ]
            },
        ),
        ("income", {"items": [{"category": "pension", "amount": "300.00", "period": "monthly"}]}),
        ("bank", {"bank_name": "农村商业银行", "account": "6222020200112233445", "holder": "王秀英"}),
        ("reason", {"reason": "丈夫去世，本人患慢性病，孩子上学，生活困难"}),
        ("consent", {"consent_to_verification": True}),
    ]


WITHDRAW_BODY = {"reason": "压测：撤回以便下一轮"}


async def application_journey(client: Client, serial: int) -> None:
    """One whole application, as the H5 pages send it, step by step."""
    created = json.loads(await client.call("create", "POST", APPLICATIONS, 201, {"program": "dibao"}))
    base = f"{APPLICATIONS}/{created['id']}"
    for part, body in journey_parts(serial):
        await client.call(part, "PUT", f"{base}/{part}", 200, body)
    await client.call("submit", "POST", f"{base}/submit", 200)
    await client.call("detail", "GET", base, 200)
    await client.call("withdraw", "POST", f"{base}/withdraw", 200, WITHDRAW_BODY)


async def loop_on(client: Client, kind: str, path: str, stop_at: float) -> None:
    """GET `path` until stop_at."""
    while time.perf_counter() < stop_at:
        try:
            await client.call(kind, "GET", path, 200)
        except UnexpectedStatus:
            continue


async def signed_in_loop(client: Client, code: str, stop_at: float) -> None:
    """Sign in, then GET /api/resident/me until stop_at."""
    await sign_in(client, code)
    await loop_on(client, "me", "/api/resident/me", stop_at)


async def announce(at: float, line: str) -> None:
    """Print a marker line when the clock reaches `at` (the parent samples CPU use on it)."""
    await asyncio.sleep(max(0.0, at - time.perf_counter()))
    print(line, flush=True)


async def run(
    mode: str, base_url: str, users: int, warmup: float, seconds: float, codes: list[str], think: float = 0.0
) -> dict:
    """Drive `users` simulated users and return the samples of the measuring window."""
    start = time.perf_counter()
    window_start = start + warmup
    window_end = window_start + seconds
    recorder = Recorder(window_start, window_end)
    timeout = aiohttp.ClientTimeout(total=60)
    sessions = [
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1), timeout=timeout) for _ in range(users)
    ]
    try:
        clients = [Client(s, base_url, recorder, think, seed) for seed, s in enumerate(sessions)]
        if mode == "resident":
            tasks = [resident(c, codes[i], i, users, window_end) for i, c in enumerate(clients)]
        elif mode == "me":
            tasks = [signed_in_loop(c, codes[i], window_end) for i, c in enumerate(clients)]
        elif mode == "bare-db":
            tasks = [loop_on(c, "ping-db", "/ping-db", window_end) for c in clients]
        else:
            tasks = [loop_on(c, "ping", "/ping", window_end) for c in clients]
        markers = [announce(window_start, "window-start"), announce(window_end, "window-end")]
        await asyncio.gather(*tasks, *markers)
    finally:
        await asyncio.gather(*(s.close() for s in sessions))
    return {
        "sign_in": recorder.samples.pop("sign_in", []),
        "samples": recorder.samples,
        "errors": recorder.errors,
        "error_examples": recorder.examples,
        "seconds": seconds,
    }


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, read the sign-in codes (JSON list) from stdin, run, print the JSON result."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["resident", "me", "bare", "bare-db"])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--users", type=int, required=True)
    parser.add_argument("--warmup", type=float, required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--think-ms", type=float, default=0.0)
    args = parser.parse_args(argv)
    codes = json.loads(sys.stdin.read() or "[]")
    if args.mode in ("resident", "me") and len(codes) < args.users:
        parser.error("resident and me modes need one WeChat code per user on stdin")
    result = asyncio.run(
        run(args.mode, args.base_url, args.users, args.warmup, args.seconds, codes, args.think_ms / 1000)
    )
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
