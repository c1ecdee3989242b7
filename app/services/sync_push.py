"""Push: a device's batch of ops, applied exactly once, in one transaction.

The rules are those of the reference server (`sync.memory_server`), with the database holding the
state: the batch is checked whole before anything is applied (an op id seen before with another
payload → 422; new ops whose `device_seq` do not continue the device's numbering exactly → 409 with
the number expected); known op ids replay their stored result as `duplicate`; new ops are applied
in `device_seq` order (`sync_batch`). The device row is locked first, so two retries of the same
batch cannot both apply it. A lost race on a new record or a deadlock rolls back and the batch is
run again (bounded), which is safe because nothing was committed.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from app.errors import AppError, ValidationFailed
from app.extensions import db
from app.models import StaffUser, SyncDevice, SyncOp
from app.services.actors import StaffActor
from app.services.sync_batch import Batch, op_fingerprint
from app.services.sync_devices import device_of, server_clock
from app.services.sync_outbox import kick_relay
from app.services.sync_scope import villages_of_staff
from app.services.sync_store import from_json, read_counter
from app.services.transaction import transaction

log = logging.getLogger(__name__)
MAX_OPS = 500
ATTEMPTS = 4
T = TypeVar("T")


class DeviceSeqGap(AppError):
    status, code, message = 409, "device_seq_gap", "操作编号不连续，请从指定编号重新上传"


class OpIdReused(AppError):
    status, code, message = 422, "op_id_reused", "同一编号的操作内容不同，请检查手机上的待上传数据"


def _invalid_batch(problem: str) -> ValidationFailed:
    return ValidationFailed("上传的数据格式不正确", errors={"ops": [problem]})


def _logged(op_ids: list[str]) -> dict[str, tuple[str, str]]:
    found: dict[str, tuple[str, str]] = {}
    for start in range(0, len(op_ids), 500):
        rows = db.session.execute(
            select(SyncOp.op_id, SyncOp.fingerprint, SyncOp.result).where(
                SyncOp.op_id.in_(op_ids[start : start + 500])
            )
        )
        found.update({op_id: (fingerprint, result) for op_id, fingerprint, result in rows})
    return found


def check_batch(
    device: SyncDevice, ops: list[Any]
) -> tuple[list[dict[str, Any]], dict[str, str], dict[str, tuple[str, str]]]:
    """Refuse the whole batch (422/409) or return its new ops, every op's fingerprint, and the logged ones."""
    if not isinstance(ops, list) or len(ops) > MAX_OPS:
        raise _invalid_batch(f"ops 应为不超过{MAX_OPS}项的列表")
    for op in ops:
        if not isinstance(op, dict) or not isinstance(op.get("op_id"), str) or not 0 < len(op["op_id"]) <= 64:
            raise _invalid_batch("every op needs an op_id (at most 64 characters)")
        seq = op.get("device_seq")
        if (
            not isinstance(seq, int)
            or isinstance(seq, bool)
            or op.get("device_id") != device.id
            or not 0 < seq < 2**31
        ):
            raise _invalid_batch("every op needs an integer device_seq and the pushing device_id")
    logged = _logged(sorted({op["op_id"] for op in ops}))
    fingerprints: dict[str, str] = {}
    new_ops, new_seqs = [], []
    for op in ops:
        fingerprint = op_fingerprint(op)
        earlier = logged[op["op_id"]][0] if op["op_id"] in logged else fingerprints.get(op["op_id"])
        if earlier is not None:
            if earlier != fingerprint:
                raise OpIdReused(detail={"op_id": op["op_id"]})
            continue
        fingerprints[op["op_id"]] = fingerprint
        new_ops.append(op)
        new_seqs.append(op["device_seq"])
    expected = device.next_device_seq
    if sorted(new_seqs) != list(range(expected, expected + len(new_seqs))):
        raise DeviceSeqGap(detail={"expected_device_seq": expected})
    return new_ops, fingerprints, logged


def apply_batch(
    actor: StaffActor,
    device: SyncDevice,
    batch_id: str | None,
    ops: list[dict[str, Any]],
    origin: str = "device",
) -> dict[str, Any]:
    """Apply a checked batch of the device's ops; per-op results in request order, as the protocol says."""
    new_ops, fingerprints, logged = check_batch(device, ops)
    staff = db.session.get(StaffUser, actor.staff_id)
    batch = Batch(actor, device, batch_id, origin, villages_of_staff(staff))
    if new_ops:
        batch.preload(new_ops)
        for op in sorted(new_ops, key=lambda op: op["device_seq"]):
            batch.take(op, fingerprints[op["op_id"]])
        batch.finish()
    stored = {op_id: from_json(result) for op_id, (_, result) in logged.items()}
    fresh = set(batch.results)
    results = []
    for op in ops:
        op_id = op["op_id"]
        if op_id in fresh:
            fresh.discard(op_id)  # a second copy in the same batch is a duplicate
            results.append(copy.deepcopy(batch.results[op_id]))
        else:
            original = batch.results.get(op_id) or stored[op_id]
            results.append(
                {**copy.deepcopy(original), "status": "duplicate", "original_status": original["status"]}
            )
    return {
        "batch_id": batch_id,
        "results": results,
        "expected_device_seq": device.next_device_seq,
        "server_hlc": server_clock().reading(max(batch.max_hlc, read_counter()[1])),
    }


def push(actor: StaffActor, device_id: str, batch_id: str | None, ops: list[Any]) -> dict[str, Any]:
    """The push use case in its own transaction(s): lock the device, apply, commit; retried on lost races."""

    def attempt() -> dict[str, Any]:
        device = device_of(actor, device_id, lock=True)
        return apply_batch(actor, device, batch_id, ops)

    response = run_in_transaction(attempt)
    kick_relay()
    return response


def _retryable(error: Exception) -> bool:
    if isinstance(error, IntegrityError):
        return True  # a record or the office device created by a concurrent batch: run again and find it
    text = str(getattr(error, "orig", error)).lower()
    return isinstance(error, OperationalError) and (
        "deadlock" in text or "could not serialize" in text or "locked" in text
    )


def run_in_transaction(work: Callable[[], T]) -> T:
    """Run `work` in a transaction, again from scratch after a retryable failure (a few times)."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with transaction():
                return work()
        except (IntegrityError, OperationalError) as error:
            if attempt == ATTEMPTS or not _retryable(error):
                raise
            log.info("sync transaction retried after %s", type(error).__name__)
    raise AssertionError("unreachable")
