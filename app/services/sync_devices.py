"""Devices and the server clock.

A device id is chosen by the phone (so it can number ops before it ever reaches the server) and is
bound to the staff member who registers it first: registering or using another worker's device id
is refused. The server's hybrid logical clock hands out `server_hlc`: never behind the highest hlc
any push committed (kept in the counter row, so every process agrees), so a device that folds it
in stamps its next edit after everything it has seen.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from typing import Any

from flask import current_app
from sqlalchemy import select

from app.errors import AppError, Forbidden, ValidationFailed
from app.extensions import db
from app.models import Area, StaffUser, SyncDevice
from app.models.types import utcnow
from app.services.actors import StaffActor
from app.services.audit import record_audit
from app.services.sync_scope import staff_in_area, village_summaries, villages_of_staff
from app.services.sync_store import dialect, read_counter
from sync.hlc import HybridClock

DEVICE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{7,63}$")
SYNC_ROLES = ("village_assistant", "township_clerk", "township_reviewer", "county_officer")
OFFICE_ROLES = SYNC_ROLES[1:]  # roles that manage other workers' phones in their area


class DeviceNotYours(AppError):
    status, code, message = 403, "device_not_yours", "这台设备登记在另一名工作人员名下，不能使用"


class UnknownDevice(AppError):
    status, code, message = 404, "unknown_device", "设备未登记，请先登记设备"


class DeviceRevoked(AppError):
    status, code = 403, "device_revoked"
    message = "这部手机已停用（挂失），不能再同步，请删除手机上的外业数据；如有疑问请联系乡镇（街道）民政办"


class ServerClock:
    """The server's hybrid logical clock, shared by the threads of one process."""

    def __init__(self, now_ms: Callable[[], int]) -> None:
        self.now_ms = now_ms
        self._clock = HybridClock("server")
        self._lock = threading.Lock()

    def reading(self, at_least: str = "") -> str:
        """A fresh reading, later than `at_least` (the highest committed hlc) and every earlier reading."""
        with self._lock:
            if at_least:
                return self._clock.receive(at_least, self.now_ms())
            return self._clock.tick(self.now_ms())


def _wall_clock_ms() -> int:
    return int(time.time() * 1000)


def server_clock() -> ServerClock:
    """This app's clock; `SYNC_NOW_MS` (a callable) replaces the wall clock in tests."""
    clock = current_app.extensions.get("doudi_sync_clock")
    if clock is None:
        clock = ServerClock(current_app.config.get("SYNC_NOW_MS") or _wall_clock_ms)
        current_app.extensions["doudi_sync_clock"] = clock
    return clock


def server_hlc() -> str:
    """A `server_hlc` for a response: after every hlc committed so far."""
    return server_clock().reading(read_counter()[1])


def _default_village(staff: StaffUser, code: str | None, villages: list[int]) -> int | None:
    if code is None:
        return villages[0] if len(villages) == 1 else None
    area = db.session.scalar(select(Area).where(Area.code == code))
    if area is None or area.level != "village" or area.id not in villages:
        raise ValidationFailed(errors={"default_village_code": ["应为您负责的一个村（社区）"]})
    return area.id


def register_device(
    actor: StaffActor, device_id: str, label: str | None, default_village_code: str | None
) -> dict:
    """Register a device for the signed-in staff member (again: idempotent); another's id is refused."""
    if not DEVICE_ID.match(device_id):
        raise ValidationFailed(errors={"device_id": ["设备编号为8到64位字母、数字或 _ . -"]})
    staff = db.session.get(StaffUser, actor.staff_id)
    villages = villages_of_staff(staff)
    device = db.session.get(SyncDevice, device_id)
    if device is not None and device.staff_id != actor.staff_id:
        raise DeviceNotYours()
    if device is not None and device.revoked_at is not None:
        raise DeviceRevoked()
    default_area = _default_village(staff, default_village_code, villages)
    if device is None:
        device = SyncDevice(id=device_id, staff_id=actor.staff_id, next_device_seq=1)
        db.session.add(device)
    if label is not None:
        device.label = label
    if default_village_code is not None or device.default_area_id is None:
        device.default_area_id = default_area
    device.last_seen_at = utcnow()
    db.session.flush()
    return device_status(device, villages)


def device_status(device: SyncDevice, villages: list[int]) -> dict[str, Any]:
    """What a device needs to know about itself."""
    default = db.session.get(Area, device.default_area_id) if device.default_area_id else None
    return {
        "device_id": device.id,
        "next_device_seq": device.next_device_seq,
        "default_village_code": default.code if default else None,
        "villages": village_summaries(villages),
        "server_hlc": server_hlc(),
    }


def device_of(actor: StaffActor, device_id: str, lock: bool = False) -> SyncDevice:
    """The actor's own device (locked for a push on PostgreSQL); unknown → 404, someone else's → 403."""
    if not isinstance(device_id, str) or not DEVICE_ID.match(device_id):
        raise UnknownDevice()
    query = select(SyncDevice).where(SyncDevice.id == device_id)
    if lock and dialect() == "postgresql":
        query = query.with_for_update()
    device = db.session.scalar(query)
    if device is None:
        raise UnknownDevice()
    if device.staff_id != actor.staff_id:
        raise DeviceNotYours()
    if device.revoked_at is not None:
        raise DeviceRevoked()
    return device


def office_device(actor: StaffActor) -> SyncDevice:
    """The server-side device an office user's conflict resolutions are written from (made on first use)."""
    device_id = f"office-{actor.staff_id}"
    query = select(SyncDevice).where(SyncDevice.id == device_id)
    if dialect() == "postgresql":
        query = query.with_for_update()
    device = db.session.scalar(query)
    if device is None:
        device = SyncDevice(id=device_id, staff_id=actor.staff_id, label="办公室（网页）", next_device_seq=1)
        db.session.add(device)
        db.session.flush()
    return device


def require_sync_role(actor: StaffActor) -> None:
    """Only field and office staff sync."""
    if actor.role not in SYNC_ROLES:
        raise Forbidden("您的岗位不使用外业同步", code="sync_not_for_role")


def _manageable(actor: StaffActor) -> Any:
    """Devices the actor may list and revoke: their own, and (office roles) those of staff in their area."""
    if actor.role not in OFFICE_ROLES:
        return SyncDevice.staff_id == actor.staff_id
    return SyncDevice.staff_id.in_(staff_in_area(actor)) & ~SyncDevice.id.startswith("office-")


def _device_view(device: SyncDevice, staff_name: str | None) -> dict[str, Any]:
    return {
        "device_id": device.id,
        "label": device.label,
        "staff_id": device.staff_id,
        "staff_name": staff_name,
        "created_at": device.created_at.isoformat(),
        "last_seen_at": device.last_seen_at.isoformat(),
        "revoked_at": device.revoked_at.isoformat() if device.revoked_at else None,
    }


def list_devices(actor: StaffActor, staff_id: str | None) -> list[dict[str, Any]]:
    """Phones the actor may manage (one worker's if asked), most recently seen first."""
    query = select(SyncDevice, StaffUser.display_name).join(StaffUser, StaffUser.id == SyncDevice.staff_id)
    query = query.where(_manageable(actor))
    if staff_id:
        query = query.where(SyncDevice.staff_id == staff_id)
    rows = db.session.execute(query.order_by(SyncDevice.last_seen_at.desc()).limit(200)).all()
    return [_device_view(device, name) for device, name in rows]


def revoke_device(actor: StaffActor, device_id: str, reason: str) -> dict[str, Any]:
    """Stop a lost or stolen phone: it can no longer sync, and its owner's sessions end (sign in again).

    Idempotent; someone else's phone outside the actor's area is "not found".
    """
    query = select(SyncDevice).where(SyncDevice.id == device_id, _manageable(actor))
    device = db.session.scalar(query) if DEVICE_ID.match(device_id) else None
    if device is None:
        raise UnknownDevice()
    owner = db.session.get(StaffUser, device.staff_id)
    if device.revoked_at is None:
        device.revoked_at = utcnow()
        device.revoked_by_staff_id = actor.staff_id
        owner.token_version += 1  # the phone's stored sign-in stops working too
        record_audit(actor, "field.device_revoked", "staff_user", owner.id, {"device_id": device.id, "reason": reason})
    db.session.flush()
    return _device_view(device, owner.display_name)
