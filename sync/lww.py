"""Plain last-write-wins, kept ONLY so the tests can show that it breaks the guarantees.

Each field keeps the single write with the highest (hlc, device_id, op_id), whatever the writer
had seen; a concurrent write with a lower clock silently disappears, and so does an edit made
after seeing a value when the editing device's clock was behind. Never use this for data. It
produces states of the same shape as `sync.merge`, so the same checks run on both.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sync.merge import (
    ALIVE,
    DELETED,
    DUPLICATE,
    ApplyResult,
    checked_copy,
    conflicts_touching,
    is_duplicate,
    make_write,
    new_register,
    record_applied,
)
from sync.ops import DELETE, write_order_key


def _overwrite_if_later(register: dict[str, Any], write: dict[str, Any]) -> None:
    current = register["writes"]
    if not current or write_order_key(write) > write_order_key(current[-1]):
        register["writes"] = [write]


def apply_op_lww(
    state: Mapping[str, Any] | None, op: Mapping[str, Any]
) -> tuple[dict[str, Any], ApplyResult]:
    """Merge by last-write-wins on hlc (the broken baseline); same signature as `apply_op`."""
    merged = checked_copy(state, op)
    if is_duplicate(merged, op):
        return merged, ApplyResult(DUPLICATE, merged["record_version"], conflicts_touching(merged, op))
    _overwrite_if_later(merged["lifecycle"], make_write(op, DELETED if op["type"] == DELETE else ALIVE))
    for name, value in (op.get("fields") or {}).items():
        _overwrite_if_later(merged["fields"].setdefault(name, new_register()), make_write(op, value))
    return merged, record_applied(merged, op)
