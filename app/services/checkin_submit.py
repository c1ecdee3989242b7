"""A resident's check-in from the WeChat page: by the person (self) or a guardian, selfie and location.

The selfie comes as a WeChat serverId (downloaded now: it expires) or as an upload; either way it is
checked (`images.inspect_image`: format, size, decompression bombs) and stored once by SHA-256. The
check-in row is written with the server's time, and the face job is enqueued after the commit.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.errors import Conflict, NotFound, ValidationFailed
from app.extensions import db
from app.models import Checkin, CheckinWindow
from app.models.types import utcnow
from app.queue import enqueue_after_commit
from app.services.actors import ResidentActor
from app.services.attachments import download_wechat_photo, store_file
from app.services.casework_access import today
from app.services.checkin_processing import resident_result
from app.services.checkin_windows import window_for_resident

CLOSED_STATUSES = ("checked_in",)


def submit_checkin(
    actor: ResidentActor, window_id: str, params: dict[str, Any], photo: bytes | None, user_agent: str | None
) -> dict[str, Any]:
    """Record a check-in for a window this resident may see; the face job runs after the commit."""
    from app.jobs.checkin_jobs import process_checkin_job

    window = window_for_resident(actor, window_id)
    if today() < window.opens_on:
        raise Conflict(f"本季度打卡从{window.opens_on.isoformat()}开始，请到时再来", code="checkin_not_open")
    if window.status in CLOSED_STATUSES:
        raise Conflict("本季度已经打过卡了，不用再打", code="checkin_already_done")
    pending = db.session.scalar(
        select(Checkin.id).where(Checkin.window_id == window.id, Checkin.status == "processing")
    )
    if pending:
        raise Conflict("上一次提交的照片还在核验，请稍候再看结果", code="checkin_processing")
    mode = params["mode"]
    guardian = params.get("guardian") or {}
    if mode == "guardian" and not (guardian.get("name") and guardian.get("relation")):
        raise ValidationFailed(errors={"guardian": ["代打卡请填写代办人姓名和与本人的关系"]})
    if photo is None:
        if not params.get("server_id"):
            raise ValidationFailed(errors={"server_id": ["请拍一张照片再提交"]})
        photo = download_wechat_photo(params["server_id"])
    stored = store_file(photo)
    location = params.get("location") or {}
    checkin = Checkin(
        window_id=window.id, person_id=window.person_id, mode=mode, submitted_by_account_id=actor.account_id,
        guardian_name=guardian.get("name") if mode == "guardian" else None,
        guardian_relation=guardian.get("relation") if mode == "guardian" else None,
        selfie_sha256=stored.sha256, latitude=location.get("latitude"), longitude=location.get("longitude"),
        accuracy_m=location.get("accuracy"), coordinate_system=location.get("coordinate_system"),
        device_key=(params.get("device_id") or "")[:100] or None, user_agent=(user_agent or "")[:300] or None,
        received_at=utcnow(), status="processing",
    )  # fmt: skip
    db.session.add(checkin)
    db.session.flush()
    enqueue_after_commit(process_checkin_job, checkin.id, job_id=f"checkin-face-{checkin.id}")
    return checkin_view(checkin, window)


def checkin_view(checkin: Checkin, window: CheckinWindow) -> dict[str, Any]:
    """A check-in as the resident reads it."""
    return {
        "id": checkin.id,
        "window_id": window.id,
        "quarter": window.quarter,
        "mode": checkin.mode,
        "status": checkin.status,
        "received_at": checkin.received_at.isoformat(),
        **resident_result(checkin),
    }


def checkin_for_resident(actor: ResidentActor, checkin_id: str) -> dict[str, Any]:
    """One of this resident's check-ins, or 404 (others' check-ins are never shown)."""
    checkin = db.session.get(Checkin, checkin_id) if len(checkin_id) <= 36 else None
    try:
        window = window_for_resident(actor, checkin.window_id) if checkin is not None else None
    except NotFound:
        window = None
    if window is None:
        raise NotFound("没有找到这次打卡", code="checkin_not_found")
    return checkin_view(checkin, window)
