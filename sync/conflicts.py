"""What a reviewer sees of a record's conflicts: every candidate, who wrote it, when, and the default."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sync.merge import HARD, SOFT, lifecycle_default, register_conflict_kind
from sync.ops import DELETED_FIELD


def _candidate(write: Mapping[str, Any], default_op_id: str | None) -> dict[str, Any]:
    return {
        "value": write["value"],
        "device_id": write["device_id"],
        "user_id": write.get("user_id"),
        "hlc": write["hlc"],
        "op_id": write["op_id"],
        "is_default": write["op_id"] == default_op_id,
    }


def _describe_register(name: str, kind: str, writes: list[dict[str, Any]], default: Any) -> dict[str, Any]:
    default_op_id = next((w["op_id"] for w in reversed(writes) if w["value"] == default), None)
    return {
        "field": name,
        "kind": kind,
        "default": default,
        "candidates": [_candidate(write, default_op_id) for write in reversed(writes)],
    }


def describe_conflicts(state: Mapping[str, Any], include_soft: bool = False) -> list[dict[str, Any]]:
    """Per conflicted field (and `_deleted` for delete-versus-edit), every candidate, newest first.

    The default of a field is the candidate with the highest (hlc, device_id, op_id); the default
    of `_deleted` is "alive" whenever any edit survived the delete (update-wins).
    """
    kinds = (HARD, SOFT) if include_soft else (HARD,)
    described = []
    for name in sorted(state["fields"]):
        writes = state["fields"][name]["writes"]
        kind = register_conflict_kind(state["fields"][name])
        if kind in kinds:
            described.append(_describe_register(name, kind, writes, writes[-1]["value"]))
    if register_conflict_kind(state["lifecycle"]) == HARD:
        writes = state["lifecycle"]["writes"]
        described.append(_describe_register(DELETED_FIELD, HARD, writes, lifecycle_default(state)))
    return described
