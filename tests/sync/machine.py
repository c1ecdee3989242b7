"""A Hypothesis state machine for the sync protocol, reusable against any server adapter.

Three field devices and the office (just another writer) edit and delete a few household records
offline with clocks skewed by up to an hour (one may run two hours ahead, to be clamped), push
partial batches with duplicates inside, lose acknowledgements and re-send, replay old batches,
try a batch with a `device_seq` gap, pull page by page in any interleaving, and resolve the
conflicts they see. At teardown everyone syncs and the guarantees are checked:

1. nothing accepted is lost (each write is kept, or superseded by a write that had seen it);
2. retries are harmless (every old batch re-sent changes nothing; counts match distinct ops);
3. order does not matter (the accepted ops replayed into a fresh server in another causal,
   per-device-ordered interleaving give identical states);
4. concurrent edits keep every value, with the deterministic default, surfaced as conflicts.

Use `sync_machine_for(factory)` with a `ServerFactory`; see `tests/sync/devices.py` for the
adapter interface.
"""

from __future__ import annotations

import random
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule

from sync.conflicts import describe_conflicts
from sync.hlc import HybridClock
from tests.sync.devices import ENTITY, ServerFactory, SimulatedDevice, SyncServerAdapter, stable_id
from tests.sync.guarantees import DELETED_FIELD, causal_batches, check_records, read_all_states

HOUR_MS = 3_600_000
START_MS = 1_750_000_000_000
WRITERS = ("dev-a", "dev-b", "dev-c", "office")
OBSERVER = "office"
RECORD_IDS = tuple(stable_id(f"record/{number}") for number in range(3))
FIELD_NAMES = ("head_name", "monthly_income", "visit_note")
FIELD_VALUES = st.sampled_from(["张三", "李四", "王五", 0, 1500])
FIELD_SKEWS = st.one_of(st.integers(-HOUR_MS, HOUR_MS), st.sampled_from([-HOUR_MS, HOUR_MS, 2 * HOUR_MS]))

writer_names = st.sampled_from(WRITERS)
record_ids = st.sampled_from(RECORD_IDS)


class SyncMachine(RuleBasedStateMachine):
    """The driver; subclasses set `server_factory` (see `sync_machine_for`)."""

    server_factory: ServerFactory

    def __init__(self) -> None:
        super().__init__()
        self.server_now = START_MS
        self.server: SyncServerAdapter = type(self).server_factory(lambda: self.server_now)
        self.devices: dict[str, SimulatedDevice] = {}
        self.created: dict[str, dict[str, Any]] = {}
        self.accepted_hlc: dict[str, str] = {}
        self.server_next_seq: dict[str, int] = {}
        self.rng = random.Random(0)

    @initialize(
        skews=st.tuples(FIELD_SKEWS, FIELD_SKEWS, FIELD_SKEWS, st.integers(-60_000, 60_000)),
        own_ops_in_base=st.tuples(*[st.booleans()] * len(WRITERS)),
        seed=st.integers(0, 2**32 - 1),
    )
    def register_writers(self, skews: tuple[int, ...], own_ops_in_base: tuple[bool, ...], seed: int) -> None:
        """Register the three field devices and the office, each with its own clock skew."""
        self.rng = random.Random(seed)
        for name, skew, names_own in zip(WRITERS, skews, own_ops_in_base, strict=True):
            device_id = stable_id(f"device/{name}")
            response = self.server.register_device(device_id)
            assert response["device_id"] == device_id, response
            device = SimulatedDevice(name, device_id, skew, HybridClock(device_id), names_own)
            device.clock.receive(response["server_hlc"], device.local_now(self.server_now))
            self.devices[name] = device
            self.server_next_seq[device_id] = 1

    # --- offline work -------------------------------------------------------------------------

    @rule(
        name=writer_names,
        record_id=record_ids,
        fields=st.dictionaries(st.sampled_from(FIELD_NAMES), FIELD_VALUES, min_size=1, max_size=3),
    )
    def edit(self, name: str, record_id: str, fields: dict[str, Any]) -> None:
        """A worker edits some fields of a household while offline."""
        self._remember(self.devices[name].make_op("upsert", record_id, fields, self.server_now))

    @rule(name=writer_names, record_id=record_ids)
    def delete(self, name: str, record_id: str) -> None:
        """A worker deletes a household while offline."""
        self._remember(self.devices[name].make_op("delete", record_id, {}, self.server_now))

    @rule(name=writer_names, pick=st.integers(0, 3), restore=st.booleans())
    def resolve(self, name: str, pick: int, restore: bool) -> None:
        """A reviewer picks a value for each conflict they see, restoring or deleting when asked to."""
        device = self.devices[name]
        conflicted = [key for key in sorted(device.views) if device.views[key]["open_conflicts"]]
        if not conflicted:
            return
        key = conflicted[0]
        conflicts = describe_conflicts(device.views[key])
        chosen = {
            conflict["field"]: conflict["candidates"][pick % len(conflict["candidates"])]["value"]
            for conflict in conflicts
            if conflict["field"] != DELETED_FIELD
        }
        if any(conflict["field"] == DELETED_FIELD for conflict in conflicts) and not restore:
            self._remember(device.make_op("delete", key[1], {}, self.server_now))
        else:
            self._remember(device.make_op("upsert", key[1], chosen, self.server_now))

    @rule(minutes=st.integers(0, 90))
    def time_passes(self, minutes: int) -> None:
        """The server clock moves on (every device clock with it, keeping its skew)."""
        self.server_now += minutes * 60_000

    # --- talking to the server ----------------------------------------------------------------

    @rule(name=writer_names, count=st.integers(1, 4), duplicate=st.booleans(), lose_ack=st.booleans())
    def push(self, name: str, count: int, duplicate: bool, lose_ack: bool) -> None:
        """Push the oldest ops (maybe one twice); maybe the response never reaches the device."""
        device = self.devices[name]
        batch = device.outbox[:count]
        if not batch:
            return
        if duplicate:
            batch = [*batch, batch[0]]
        response = self._push(device, device.next_batch_id(), batch)
        if not lose_ack:
            device.learn_push(response, self.server_now)

    @precondition(lambda self: any(device.sent_batches for device in self.devices.values()))
    @rule(name=writer_names, which=st.integers(0, 1000))
    def resend_old_batch(self, name: str, which: int) -> None:
        """After an app restart a device re-sends a batch the server already has."""
        device = self.devices[name]
        if not device.sent_batches:
            return
        batch = device.sent_batches[which % len(device.sent_batches)]
        response = self._push(device, device.next_batch_id(), batch)
        statuses = {result["status"] for result in response["results"]}
        assert statuses == {"duplicate"}, f"guarantee 2 (retries are harmless): re-sent batch gave {statuses}"
        device.learn_push(response, self.server_now)

    @rule(name=writer_names)
    def push_with_gap(self, name: str) -> None:
        """A buggy client skips an op; the server refuses the batch and names the op it expects."""
        device = self.devices[name]
        expected = self.server_next_seq[device.device_id]
        later = [op for op in device.outbox if op["device_seq"] > expected]
        if not later:
            return
        response = self.server.push(device.device_id, device.next_batch_id(), later)
        assert response["status"] == 409, response
        assert response["expected_device_seq"] == expected, response

    @rule(name=writer_names, limit=st.integers(1, 3))
    def pull_page(self, name: str, limit: int) -> None:
        """Pull one page of changes; the rest waits for another pull."""
        device = self.devices[name]
        response = self.server.pull(device.device_id, device.cursor, limit)
        assert response["status"] == 200, response
        device.learn_pull(response, self.server_now)

    # --- helpers and the final check ----------------------------------------------------------

    def _remember(self, op: dict[str, Any]) -> None:
        self.created[op["op_id"]] = op

    def _push(self, device: SimulatedDevice, batch_id: str, batch: list[dict[str, Any]]) -> dict[str, Any]:
        response = self.server.push(device.device_id, batch_id, batch)
        assert response["status"] == 200, response
        for result in response["results"]:
            assert result["status"] in ("applied", "duplicate"), result
            self.accepted_hlc[result["op_id"]] = result["hlc"]
        self.server_next_seq[device.device_id] = response["expected_device_seq"]
        device.sent_batches.append(batch)
        return response

    def sync_everyone(self) -> None:
        """Every device pushes its whole outbox, then every device pulls until nothing is left."""
        for device in self.devices.values():
            while device.outbox:
                response = self._push(device, device.next_batch_id(), device.outbox[:10])
                device.learn_push(response, self.server_now)
        for device in self.devices.values():
            while True:
                response = self.server.pull(device.device_id, device.cursor, 5)
                device.learn_pull(response, self.server_now)
                if not response["has_more"]:
                    break

    def accepted_ops(self) -> list[dict[str, Any]]:
        """Every op any device made, with the hlc the server accepted it under."""
        missing = set(self.created) - set(self.accepted_hlc)
        assert not missing, f"guarantee 1: ops never acknowledged after a full sync: {sorted(missing)}"
        return [{**op, "hlc": self.accepted_hlc[op_id]} for op_id, op in self.created.items()]

    def teardown(self) -> None:
        """Everyone syncs; then guarantees 1–4 are checked against the ops that were accepted."""
        if len(self.devices) < len(WRITERS):
            return
        self.sync_everyone()
        observer = self.devices[OBSERVER].device_id
        states = read_all_states(self.server, observer)
        accepted = self.accepted_ops()
        check_records(accepted, states)
        for device in self.devices.values():
            assert device.views == states, f"devices converge: {device.name} sees something else"
        for device in self.devices.values():
            for batch in list(device.sent_batches):
                response = self._push(device, device.next_batch_id(), batch)
                statuses = {result["status"] for result in response["results"]}
                assert statuses == {"duplicate"}, f"guarantee 2: re-sent batch gave {statuses}"
        assert read_all_states(self.server, observer) == states, (
            "guarantee 2: re-sending every batch changed state"
        )
        self.check_order_independence(accepted, states, observer)

    def check_order_independence(self, accepted: list[dict[str, Any]], states: dict, observer: str) -> None:
        """Guarantee 3: the same accepted ops, in another causal order, give the same states."""
        final_now = self.server_now
        replica = type(self).server_factory(lambda: final_now)
        for device in self.devices.values():
            replica.register_device(device.device_id)
        for device_id, batch in causal_batches(accepted, self.rng):
            response = replica.push(device_id, stable_id(f"replay/{batch[0]['op_id']}"), batch)
            assert response["status"] == 200, response
            statuses = {result["status"] for result in response["results"]}
            assert statuses == {"applied"}, f"guarantee 3: replayed ops were {statuses}"
        replayed = read_all_states(replica, observer)
        assert replayed == states, (
            "guarantee 3 (order does not matter): another arrival order gave other states"
        )


def sync_machine_for(server_factory: ServerFactory, name: str = "SyncMachine") -> type[SyncMachine]:
    """A concrete state machine driving servers built by `server_factory`."""
    return type(name, (SyncMachine,), {"server_factory": staticmethod(server_factory)})


__all__ = ["ENTITY", "SyncMachine", "sync_machine_for"]
