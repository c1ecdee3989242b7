"""Simulated field devices and the server adapter interface the sync state machine drives.

The adapter is the only thing that differs between the in-memory reference server and the HTTP
API. What the driver relies on, beyond the protocol's JSON bodies:
- `register_device(device_id)` registers the device under the id the driver chose (a fresh server
  must accept the same ids again, so that the accepted ops can be replayed into it);
- `push(...)` returns the body with `status` set to the HTTP status, and every per-op result
  carries `op_id`, `status` and `hlc` (the stamp the server accepted, clamped or not);
- `pull(...)` returns `changes` whose items carry `entity`, `record_id` and the merge `state`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from sync.hlc import HybridClock
from sync.versions import join_versions

ENTITY = "household"
RecordKey = tuple[str, str]
_IDS = uuid.UUID("6f1c3a52-8d0e-4b6e-9c51-2f7d1e0a9b44")


def stable_id(label: str) -> str:
    """A UUID-shaped id that is the same in every run, so failures replay exactly."""
    return str(uuid.uuid5(_IDS, label))


class SyncServerAdapter(Protocol):
    """What the state machine needs from a sync server, in-memory or over HTTP."""

    def register_device(self, device_id: str) -> dict[str, Any]:
        """Register `device_id`; returns at least `device_id` and `server_hlc`."""
        ...

    def push(self, device_id: str, batch_id: str, ops: list[dict[str, Any]]) -> dict[str, Any]:
        """POST /push; returns the response body with `status` set to the HTTP status."""
        ...

    def pull(self, device_id: str, cursor: str | None, limit: int) -> dict[str, Any]:
        """GET /pull; every change carries the record's merge `state`."""
        ...


# Builds a fresh, empty server whose clock reads the given function (simulated milliseconds).
ServerFactory = Callable[[Callable[[], int]], SyncServerAdapter]


@dataclass
class SimulatedDevice:
    """One writer (field phone or office session): its clock, outbox, pulled views and history."""

    name: str
    device_id: str
    skew_ms: int
    clock: HybridClock
    # A minimal client sends only the version it pulled; the merge must then add its own history.
    base_names_own_ops: bool = True
    next_seq: int = 1
    outbox: list[dict[str, Any]] = field(default_factory=list)
    cursor: str | None = None
    views: dict[RecordKey, dict[str, Any]] = field(default_factory=dict)
    own_seq: dict[RecordKey, int] = field(default_factory=dict)
    sent_batches: list[list[dict[str, Any]]] = field(default_factory=list)
    batches_made: int = 0

    def local_now(self, server_now_ms: int) -> int:
        """The device's wall clock, off by its skew."""
        return server_now_ms + self.skew_ms

    def base_for(self, key: RecordKey) -> dict[str, int]:
        """What the device has seen of a record: its last pulled version plus its own ops on it."""
        pulled = self.views.get(key, {}).get("version", {})
        if not self.base_names_own_ops or key not in self.own_seq:
            return dict(pulled)
        own = {self.device_id: self.own_seq[key]}
        return join_versions(pulled, own)

    def make_op(
        self, op_type: str, record_id: str, fields: dict[str, Any], server_now_ms: int
    ) -> dict[str, Any]:
        """Record an offline edit or delete in the outbox, numbered and stamped like the app does."""
        key = (ENTITY, record_id)
        op = {
            "op_id": stable_id(f"op/{self.device_id}/{self.next_seq}"),
            "device_id": self.device_id,
            "device_seq": self.next_seq,
            "entity": ENTITY,
            "record_id": record_id,
            "type": op_type,
            "hlc": self.clock.tick(self.local_now(server_now_ms)),
            "base_version": self.base_for(key),
            "fields": dict(fields),
            "user_id": f"user-{self.name}",
        }
        self.own_seq[key] = self.next_seq
        self.next_seq += 1
        self.outbox.append(op)
        return op

    def next_batch_id(self) -> str:
        """A new batch id (a retried batch reuses its old one)."""
        self.batches_made += 1
        return stable_id(f"batch/{self.device_id}/{self.batches_made}")

    def learn_push(self, response: dict[str, Any], server_now_ms: int) -> None:
        """Drop acknowledged ops from the outbox and fold in the server clock."""
        acknowledged = {result["op_id"] for result in response["results"]}
        self.outbox = [op for op in self.outbox if op["op_id"] not in acknowledged]
        self.clock.receive(response["server_hlc"], self.local_now(server_now_ms))

    def learn_pull(self, response: dict[str, Any], server_now_ms: int) -> None:
        """Take the pulled states as the new views (and bases) and advance the cursor."""
        for change in response["changes"]:
            self.views[(change["entity"], change["record_id"])] = change["state"]
        self.cursor = response["next_cursor"]
        self.clock.receive(response["server_hlc"], self.local_now(server_now_ms))
