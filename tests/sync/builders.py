"""Factories for ops and small histories used by the unit tests of `sync`."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

from sync.hlc import format_hlc
from sync.merge import ApplyResult, apply_op

T0 = 1_750_000_000_000
HOUR_MS = 3_600_000
MergeFunction = Callable[[Any, Any], tuple[dict[str, Any], ApplyResult]]


def make_op(
    device: str,
    seq: int,
    fields: dict[str, Any] | None = None,
    *,
    seen: dict[str, int] | None = None,
    op_type: str = "upsert",
    ms: int | None = None,
    user_id: str | None = None,
    record_id: str = "household-1",
) -> dict[str, Any]:
    """An op by `device`, its `seq`-th; by default stamped one second per seq after T0."""
    return {
        "op_id": f"{device}-{seq}",
        "device_id": device,
        "device_seq": seq,
        "entity": "household",
        "record_id": record_id,
        "hlc": format_hlc(T0 + seq * 1000 if ms is None else ms, 0, device),
        "base_version": dict(seen or {}),
        "type": op_type,
        "fields": dict(fields or {}),
        "user_id": user_id,
    }


def apply_all(ops: list[dict[str, Any]], merge: MergeFunction = apply_op) -> tuple[Any, list[ApplyResult]]:
    """Fold `ops` into a fresh record in the given order."""
    state = None
    results = []
    for op in ops:
        state, result = merge(state, op)
        results.append(result)
    return state, results


def device_order_interleavings(ops: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """Every ordering of `ops` that keeps each device's ops in their listed order."""
    for order in set(itertools.permutations(range(len(ops)))):
        arranged = [ops[i] for i in order]
        positions = {}
        consistent = True
        for op in arranged:
            if positions.get(op["device_id"], 0) > op["device_seq"]:
                consistent = False
                break
            positions[op["device_id"]] = op["device_seq"]
        if consistent:
            yield arranged


def candidate_values(state: dict[str, Any], field_name: str) -> list[Any]:
    """The values kept for one field, lowest (hlc, device, op) first."""
    return [write["value"] for write in state["fields"][field_name]["writes"]]
