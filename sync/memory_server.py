"""A reference sync server held in memory: the push and pull rules of the protocol, without I/O.

It is the executable specification the HTTP service follows, and the server the property tests
drive. What it does, and what a database-backed server must do the same way:

- Devices register once and number their ops 1, 2, 3 ... (`device_seq`). A batch whose new ops do
  not continue that numbering exactly is refused whole with 409 and `expected_device_seq`.
- A known `op_id` replays its stored result with status `duplicate`, inside a batch or across
  batches; the same `op_id` with a different payload is refused with 422.
- A batch is one transaction: it is checked completely before anything is applied.
- An invalid op is quarantined (status `quarantined`, 200) and consumes its `device_seq`, so one
  bad op cannot block a device's queue; reviewers see it in `quarantine`.
- An hlc far ahead of the server clock is clamped and flagged; the accepted op keeps the clamped
  stamp, so replaying accepted ops yields the same state wherever they are replayed.
- Every change takes the next number from one counter, so `seq > cursor` never skips a change.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sync.hlc import DEFAULT_MAX_DRIFT_MS, HybridClock, clamp_hlc
from sync.merge import ApplyResult, apply_op
from sync.ops import canonical_value, validate_op

MergeFunction = Callable[[Mapping[str, Any] | None, Mapping[str, Any]], tuple[dict[str, Any], ApplyResult]]
RecordKey = tuple[str, str]
QUARANTINED = "quarantined"


@dataclass
class LoggedOp:
    """One op the server has processed: the payload as sent, the op as accepted, and its result."""

    fingerprint: str
    accepted: dict[str, Any]
    result: dict[str, Any]


def _error(status: int, code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"status": status, "code": code, "message": message, **extra}


def _invalid_batch(problem: str) -> dict[str, Any]:
    return _error(422, "validation_failed", "上传的数据格式不正确。", errors={"ops": [problem]})


class InMemorySyncServer:
    """Record states, an op log with idempotency by `op_id`, and a change feed for pulls."""

    def __init__(
        self,
        now_ms: Callable[[], int],
        merge: MergeFunction = apply_op,
        max_drift_ms: int = DEFAULT_MAX_DRIFT_MS,
    ) -> None:
        self.now_ms = now_ms
        self.merge = merge
        self.max_drift_ms = max_drift_ms
        self.clock = HybridClock("server")
        self.records: dict[RecordKey, dict[str, Any]] = {}
        self.change_seq: dict[RecordKey, int] = {}
        self.last_change = 0
        self.op_log: dict[str, LoggedOp] = {}
        self.next_device_seq: dict[str, int] = {}
        self.quarantine: list[dict[str, Any]] = []

    def server_hlc(self) -> str:
        """A fresh server reading, at least as late as every accepted op."""
        return self.clock.tick(self.now_ms())

    def register_device(self, device_id: str | None = None) -> dict[str, Any]:
        """Register a device (idempotently when `device_id` is given)."""
        device_id = device_id or f"device-{len(self.next_device_seq) + 1}"
        self.next_device_seq.setdefault(device_id, 1)
        return {
            "device_id": device_id,
            "next_device_seq": self.next_device_seq[device_id],
            "server_hlc": self.server_hlc(),
        }

    def push(self, device_id: str, batch_id: str, ops: list[dict[str, Any]]) -> dict[str, Any]:
        """Apply a batch of one device's ops in `device_seq` order; per-op results in request order."""
        if device_id not in self.next_device_seq:
            return _error(404, "unknown_device", "设备未登记。")
        refusal = self._check_batch(device_id, ops)
        if refusal is not None:
            return refusal
        applied_now: set[str] = set()
        for op in sorted(ops, key=lambda op: op["device_seq"]):
            if op["op_id"] not in self.op_log:
                self._apply_new(device_id, op)
                applied_now.add(op["op_id"])
        results = []
        for op in ops:
            stored = self.op_log[op["op_id"]].result
            if op["op_id"] in applied_now:
                applied_now.discard(op["op_id"])  # a second copy in the same batch is a duplicate
                results.append(copy.deepcopy(stored))
            else:
                replayed = copy.deepcopy(stored)
                results.append({**replayed, "status": "duplicate", "original_status": stored["status"]})
        return {
            "status": 200,
            "batch_id": batch_id,
            "results": results,
            "expected_device_seq": self.next_device_seq[device_id],
            "server_hlc": self.server_hlc(),
        }

    def _check_batch(self, device_id: str, ops: list[dict[str, Any]]) -> dict[str, Any] | None:
        """Refuse the whole batch (422 or 409) before anything is applied, or return None."""
        fingerprints_in_batch: dict[str, str] = {}
        new_seqs = []
        for op in ops:
            if not isinstance(op, dict) or not isinstance(op.get("op_id"), str) or not op["op_id"]:
                return _invalid_batch("every op needs an op_id")
            seq = op.get("device_seq")
            if not isinstance(seq, int) or isinstance(seq, bool) or op.get("device_id") != device_id:
                return _invalid_batch("every op needs an integer device_seq and the pushing device_id")
            fingerprint = canonical_value(op)
            logged = self.op_log.get(op["op_id"])
            earlier = logged.fingerprint if logged else fingerprints_in_batch.get(op["op_id"])
            if earlier is not None:
                if earlier != fingerprint:
                    return _error(422, "op_id_reused", "同一编号的操作内容不同。", op_id=op["op_id"])
                continue
            fingerprints_in_batch[op["op_id"]] = fingerprint
            new_seqs.append(seq)
        expected = self.next_device_seq[device_id]
        if sorted(new_seqs) != list(range(expected, expected + len(new_seqs))):
            message = "操作编号不连续，请从指定编号重新上传。"
            return _error(409, "device_seq_gap", message, expected_device_seq=expected)
        return None

    def _apply_new(self, device_id: str, op: dict[str, Any]) -> None:
        self.next_device_seq[device_id] = op["device_seq"] + 1
        fingerprint = canonical_value(op)
        errors = validate_op(op) + self._server_errors(op)
        if errors:
            result = {"op_id": op["op_id"], "status": QUARANTINED, "errors": errors}
            self.quarantine.append({"op": copy.deepcopy(op), "errors": errors})
            self.op_log[op["op_id"]] = LoggedOp(fingerprint, copy.deepcopy(op), result)
            return
        now = self.now_ms()
        stamp = clamp_hlc(op["hlc"], now, self.max_drift_ms)
        accepted = {**copy.deepcopy(op), "hlc": stamp.hlc}
        self.clock.receive(stamp.hlc, now)
        key = (op["entity"], op["record_id"])
        self.records[key], outcome = self.merge(self.records.get(key), accepted)
        self.last_change += 1
        self.change_seq[key] = self.last_change
        result = {"op_id": op["op_id"], **outcome.to_dict(), "hlc": stamp.hlc, "hlc_clamped": stamp.clamped}
        self.op_log[op["op_id"]] = LoggedOp(fingerprint, accepted, result)

    def _server_errors(self, op: Mapping[str, Any]) -> list[str]:
        errors = [
            f"{key} must be a non-empty string"
            for key in ("entity", "record_id")
            if not isinstance(op.get(key), str) or not op.get(key)
        ]
        base = op.get("base_version")
        if isinstance(base, dict):
            # A base naming ops this server never received is fabricated; trusting it would let
            # those future ops be superseded on arrival, i.e. silently lost.
            errors += [
                f"base_version[{device_id!r}] names ops this server has not received"
                for device_id, seq in base.items()
                if isinstance(seq, int) and seq >= self.next_device_seq.get(device_id, 1)
            ]
        return errors

    def pull(self, device_id: str, cursor: str | None = None, limit: int = 100) -> dict[str, Any]:
        """Records changed after `cursor`, each once in its latest state, oldest change first."""
        if device_id not in self.next_device_seq:
            return _error(404, "unknown_device", "设备未登记。")
        after = int(cursor) if cursor else 0
        changed = sorted((seq, key) for key, seq in self.change_seq.items() if seq > after)
        page = changed[:limit]
        changes = [
            {"entity": key[0], "record_id": key[1], "state": copy.deepcopy(self.records[key])}
            for _, key in page
        ]
        return {
            "status": 200,
            "changes": changes,
            "revoked": [],
            "next_cursor": str(page[-1][0] if page else after),
            "has_more": len(changed) > limit,
            "server_hlc": self.server_hlc(),
        }

    def accepted_ops(self) -> list[dict[str, Any]]:
        """Every op applied (not quarantined), as accepted, in the order the server applied them."""
        return [
            copy.deepcopy(logged.accepted)
            for logged in self.op_log.values()
            if logged.result["status"] != QUARANTINED
        ]
