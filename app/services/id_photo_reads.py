"""ID-card photos read in the background: ask for a reading, show its state and proposal, apply it.

A photo is read once per content (SHA-256): the `id_photo_reads` row is created with the first
request and its job enqueued after commit; later uploads of the same bytes reuse it. A poll that
finds a read stuck (its worker died and the lease ran out, or its queued job got lost) enqueues it
again under the next job id, so a killed worker's photo still gets read.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update

from app.domain import vocab
from app.domain.id_card_proposals import SKIP_REASONS, choose_fields, propose
from app.domain.masking import mask_id_number
from app.errors import Conflict, NotFound
from app.extensions import db
from app.models import Application, Attachment, IdPhotoRead
from app.models.types import utcnow
from app.queue import enqueue_after_commit
from app.schemas.application_parts import ApplicantPartSchema
from app.security.crypto import lookup_hash
from app.services.actors import ResidentActor, StaffActor
from app.services.application_parts import save_part
from app.services.applications import application_for_resident
from app.services.audit import record_audit
from app.services.casework_access import application_in_scope
from app.services.sync_attachments import ID_CARD_KINDS
from app.services.transaction import add_unless_duplicate

PENDING_MESSAGE = "正在识别身份证照片，请稍候"
DONE_MESSAGE = "识别完成，请逐项核对；识别结果不会覆盖您已填写的内容"
QUEUED_STALE_SECONDS = 60


def request_read(sha256: str, *, enqueue: bool = True, retry_failed: bool = False) -> IdPhotoRead:
    """The reading of a stored photo, created (and its job enqueued after commit) on first request.

    `retry_failed` (a new upload of the photo): a read that failed for a passing reason (`read_error`,
    the engine was down) is tried again; what failed because of the photo itself stays failed.
    """
    row = db.session.get(IdPhotoRead, sha256)
    if row is not None:
        if retry_failed and row.status == "failed" and row.reason == "read_error":
            row.status, row.reason, row.result, row.attempts = "queued", None, None, 0
            row.generation += 1
            db.session.flush()
            if enqueue:
                _enqueue(row)
            return row
        requeue_if_stalled(row)
        return row
    row = IdPhotoRead(sha256=sha256, status="queued", generation=1, attempts=0)
    if not add_unless_duplicate(row):  # the same photo arrived twice at once: the other request queued it
        return db.session.get(IdPhotoRead, sha256)
    if enqueue:
        _enqueue(row)
    return row


def read_if_id_card(attachment: Attachment) -> None:
    """After an attachment is stored: ID-card photos are read in the background."""
    if attachment.kind in ID_CARD_KINDS:
        request_read(attachment.sha256, retry_failed=True)


def requeue_if_stalled(row: IdPhotoRead) -> bool:
    """Enqueue a read again when its worker died (lease over) or its queued job went missing."""
    now = utcnow()
    if row.status == "running" and row.lease_until is not None and row.lease_until < now:
        # The dead worker's job may still look "started" to RQ: the next generation gets a new job id.
        moved = db.session.execute(
            update(IdPhotoRead)
            .where(
                IdPhotoRead.sha256 == row.sha256,
                IdPhotoRead.generation == row.generation,
                IdPhotoRead.status == "running",
                IdPhotoRead.lease_until < now,
            )  # fmt: skip
            .values(status="queued", generation=IdPhotoRead.generation + 1, lease_until=None, updated_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.refresh(row)
        if moved:
            _enqueue(row)
        return bool(moved)
    if row.status == "queued" and row.updated_at < now - timedelta(seconds=QUEUED_STALE_SECONDS):
        row.updated_at = now  # same job id: RQ skips it while it still waits in the queue
        db.session.flush()
        _enqueue(row)
        return True
    return False


def requeue_stalled_reads(limit: int = 100) -> int:
    """Enqueue every stuck read again (run when a worker starts); returns how many."""
    now = utcnow()
    stuck = or_(
        and_(IdPhotoRead.status == "running", IdPhotoRead.lease_until < now),
        and_(
            IdPhotoRead.status == "queued",
            IdPhotoRead.updated_at < now - timedelta(seconds=QUEUED_STALE_SECONDS),
        ),
    )
    rows = db.session.scalars(
        select(IdPhotoRead).where(stuck).order_by(IdPhotoRead.updated_at).limit(limit)
    ).all()
    return sum(requeue_if_stalled(row) for row in rows)


def _enqueue(row: IdPhotoRead) -> None:
    from app.jobs.id_photo_jobs import read_id_photo

    enqueue_after_commit(read_id_photo, row.sha256, job_id=row.job_id)


def _id_card_attachment(application: Application, attachment_id: str) -> Attachment:
    attachment = db.session.get(Attachment, attachment_id) if len(attachment_id) <= 36 else None
    if attachment is None or attachment.application_id != application.id:
        raise NotFound("没有找到这个附件", code="attachment_not_found")
    if attachment.kind not in ID_CARD_KINDS:
        raise NotFound("这张照片不是身份证照片，没有识别结果", code="not_an_id_card_photo")
    return attachment


def _typed_values(application: Application) -> dict[str, str | None]:
    """What the applicant part holds now, by form field."""
    return {
        "name": application.applicant.name,
        "id_number": application.applicant.id_number,
        "registered_address": application.household.registered_address,
    }


def reading_document(
    attachment: Attachment, row: IdPhotoRead, current: dict[str, str | None], show_id_number: bool
) -> dict[str, Any]:
    """The state of one photo's reading and, once done, the proposed fields."""
    document: dict[str, Any] = {
        "attachment_id": attachment.id,
        "kind": attachment.kind,
        "status": row.status,
        "reason": row.reason,
        "message": PENDING_MESSAGE if row.status in ("queued", "running") else None,
        "poll_after_seconds": 2 if row.status in ("queued", "running") else None,
        "side": row.side,
        "engine": row.engine,
        "fields": {},
        "warnings": [],
    }
    result = row.result or {}
    if row.status == "failed":
        document["message"] = result.get("message")
    if row.status != "done":
        return document
    reading = {**result, "fields": dict(result.get("fields", {}))}
    if row.id_number:
        reading["fields"]["id_number"] = row.id_number
    proposal = propose(reading, current)
    if "id_number" in proposal and not show_id_number:
        proposal["id_number"]["value"] = mask_id_number(proposal["id_number"]["value"])
    document["fields"] = proposal
    document["warnings"] = [w for w in result.get("warnings", []) if not w.get("field")]
    document["message"] = DONE_MESSAGE
    return document


def _resident_sees_number(actor: ResidentActor, attachment: Attachment, row: IdPhotoRead) -> bool:
    """The resident who uploaded the card, or whose number it is, sees it in full."""
    if attachment.uploaded_by_account_id == actor.account_id:
        return True
    return bool(actor.id_hash and row.id_number and lookup_hash(row.id_number) == actor.id_hash)


def reading_for_resident(actor: ResidentActor, application_id: str, attachment_id: str) -> dict[str, Any]:
    """Poll one ID-card photo of the resident's application (a stuck read is enqueued again)."""
    application = application_for_resident(actor, application_id)
    attachment = _id_card_attachment(application, attachment_id)
    row = request_read(attachment.sha256)
    return reading_document(
        attachment, row, _typed_values(application), _resident_sees_number(actor, attachment, row)
    )


def apply_reading(
    actor: ResidentActor, application_id: str, attachment_id: str, accept: list[str]
) -> dict[str, Any]:
    """Fill the applicant part from a finished reading: empty fields with sure values, plus `accept`."""
    application = application_for_resident(actor, application_id)
    attachment = _id_card_attachment(application, attachment_id)
    row = db.session.get(IdPhotoRead, attachment.sha256)
    if row is None or row.status != "done":
        raise Conflict("照片还没有识别完成，请稍后再试", code="reading_not_done")
    before = reading_document(attachment, row, _typed_values(application), True)
    chosen, skipped = choose_fields(before["fields"], set(accept))
    if chosen:
        save_part(actor, application.id, "applicant", ApplicantPartSchema().load(chosen))
    db.session.refresh(application)
    after = reading_document(
        attachment, row, _typed_values(application), _resident_sees_number(actor, attachment, row)
    )
    return {
        "applied": [name for name, field in before["fields"].items() if field["target"] in chosen],
        "skipped": [
            {"field": name, "code": code, "message": SKIP_REASONS[code]} for name, code in skipped.items()
        ],
        "reading": after,
    }


def readings_for_staff(actor: StaffActor, application_id: str) -> dict[str, Any]:
    """The readings of an application's ID-card photos, in the caller's area; audited like a full read."""
    application = application_in_scope(actor, application_id)
    attachments = db.session.scalars(
        select(Attachment)
        .where(Attachment.application_id == application.id, Attachment.kind.in_(ID_CARD_KINDS))
        .order_by(Attachment.created_at, Attachment.id)
    ).all()
    full = actor.role in vocab.ROLES_SEEING_ID_NUMBERS
    record_audit(actor, "id_photo_reads.read", "application", application.id, {"id_numbers_shown": full})
    current = _typed_values(application)
    return {"items": [reading_document(a, request_read(a.sha256), current, full) for a in attachments]}
