"""The per-field multi-value-register merge of one record.

A record state is plain JSON, stored as it is in a JSON column:

    {"version": {"dev-a": 7, "office": 3},      # dots of every op applied: {device_id: max device_seq}
     "record_version": 4,                       # how many distinct ops have been applied
     "deleted": false,                          # derived from the lifecycle register
     "open_conflicts": ["head_name"],           # derived: fields whose siblings hold different values
     "lifecycle": {"seen": {...}, "writes": [{"value": "alive", ...}]},
     "fields": {"head_name": {"seen": {"dev-a": 6, "office": 2},
                              "writes": [{"value": "张三", "hlc": "...", "device_id": "dev-a",
                                          "op_id": "...", "device_seq": 7, "user_id": null},
                                         {"value": "张山", ...}]}}}

How "seen" is represented, and why the result does not depend on arrival order
-------------------------------------------------------------------------------
Every op is named by its dot `(device_id, device_seq)` and carries `base_version`, the version
vector of the record as its device knew it. Its *effective base* adds the device's own earlier
ops, because a device has always seen what it wrote itself. "Op o had seen write w" means the
effective base of o covers the dot of w. Nothing refers to server-assigned numbers, so the
meaning of an op is the same whichever order ops reach the server.

Each field is a register `{"seen", "writes"}`:
- `seen` is the join (pointwise max) of the effective bases of all ops that wrote the field;
- `writes` holds every write to the field whose dot `seen` does not cover, sorted by
  `(hlc, device_id, op_id)`; the last one is the displayed default.

So a register is a pure function of the *set* of ops applied: `seen` is a max over the set, and
a write survives exactly when no op in the set that wrote the field had seen it (the pointwise
max covers a dot precisely when some single base covers it). A set does not remember the order
its elements arrived in, hence guarantee 3 for any arrival order, causal or not, as long as each
device's own ops arrive in `device_seq` order. The same order is what makes duplicate detection
a single comparison: an op whose dot `version` already covers has been applied, and re-applying
it returns the state unchanged (guarantee 2). A write is only ever removed because an op that had
seen it wrote the same field (guarantee 1); concurrent writes all stay, equal values as a soft
conflict and different values as a hard one (guarantee 4).

Deletes are update-wins through a lifecycle register written by every op: an upsert writes
"alive", a delete writes "deleted". The record is deleted only when every surviving lifecycle
write is a delete, i.e. no edit exists that the deletes had not seen. A delete leaves the field
registers untouched, so a reviewer who restores a record gets all of it back. A reviewer resolves
any conflict with an ordinary op whose base is the record's `version`: it has seen every sibling.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sync.ops import (
    DELETE,
    DELETED_FIELD,
    InvalidOpError,
    canonical_value,
    effective_base,
    validate_op,
    write_order_key,
)
from sync.versions import VersionVector, covers, join_versions

ALIVE = "alive"
DELETED = "deleted"
APPLIED = "applied"
DUPLICATE = "duplicate"
HARD = "hard"
SOFT = "soft"


@dataclass(frozen=True)
class ApplyResult:
    """What applying one op did: `applied` or `duplicate`, the record version, conflicts it touches."""

    status: str
    record_version: int
    conflicts: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form returned to the device."""
        return {
            "status": self.status,
            "record_version": self.record_version,
            "conflicts": [dict(conflict) for conflict in self.conflicts],
        }


def new_record_state() -> dict[str, Any]:
    """The state of a record no op has touched yet."""
    return {
        "version": {},
        "record_version": 0,
        "deleted": False,
        "open_conflicts": [],
        "lifecycle": new_register(),
        "fields": {},
    }


def new_register() -> dict[str, Any]:
    """An empty multi-value register."""
    return {"seen": {}, "writes": []}


def make_write(op: Mapping[str, Any], value: Any) -> dict[str, Any]:
    """One candidate write of `value` by `op`, carrying who and when for reviewers."""
    return {
        "value": value,
        "hlc": op["hlc"],
        "device_id": op["device_id"],
        "op_id": op["op_id"],
        "device_seq": op["device_seq"],
        "user_id": op.get("user_id"),
    }


def write_register(register: dict[str, Any], base: VersionVector, write: dict[str, Any]) -> None:
    """Merge one write into a register in place: drop what `base` had seen, keep the rest."""
    register["seen"] = join_versions(register["seen"], base)
    seen = register["seen"]
    survivors = [w for w in register["writes"] if not covers(seen, w["device_id"], w["device_seq"])]
    # A write arriving after an op that had already seen it is superseded on arrival.
    if not covers(seen, write["device_id"], write["device_seq"]):
        survivors.append(write)
    survivors.sort(key=write_order_key)
    register["writes"] = survivors


def register_conflict_kind(register: Mapping[str, Any]) -> str | None:
    """`hard` for siblings with different values, `soft` for equal ones, None for a single write."""
    writes = register["writes"]
    if len(writes) < 2:
        return None
    distinct = {canonical_value(write["value"]) for write in writes}
    return HARD if len(distinct) > 1 else SOFT


def lifecycle_default(state: Mapping[str, Any]) -> str:
    """Update-wins: the record is alive unless every surviving lifecycle write is a delete."""
    writes = state["lifecycle"]["writes"]
    if writes and all(write["value"] == DELETED for write in writes):
        return DELETED
    return ALIVE


def refresh_derived(state: dict[str, Any]) -> None:
    """Recompute the flags derived from the registers (`deleted`, `open_conflicts`) in place."""
    state["deleted"] = lifecycle_default(state) == DELETED
    hard = [name for name, register in state["fields"].items() if register_conflict_kind(register) == HARD]
    if register_conflict_kind(state["lifecycle"]) == HARD:
        hard.append(DELETED_FIELD)
    state["open_conflicts"] = sorted(hard)


def conflicts_touching(state: Mapping[str, Any], op: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Conflicts on the fields `op` wrote, plus a delete-versus-edit conflict on the record."""
    conflicts = []
    for name in sorted(op.get("fields") or {}):
        register = state["fields"].get(name)
        kind = register_conflict_kind(register) if register else None
        if kind:
            conflicts.append({"field": name, "kind": kind, "candidates": len(register["writes"])})
    if register_conflict_kind(state["lifecycle"]) == HARD:
        writes = state["lifecycle"]["writes"]
        conflicts.append({"field": DELETED_FIELD, "kind": HARD, "candidates": len(writes)})
    return conflicts


def is_duplicate(state: Mapping[str, Any] | None, op: Mapping[str, Any]) -> bool:
    """True when `op` has already been applied to `state` (its dot is in the record's version)."""
    return state is not None and covers(state["version"], op["device_id"], op["device_seq"])


def checked_copy(state: Mapping[str, Any] | None, op: Any, in_place: bool = False) -> dict[str, Any]:
    """Validate `op` and return a private copy of `state` to merge it into (or `state` itself, if in place)."""
    errors = validate_op(op)
    if errors:
        raise InvalidOpError(errors)
    if state is None:
        return new_record_state()
    return state if in_place and isinstance(state, dict) else copy.deepcopy(dict(state))


def record_applied(state: dict[str, Any], op: Mapping[str, Any]) -> ApplyResult:
    """Book-keeping shared by every merge: add the op's dot, count it, refresh the flags."""
    state["version"] = join_versions(state["version"], {op["device_id"]: op["device_seq"]})
    state["record_version"] += 1
    refresh_derived(state)
    return ApplyResult(APPLIED, state["record_version"], conflicts_touching(state, op))


def apply_op(
    state: Mapping[str, Any] | None, op: Mapping[str, Any], *, in_place: bool = False
) -> tuple[dict[str, Any], ApplyResult]:
    """Merge one op into a record state; returns the new state and what happened. Pure by default.

    With `in_place=True` the given state (a dict the caller owns, e.g. just parsed from storage) is
    updated and returned instead of a deep copy: the same result, without copying large states.
    """
    merged = checked_copy(state, op, in_place)
    if is_duplicate(merged, op):
        return merged, ApplyResult(DUPLICATE, merged["record_version"], conflicts_touching(merged, op))
    base = effective_base(op)
    lifecycle_value = DELETED if op["type"] == DELETE else ALIVE
    write_register(merged["lifecycle"], base, make_write(op, lifecycle_value))
    for name, value in (op.get("fields") or {}).items():
        register = merged["fields"].setdefault(name, new_register())
        write_register(register, base, make_write(op, value))
    return merged, record_applied(merged, op)


def displayed_values(state: Mapping[str, Any]) -> dict[str, Any]:
    """The value shown for each field: the sibling with the highest (hlc, device_id, op_id)."""
    return {
        name: register["writes"][-1]["value"]
        for name, register in state["fields"].items()
        if register["writes"]
    }


def has_open_conflicts(state: Mapping[str, Any]) -> bool:
    """True when a reviewer has something to decide on this record."""
    return bool(state["open_conflicts"])
