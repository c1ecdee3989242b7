"""Records point at files by SHA-256; a file may arrive before or after the record that names it.

A reference is kept in `sync_attachment_refs`. When its file is stored (now, or later when an
upload completes) an ordinary `attachments` row is made for casework, and thumbnail / ID-card OCR
jobs go to the outbox. Until then reviewers see the reference as a missing attachment.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, select, update

from app.extensions import db
from app.models import Application, Attachment, StoredFile, SyncAttachmentRef
from app.models.types import new_id, utcnow
from app.services.actors import StaffActor
from app.services.sync_outbox import add_job
from app.services.sync_store import insert_ignoring_duplicates

ID_CARD_KINDS = ("id_card_portrait", "id_card_emblem")


def add_refs(refs: list[dict[str, Any]], records: dict[tuple[str, str], Any], actor: StaffActor) -> None:
    """Keep new references of this batch and link those whose file is already stored."""
    if not refs:
        return
    now = utcnow()
    rows = [
        {
            "entity": ref["entity"],
            "record_id": ref["record_id"],
            "sha256": ref["sha256"],
            "kind": ref["kind"],
            "household_id": records[(ref["entity"], ref["record_id"])].household_id,
            "staff_id": actor.staff_id,
            "created_at": now,
        }
        for ref in refs
    ]
    insert_ignoring_duplicates(SyncAttachmentRef.__table__, rows, ["entity", "record_id", "sha256", "kind"])
    stored = set(
        db.session.scalars(
            select(StoredFile.sha256).where(StoredFile.sha256.in_({r["sha256"] for r in rows}))
        )
    )
    if stored:
        link_arrived([r for r in rows if r["sha256"] in stored])


def file_arrived(sha256: str) -> int:
    """An upload completed: link every reference that was waiting for this file; returns how many."""
    rows = db.session.execute(
        select(SyncAttachmentRef.__table__).where(
            SyncAttachmentRef.sha256 == sha256, SyncAttachmentRef.attachment_id.is_(None)
        )
    ).mappings()
    waiting = [dict(row) for row in rows]
    link_arrived(waiting)
    return len(waiting)


def link_arrived(refs: list[dict[str, Any]]) -> None:
    """Make casework's attachment rows for references whose file is stored, and queue the file's jobs."""
    for ref in refs:
        stored = db.session.get(StoredFile, ref["sha256"])
        application_id = ref["record_id"] if ref["entity"] == "application" else None
        if application_id and db.session.get(Application, application_id) is None:
            application_id = None
        attachment = Attachment(
            id=new_id(),
            application_id=application_id,
            household_id=ref["household_id"],
            kind=ref["kind"],
            sha256=stored.sha256,
            size=stored.size,
            source="field",
            uploaded_by_staff_id=ref["staff_id"],
        )
        db.session.add(attachment)
        db.session.flush()
        key = and_(
            SyncAttachmentRef.entity == ref["entity"],
            SyncAttachmentRef.record_id == ref["record_id"],
            SyncAttachmentRef.sha256 == ref["sha256"],
            SyncAttachmentRef.kind == ref["kind"],
        )
        db.session.execute(update(SyncAttachmentRef).where(key).values(attachment_id=attachment.id))
        queue_file_jobs(stored.sha256, ref["kind"])


def queue_file_jobs(sha256: str, kind: str) -> None:
    """Thumbnail for every photo, OCR for ID-card photos; job ids come from the content."""
    add_job("thumbnail", [sha256], f"thumbnail-{sha256}")
    if kind in ID_CARD_KINDS:
        add_job("read_id_photo", [sha256, kind], f"read-id-{sha256}-{kind}")
    if kind == "checkin_selfie":  # an assisted check-in whose photo came after the record
        add_job("checkin_selfie_arrived", [sha256], f"checkin-selfie-{sha256}")


def refs_of(entity: str, record_id: str) -> list[dict[str, Any]]:
    """The files a record points at, each with `missing` while the file has not arrived."""
    rows = db.session.execute(
        select(SyncAttachmentRef.sha256, SyncAttachmentRef.kind, StoredFile.sha256.label("stored"))
        .outerjoin(StoredFile, StoredFile.sha256 == SyncAttachmentRef.sha256)
        .where(SyncAttachmentRef.entity == entity, SyncAttachmentRef.record_id == record_id)
        .order_by(SyncAttachmentRef.created_at, SyncAttachmentRef.sha256)
    )
    return [{"sha256": sha, "kind": kind, "missing": stored is None} for sha, kind, stored in rows]
