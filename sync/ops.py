"""The shape of an op, its validation, and the orderings the merge uses.

An op is plain JSON:

    {"op_id": "0190f1c2-...", "device_id": "dev-a", "device_seq": 7,
     "hlc": "1718000000000:00000:dev-a", "base_version": {"dev-a": 6, "office": 3},
     "type": "upsert", "fields": {"head_name": "张三"}, "user_id": "u-17"}

`base_version` is the version vector of the record as the device last saw it (the `version` of
the state it pulled, joined with its own ops on the record). Other keys (entity, record_id,
attachments) belong to the server and are ignored here. Validation returns every problem at once
so that the server can quarantine the op with a full explanation.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from sync.hlc import InvalidHlcError, parse_hlc
from sync.versions import VersionVector, join_versions

UPSERT = "upsert"
DELETE = "delete"
OP_TYPES = (UPSERT, DELETE)
# The lifecycle register is reported under this name; no data field may use it.
DELETED_FIELD = "_deleted"


class InvalidOpError(ValueError):
    """An op is malformed; `errors` lists every problem found."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_json_value(value: Any) -> bool:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return not (isinstance(value, float) and not math.isfinite(value))


def _base_errors(op: Mapping[str, Any]) -> list[str]:
    base = op.get("base_version")
    if not isinstance(base, dict):
        return ["base_version must be an object {device_id: device_seq}"]
    errors = [
        f"base_version[{device_id!r}] must be a non-negative integer"
        for device_id, seq in base.items()
        if not isinstance(device_id, str) or not _is_int(seq) or seq < 0
    ]
    device_id, device_seq = op.get("device_id"), op.get("device_seq")
    own = base.get(device_id, 0) if isinstance(device_id, str) else 0
    # A base that claims the op's own dot would make the op supersede itself and vanish.
    if not errors and _is_int(device_seq) and _is_int(own) and own >= device_seq:
        errors.append("base_version must not include the op itself or later ops of its device")
    return errors


def _fields_errors(op: Mapping[str, Any]) -> list[str]:
    fields = op.get("fields", {})
    if not isinstance(fields, dict):
        return ["fields must be an object"]
    if op.get("type") == DELETE and fields:
        return ["a delete carries no fields"]
    errors = []
    for name, value in fields.items():
        if not isinstance(name, str) or not name:
            errors.append(f"field name {name!r} must be a non-empty string")
        elif name == DELETED_FIELD:
            errors.append(f"field name {DELETED_FIELD!r} is reserved")
        elif not _is_json_value(value):
            errors.append(f"field {name!r} holds a value that is not JSON")
    return errors


def validate_op(op: Any) -> list[str]:
    """Every problem that stops `op` from being merged; empty when it is valid."""
    if not isinstance(op, dict):
        return ["op must be an object"]
    errors = []
    for key in ("op_id", "device_id"):
        if not isinstance(op.get(key), str) or not op.get(key):
            errors.append(f"{key} must be a non-empty string")
    if not _is_int(op.get("device_seq")) or op["device_seq"] < 1:
        errors.append("device_seq must be a positive integer")
    if op.get("type") not in OP_TYPES:
        errors.append(f"type must be one of {', '.join(OP_TYPES)}")
    try:
        stamp = parse_hlc(op.get("hlc"))  # type: ignore[arg-type]
    except InvalidHlcError as error:
        errors.append(str(error))
    else:
        if stamp.device_id != op.get("device_id"):
            errors.append("hlc must end with the op's device_id")
    user_id = op.get("user_id")
    if user_id is not None and not isinstance(user_id, str):
        errors.append("user_id must be a string when given")
    return errors + _base_errors(op) + _fields_errors(op)


def effective_base(op: Mapping[str, Any]) -> VersionVector:
    """What the op had seen: its base_version plus every earlier op of its own device."""
    own_history = {op["device_id"]: op["device_seq"] - 1}
    return join_versions(op["base_version"], own_history)


def write_order_key(write: Mapping[str, Any]) -> tuple[str, str, str]:
    """The deterministic default among siblings is the write with the highest of this key."""
    return (write["hlc"], write["device_id"], write["op_id"])


def canonical_value(value: Any) -> str:
    """A stable text form, so that `1`, `1.0` and `true` count as different values."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
