"""Offline field sync: devices, the op log, merged record states, the change counter, scope.

The merge states (plain JSON from `sync.merge`) live in `sync_records` beside the relational rows
(households, household_members, persons, items, applications, field_visits) they are projected
into, so casework reads ordinary tables while the field app pulls states. JSON is stored as
compact text written by our own code: pulls splice it into responses without parsing it again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime, utcnow
from app.security.crypto import EncryptedText

BigId = BigInteger().with_variant(Integer, "sqlite")


class SyncDevice(db.Model):
    """A phone (or an office session) that numbers its ops 1, 2, 3 …; it belongs to one staff user."""

    __tablename__ = "sync_devices"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff_users.id"), index=True)
    label: Mapped[str | None] = mapped_column(String(100))
    default_area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    next_device_seq: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A lost or stolen phone is revoked: it can no longer push, pull or upload (it may register anew).
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_staff_id: Mapped[str | None] = mapped_column(ForeignKey("staff_users.id"))


class SyncCounter(db.Model):
    """The one change counter: pushes take numbers by updating this row, so commit order = number order.

    `max_hlc` is the highest hlc ever accepted; every `server_hlc` handed out is at least that.
    """

    __tablename__ = "sync_counters"

    name: Mapped[str] = mapped_column(String(30), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)
    max_hlc: Mapped[str] = mapped_column(String(100), default="")


class SyncRecord(db.Model):
    """One synced record's merge state, its displayed values, scope and latest change number."""

    __tablename__ = "sync_records"

    entity: Mapped[str] = mapped_column(String(20), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    household_id: Mapped[str] = mapped_column(String(36), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    state: Mapped[str] = mapped_column(Text)
    display: Mapped[str] = mapped_column(Text)
    attachments: Mapped[str | None] = mapped_column(Text)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    has_conflicts: Mapped[bool] = mapped_column(Boolean, default=False)
    record_version: Mapped[int] = mapped_column(Integer, default=0)
    change_seq: Mapped[int] = mapped_column(BigInteger)
    created_by_staff_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# Pulls read one (village, number) range per village; few indexes, because every push rewrites its rows.
Index("ix_sync_records_area_seq", SyncRecord.area_id, SyncRecord.change_seq)
Index(
    "ix_sync_records_conflicts",
    SyncRecord.area_id,
    postgresql_where=SyncRecord.has_conflicts.is_(True),
    sqlite_where=SyncRecord.has_conflicts.is_(True),
)


class SyncOp(db.Model):
    """The op log: every op a device pushed, as accepted (ID numbers sealed) or quarantined (encrypted)."""

    __tablename__ = "sync_ops"
    __table_args__ = (UniqueConstraint("device_id", "device_seq", name="uq_sync_ops_device_seq"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    op_id: Mapped[str] = mapped_column(String(64), unique=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("sync_devices.id"))
    device_seq: Mapped[int] = mapped_column(Integer)
    batch_id: Mapped[str | None] = mapped_column(String(64))
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff_users.id"))
    origin: Mapped[str] = mapped_column(String(12), default="device")
    status: Mapped[str] = mapped_column(String(12))
    entity: Mapped[str | None] = mapped_column(String(20))
    record_id: Mapped[str | None] = mapped_column(String(64))
    op_type: Mapped[str | None] = mapped_column(String(10))
    hlc: Mapped[str | None] = mapped_column(String(100))
    hlc_original: Mapped[str | None] = mapped_column(String(100))
    base_version: Mapped[str | None] = mapped_column(Text)
    fields: Mapped[str | None] = mapped_column(Text)
    attachments: Mapped[str | None] = mapped_column(Text)
    result: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(64))
    # Only for quarantined ops: the payload as sent, encrypted, for a reviewer to read.
    sealed_payload: Mapped[str | None] = mapped_column(EncryptedText)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


Index("ix_sync_ops_record", SyncOp.entity, SyncOp.record_id)
Index("ix_sync_ops_status", SyncOp.status, SyncOp.origin)


class SyncQuarantineDecision(db.Model):
    """What a reviewer decided about a quarantined op: applied (as corrected) or dismissed, with why.

    The op log itself is never changed; an applied fix is a new office op, named here.
    """

    __tablename__ = "sync_quarantine_decisions"

    op_id: Mapped[str] = mapped_column(ForeignKey("sync_ops.op_id"), primary_key=True)
    decision: Mapped[str] = mapped_column(String(12))
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff_users.id"))
    note: Mapped[str | None] = mapped_column(String(500))
    applied_op_id: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SyncScopeExit(db.Model):
    """A record left an area (its household moved): devices holding that area are told to drop it."""

    __tablename__ = "sync_scope_exits"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    entity: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[str] = mapped_column(String(36))
    from_area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    to_area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


Index("ix_sync_scope_exits_from_seq", SyncScopeExit.from_area_id, SyncScopeExit.seq)


class SyncSealedValue(db.Model):
    """A sensitive value (ID number, phone) named in merge states by its keyed hash; ciphertext here only."""

    __tablename__ = "sync_sealed_values"

    value_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    ciphertext: Mapped[str] = mapped_column(EncryptedText)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SyncAttachmentRef(db.Model):
    """A record points at a file by SHA-256; the file may arrive later (a missing attachment until then)."""

    __tablename__ = "sync_attachment_refs"

    entity: Mapped[str] = mapped_column(String(20), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    household_id: Mapped[str] = mapped_column(String(36), index=True)
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff_users.id"))
    attachment_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


Index("ix_sync_attachment_refs_sha256", SyncAttachmentRef.sha256)


class FieldAssignment(db.Model):
    """A village assigned to a field worker; ended rows stay as history."""

    __tablename__ = "field_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff_users.id"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    assigned_by_staff_id: Mapped[str | None] = mapped_column(ForeignKey("staff_users.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SyncOutbox(db.Model):
    """Background work written in the same transaction as the data it is about; relayed to RQ later."""

    __tablename__ = "sync_outbox"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    job_id: Mapped[str] = mapped_column(String(160), unique=True)
    job: Mapped[str] = mapped_column(String(40))
    args: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    relayed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
