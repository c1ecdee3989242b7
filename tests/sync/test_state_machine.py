"""The sync state machine against the in-memory reference server, with the real merge and with LWW.

By default 200 generated runs of up to 50 steps (a few seconds). `SYNC_EXAMPLES` and `SYNC_STEPS`
raise that for a soak; `SYNC_EXAMPLES=5000` took about 80 s on 2 cores:
`SYNC_EXAMPLES=5000 .venv/bin/python -m pytest tests/sync/test_state_machine.py`.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from sync.lww import apply_op_lww
from sync.memory_server import InMemorySyncServer
from tests.sync.machine import sync_machine_for

EXAMPLES = int(os.environ.get("SYNC_EXAMPLES", "200"))
STEPS = int(os.environ.get("SYNC_STEPS", "50"))


def merge_server(now_ms: Callable[[], int]) -> InMemorySyncServer:
    """The reference server with the multi-value-register merge."""
    return InMemorySyncServer(now_ms)


def last_write_wins_server(now_ms: Callable[[], int]) -> InMemorySyncServer:
    """The same server with the broken last-write-wins merge."""
    return InMemorySyncServer(now_ms, merge=apply_op_lww)


def test_guarantees_hold_through_offline_edits_retries_and_any_interleaving() -> None:
    run_state_machine_as_test(
        sync_machine_for(merge_server, "MergeSyncMachine"),
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )


def test_last_write_wins_loses_concurrent_edits() -> None:
    # Derandomized and without shrinking: the point is that a counterexample exists, found fast
    # and the same way on every run.
    with pytest.raises(AssertionError, match="guarantee 1"):
        run_state_machine_as_test(
            sync_machine_for(last_write_wins_server, "LastWriteWinsSyncMachine"),
            settings=settings(
                max_examples=200,
                stateful_step_count=STEPS,
                deadline=None,
                derandomize=True,
                database=None,
                phases=[Phase.generate],
                report_multiple_bugs=False,
                suppress_health_check=[HealthCheck.too_slow],
            ),
        )
