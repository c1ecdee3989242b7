"""The push workload of the sync bench: what four field phones send after a day's work.

Batches of 200 ops per device: 190 new ops and 10 duplicates (5%: ops re-sent from earlier batches,
or twice in the first batch). A fifth of the new ops create households (household, member, income);
the rest edit records of the workers' villages, one in ten on a stale base (the device had not seen
the last writes: the server keeps both values as a conflict). Bases name only ops the server has
acknowledged, as a phone's would after a pull.
"""

from __future__ import annotations

import json
import random
import time
import uuid
from typing import Any

from bench.sync_seed import SEED_DEVICE, Seeded
from sync.hlc import HybridClock

DEVICES = ("assistant", "assistant2", "bench3", "bench4")
VILLAGE = "341602100201"
BATCH = 200
DUPLICATES = 10
CREATE_GROUPS = 13
STALE = 0.10


class Workload:
    """Generates batches per device and remembers what the server has acknowledged."""

    def __init__(self, seeded: Seeded, rng: random.Random) -> None:
        self.rng = rng
        self.records: list[tuple[str, str, str]] = [(e, r, h) for e, r, h, _ in seeded.in_scope]
        self.versions: dict[tuple[str, str], dict[str, int]] = {
            (e, r): {SEED_DEVICE: s} for e, r, _, s in seeded.in_scope
        }
        self.clocks = {name: HybridClock(self.device_id(name)) for name in DEVICES}
        self.next_seq = dict.fromkeys(DEVICES, 1)
        self.last_batch: dict[str, list[dict[str, Any]]] = {name: [] for name in DEVICES}

    @staticmethod
    def device_id(name: str) -> str:
        """The device id of a worker's phone."""
        return f"bench-phone-{name}"

    def _op(
        self, name: str, entity: str, record_id: str, fields: dict[str, Any], base: dict[str, int]
    ) -> dict[str, Any]:
        device = self.device_id(name)
        op = {"op_id": str(uuid.uuid4()), "device_id": device, "device_seq": self.next_seq[name], "entity": entity,
              "record_id": record_id, "type": "upsert", "hlc": self.clocks[name].tick(int(time.time() * 1000)),
              "base_version": base, "fields": fields}  # fmt: skip
        self.next_seq[name] += 1
        return op

    def _edit(self, name: str) -> dict[str, Any]:
        entity, record_id, _ = self.rng.choice(self.records)
        value = self.rng.randrange(1, 10_000)
        fields = {
            "household": {"current_address": f"东大街{value}号"},
            "member": {"work_capacity": self.rng.choice(["full", "partial", "none"])},
            "income": {"amount": f"{value}.00"},
            "asset": {"description": f"平房{value % 5 + 1}间"},
            "expense": {"amount": f"{value}.50"},
        }[entity]
        base = {} if self.rng.random() < STALE else dict(self.versions[(entity, record_id)])
        return self._op(name, entity, record_id, fields, base)

    def _create(self, name: str) -> list[dict[str, Any]]:
        household, member = str(uuid.uuid4()), str(uuid.uuid4())
        return [
            self._op(name, "household", household, {"village_code": VILLAGE, "household_type": "rural", "current_address": "新登记"}, {}),
            self._op(name, "member", member, {"household_id": household, "name": "新户主", "relation": "self", "co_resident": True}, {}),
            self._op(name, "income", str(uuid.uuid4()), {"household_id": household, "member_id": member, "category": "pension",
                                                       "amount": "500.00", "period": "monthly"}, {}),
        ]  # fmt: skip

    def batches(self, name: str, count: int) -> list[bytes]:
        """`count` request bodies for one device, ready to send in order."""
        bodies = []
        for _ in range(count):
            ops: list[dict[str, Any]] = []
            creates = [self._create(name) for _ in range(CREATE_GROUPS)]
            edits = BATCH - DUPLICATES - 3 * CREATE_GROUPS
            slots = ["edit"] * edits + ["create"] * CREATE_GROUPS
            self.rng.shuffle(slots)
            for slot in slots:  # ops keep their device_seq order; creates were numbered first, which is fine
                ops += creates.pop() if slot == "create" else [self._edit(name)]
            earlier = self.last_batch[name] or ops
            self.last_batch[name] = list(ops)
            for _ in range(DUPLICATES):
                ops.insert(self.rng.randrange(len(ops) + 1), self.rng.choice(earlier))
            bodies.append(
                json.dumps(
                    {"device_id": self.device_id(name), "batch_id": str(uuid.uuid4()), "ops": ops}
                ).encode()
            )
        return bodies

    def acknowledge(self, plans: dict[str, list[bytes]]) -> None:
        """After a run: every op sent is on the server, so later bases may name it."""
        for bodies in plans.values():
            for body in bodies:
                for op in json.loads(body)["ops"]:
                    key = (op["entity"], op["record_id"])
                    if key not in self.versions:
                        self.versions[key] = {}
                        household = (
                            op["record_id"] if op["entity"] == "household" else op["fields"]["household_id"]
                        )
                        self.records.append((op["entity"], op["record_id"], household))
                    version = self.versions[key]
                    version[op["device_id"]] = max(version.get(op["device_id"], 0), op["device_seq"])
