"""The protocol's guarantees as checks over a set of accepted ops and the server's record states.

The expected outcome is computed here from first principles, independently of `sync.merge`:
write w of a field is superseded exactly when another accepted op that wrote the same field had
seen it, where "had seen" means its base_version names w's dot or it is a later op of w's device.
Every assertion message starts with the guarantee it checks, so a failure names what broke.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sync.conflicts import describe_conflicts
from tests.sync.devices import RecordKey, SyncServerAdapter

DELETED_FIELD = "_deleted"


def had_seen(later: dict[str, Any], earlier: dict[str, Any]) -> bool:
    """True when op `later` was made by someone who knew op `earlier`."""
    if later["device_id"] == earlier["device_id"]:
        return later["device_seq"] > earlier["device_seq"]
    return later["base_version"].get(earlier["device_id"], 0) >= earlier["device_seq"]


def _order_key(write: dict[str, Any]) -> tuple[str, str, str]:
    return (write["hlc"], write["device_id"], write["op_id"])


def _same(a: Any, b: Any) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def read_all_states(server: SyncServerAdapter, observer_id: str, page_size: int = 50) -> dict[RecordKey, Any]:
    """Every record's state, by pulling from the start as `observer_id`."""
    states: dict[RecordKey, Any] = {}
    cursor = None
    while True:
        response = server.pull(observer_id, cursor, page_size)
        assert response["status"] == 200, response
        for change in response["changes"]:
            states[(change["entity"], change["record_id"])] = change["state"]
        cursor = response["next_cursor"]
        if not response["has_more"]:
            return states


def _check_register(
    where: str, writers: list[dict[str, Any]], value_of: Any, register: dict[str, Any]
) -> None:
    kept = {write["op_id"] for write in register["writes"]}
    for op in writers:
        superseded = any(had_seen(other, op) for other in writers)
        assert op["op_id"] in kept or superseded, (
            f"guarantee 1 (nothing accepted is lost): {where}: write {value_of(op)!r} of op {op['op_id']} "
            f"by {op['device_id']} at {op['hlc']} is neither kept nor superseded by a write that had seen it"
        )
    expected = {op["op_id"] for op in writers if not any(had_seen(other, op) for other in writers)}
    assert kept == expected, (
        f"guarantee 4 (concurrent edits keep every value): {where}: kept {sorted(kept)}, "
        f"the concurrent (unsuperseded) writes are {sorted(expected)}"
    )
    ordered = sorted(register["writes"], key=_order_key)
    assert register["writes"] == ordered, f"guarantee 4: {where}: siblings not in deterministic order"


def check_records(accepted_ops: Iterable[dict[str, Any]], states: dict[RecordKey, Any]) -> None:
    """Guarantees 1 and 4 for every record: each write kept or knowingly superseded, defaults determined."""
    by_record: dict[RecordKey, list[dict[str, Any]]] = defaultdict(list)
    for op in accepted_ops:
        by_record[(op["entity"], op["record_id"])].append(op)
    assert set(states) == set(by_record), "guarantee 1: records missing from or unknown to the server"
    for key, ops in by_record.items():
        state = states[key]
        field_names = sorted({name for op in ops for name in op["fields"]})
        for name in field_names:
            writers = [op for op in ops if op["type"] == "upsert" and name in op["fields"]]
            register = state["fields"].get(name, {"writes": []})
            _check_register(f"{key[1]}.{name}", writers, lambda op, name=name: op["fields"][name], register)
        _check_register(f"{key[1]}.{DELETED_FIELD}", ops, lambda op: op["type"], state["lifecycle"])
        _check_defaults(key, state)
        assert state["record_version"] == len(ops), (
            f"guarantee 2 (retries are harmless): {key[1]} counts {state['record_version']} ops, "
            f"{len(ops)} distinct ops were accepted"
        )


def _check_defaults(key: RecordKey, state: dict[str, Any]) -> None:
    lifecycle = [write["value"] for write in state["lifecycle"]["writes"]]
    expect_deleted = bool(lifecycle) and all(value == "deleted" for value in lifecycle)
    assert state["deleted"] == expect_deleted, f"guarantee 4: {key[1]}: a delete beat an edit it had not seen"
    described = {conflict["field"]: conflict for conflict in describe_conflicts(state)}
    for name, register in state["fields"].items():
        writes = register["writes"]
        distinct = {json.dumps(write["value"], sort_keys=True) for write in writes}
        assert (name in described) == (len(distinct) > 1), (
            f"guarantee 4: {key[1]}.{name}: conflict not surfaced"
        )
        if name in described:
            default = max(writes, key=_order_key)["value"]
            assert _same(described[name]["default"], default), f"guarantee 4: {key[1]}.{name}: wrong default"
            shown = sorted(json.dumps(c["value"], sort_keys=True) for c in described[name]["candidates"])
            assert shown == sorted(json.dumps(w["value"], sort_keys=True) for w in writes)
    has_delete_conflict = len(set(lifecycle)) > 1
    assert (DELETED_FIELD in described) == has_delete_conflict, (
        f"guarantee 4: {key[1]}: delete conflict hidden"
    )


def causal_batches(ops: list[dict[str, Any]], rng: random.Random) -> list[tuple[str, list[dict[str, Any]]]]:
    """A random arrival order that keeps each device's order and never sends an op before its base."""
    queues = {
        device: sorted((op for op in ops if op["device_id"] == device), key=lambda op: op["device_seq"])
        for device in sorted({op["device_id"] for op in ops})
    }
    delivered = dict.fromkeys(queues, 0)

    def ready(device: str) -> bool:
        queue = queues[device]
        if not queue:
            return False
        base = queue[0]["base_version"]
        return all(delivered.get(other, 0) >= seq for other, seq in base.items() if other != device)

    batches: list[tuple[str, list[dict[str, Any]]]] = []
    while any(queues.values()):
        candidates = [device for device in queues if ready(device)]
        assert candidates, "the accepted ops have a causal cycle"
        device = rng.choice(candidates)
        batch = []
        for _ in range(rng.randint(1, 4)):
            if not ready(device):
                break
            op = queues[device].pop(0)
            delivered[device] = op["device_seq"]
            batch.append(op)
        batches.append((device, batch))
    return batches
