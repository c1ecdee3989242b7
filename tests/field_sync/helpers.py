"""Helpers for the field-sync API tests: a simulated phone that numbers, stamps, pushes and pulls ops."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from sync.hlc import HybridClock

T0 = 1_750_000_000_000


def new_id() -> str:
    """A fresh record or op id."""
    return str(uuid.uuid4())


class FieldDevice:
    """A phone of one signed-in worker: numbers its ops, stamps them, pushes and pulls through the API."""

    def __init__(
        self, client: Any, headers: dict[str, str], device_id: str, now_ms: Callable[[], int]
    ) -> None:
        self.client, self.headers, self.device_id = client, headers, device_id
        self.now_ms = now_ms
        self.clock = HybridClock(device_id)
        self.next_seq = 1
        self.cursor: str | None = None
        self.versions: dict[tuple[str, str], dict[str, int]] = {}

    def register(self, **extra: Any) -> Any:
        """POST /api/field/devices for this device."""
        response = self.client.post(
            "/api/field/devices", json={"device_id": self.device_id, **extra}, headers=self.headers
        )
        if response.status_code == 200:
            self.next_seq = response.json["next_device_seq"]
            self.clock.receive(response.json["server_hlc"], self.now_ms())
        return response

    def op(self, entity: str, record_id: str, fields: dict[str, Any] | None = None, op_type: str = "upsert",
           base: dict[str, int] | None = None, **extra: Any) -> dict[str, Any]:  # fmt: skip
        """The next op of this device (base: what it pulled of the record, unless given)."""
        op = {
            "op_id": new_id(),
            "device_id": self.device_id,
            "device_seq": self.next_seq,
            "entity": entity,
            "record_id": record_id,
            "type": op_type,
            "hlc": self.clock.tick(self.now_ms()),
            "base_version": dict(self.versions.get((entity, record_id), {}) if base is None else base),
            "fields": dict(fields or {}),
            **extra,
        }
        self.next_seq += 1
        return op

    def push(self, ops: list[dict[str, Any]], batch_id: str | None = None) -> Any:
        """POST /api/field/push."""
        body = {"device_id": self.device_id, "batch_id": batch_id or new_id(), "ops": ops}
        response = self.client.post("/api/field/push", json=body, headers=self.headers)
        if response.status_code == 200:
            self.clock.receive(response.json["server_hlc"], self.now_ms())
        return response

    def pull(self, cursor: str | None = None, limit: int = 100, keep: bool = True) -> Any:
        """GET /api/field/pull from this device's cursor (or the one given)."""
        query = {"device_id": self.device_id, "limit": limit}
        if cursor or self.cursor:
            query["cursor"] = cursor or self.cursor
        response = self.client.get("/api/field/pull", query_string=query, headers=self.headers)
        if response.status_code == 200 and keep:
            self.cursor = response.json["next_cursor"]
            for change in response.json["changes"]:
                self.versions[(change["entity"], change["record_id"])] = change["state"]["version"]
        return response

    def pull_all(self, limit: int = 100) -> dict[str, Any]:
        """Pull every page; returns the changes (last state per record), revoked and revoked villages."""
        changes: dict[tuple[str, str], Any] = {}
        revoked: list[dict[str, Any]] = []
        villages: list[str] = []
        for _ in range(1000):
            body = self.pull(limit=limit).json
            revoked += body["revoked"]
            villages += body["revoked_villages"]
            changes.update({(c["entity"], c["record_id"]): c for c in body["changes"]})
            if not body["has_more"]:
                return {"changes": changes, "revoked": revoked, "revoked_villages": villages}
        raise AssertionError("pull did not finish")
