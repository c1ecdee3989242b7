"""Staff side of check-ins: the review queue and its decisions, referrals to the township, reference
faces, recorded deaths. Everything is scoped to the caller's area subtree (others get 404), and a read
of a person's full check-in record is written to the audit log. Staff see distances, never coordinates.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from app.domain.masking import mask_name
from app.errors import Conflict, Forbidden, NotFound
from app.extensions import db
from app.face import FaceRejected, enroll
from app.models import (
    Area,
    Checkin,
    CheckinReferral,
    CheckinWindow,
    DeathRecord,
    FaceReference,
    Household,
    Member,
    Person,
)
from app.models.types import utcnow
from app.services.actors import StaffActor
from app.services.attachments import store_file
from app.services.audit import record_audit
from app.services.benefits_entitlements import change_state
from app.services.casework_access import TOWNSHIP_ROLES
from app.services.checkin_outcomes import REFERRAL_REASONS, accept_after_review, reject_after_review
from app.services.checkin_processing import face_settings

DECIDERS = (*TOWNSHIP_ROLES, "county_officer")


def _window_in_scope(actor: StaffActor, window_id: str) -> tuple[CheckinWindow, Area]:
    window = db.session.get(CheckinWindow, window_id)
    area = db.session.get(Area, window.area_id) if window else None
    if window is None or area is None or not actor.covers(area.path):
        raise NotFound("没有找到这次打卡", code="checkin_not_found")
    return window, area


def checkin_in_scope(actor: StaffActor, checkin_id: str) -> tuple[Checkin, CheckinWindow, Area]:
    """A check-in of the caller's area, or 404."""
    checkin = db.session.get(Checkin, checkin_id) if len(checkin_id) <= 36 else None
    if checkin is None:
        raise NotFound("没有找到这次打卡", code="checkin_not_found")
    window, area = _window_in_scope(actor, checkin.window_id)
    return checkin, window, area


def _row(checkin: Checkin, window: CheckinWindow, area: Area) -> dict[str, Any]:
    person = db.session.get(Person, checkin.person_id)
    return {
        "id": checkin.id, "quarter": window.quarter, "village": area.name, "person_name": mask_name(person.name),
        "mode": checkin.mode, "status": checkin.status, "review_status": checkin.review_status,
        "face_decision": checkin.face_decision,
        "anomaly_codes": [a["code"] for a in checkin.anomalies or []],
        "received_at": checkin.received_at.isoformat(),
    }  # fmt: skip


def review_queue(actor: StaffActor) -> list[dict[str, Any]]:
    """Check-ins waiting for a person: face no-match or review, or an anomaly signal."""
    rows = db.session.execute(
        select(Checkin, CheckinWindow, Area)
        .join(CheckinWindow, CheckinWindow.id == Checkin.window_id)
        .join(Area, Area.id == CheckinWindow.area_id)
        .where(Checkin.review_status == "pending", Area.path.startswith(actor.area_path))
        .order_by(Checkin.received_at, Checkin.id)
    ).all()
    return [_row(*row) for row in rows]


def checkin_detail(actor: StaffActor, checkin_id: str) -> dict[str, Any]:
    """The full record a reviewer needs (face numbers, reasons, anomalies; distances, no coordinates)."""
    checkin, window, area = checkin_in_scope(actor, checkin_id)
    person = db.session.get(Person, checkin.person_id)
    record_audit(actor, "checkin.read_full", "checkin", checkin.id)
    return {
        **_row(checkin, window, area),
        "person_name": person.name,
        "guardian": {"name": checkin.guardian_name, "relation": checkin.guardian_relation}
        if checkin.mode == "guardian" else None,
        "visit_outcome": checkin.visit_outcome,
        "face": {"decision": checkin.face_decision, "similarity": checkin.face_similarity,
                 "distance": checkin.face_distance, "threshold": checkin.face_threshold,
                 "model_id": checkin.face_model_id, "reasons": checkin.face_reasons or []},
        "anomalies": checkin.anomalies or [],
        "location_given": checkin.latitude is not None, "accuracy_m": checkin.accuracy_m,
        "user_agent": checkin.user_agent, "review_note": checkin.review_note,
        "liveness_checked": False,
    }  # fmt: skip


def decide_checkin(actor: StaffActor, checkin_id: str, decision: str, note: str) -> dict[str, Any]:
    """Accept (the person is confirmed: the check-in counts) or reject a check-in in review."""
    checkin, window, area = checkin_in_scope(actor, checkin_id)
    if checkin.review_status != "pending":
        raise Conflict("这次打卡不在待核实状态", code="checkin_not_in_review")
    checkin.review_status = "accepted" if decision == "accept" else "rejected"
    checkin.reviewed_by_staff_id, checkin.reviewed_at, checkin.review_note = actor.staff_id, utcnow(), note
    if decision == "accept":
        accept_after_review(checkin)
    elif checkin.mode != "assisted":
        reject_after_review(checkin)
    record_audit(actor, f"checkin.review_{decision}", "checkin", checkin.id)
    db.session.flush()
    return _row(checkin, window, area)


def referrals(actor: StaffActor, status: str | None) -> list[dict[str, Any]]:
    """Cases sent to the township for a suspension decision."""
    query = (
        select(CheckinReferral, Area)
        .join(Area, Area.id == CheckinReferral.area_id)
        .where(Area.path.startswith(actor.area_path))
        .order_by(CheckinReferral.created_at, CheckinReferral.id)
    )
    if status:
        query = query.where(CheckinReferral.status == status)
    return [_referral_view(row, area) for row, area in db.session.execute(query).all()]


def _referral_view(row: CheckinReferral, area: Area) -> dict[str, Any]:
    person = db.session.get(Person, row.person_id)
    return {
        "id": row.id, "entitlement_id": row.entitlement_id, "village": area.name,
        "person_name": mask_name(person.name), "reason": row.reason, "reason_label": REFERRAL_REASONS[row.reason],
        "detail": row.detail or {}, "status": row.status, "note": row.note, "created_at": row.created_at.isoformat(),
    }  # fmt: skip


def decide_referral(actor: StaffActor, referral_id: str, decision: str, note: str) -> dict[str, Any]:
    """A township decision: suspend the entitlement (casework's states, with the reason) or dismiss."""
    if actor.role not in DECIDERS:
        raise Forbidden("只有乡镇（街道）或县民政可以作出暂停决定", code="referral_decider_only")
    row = db.session.get(CheckinReferral, referral_id) if len(referral_id) <= 36 else None
    area = db.session.get(Area, row.area_id) if row else None
    if row is None or not actor.covers(area.path):
        raise NotFound("没有找到这条待决定事项", code="referral_not_found")
    if row.status != "open":
        raise Conflict("这件事已经处理过了", code="referral_closed")
    if decision == "suspend":
        change_state(
            actor, row.entitlement_id, "suspend", f"打卡核查：{REFERRAL_REASONS[row.reason]}。{note}"
        )
    row.status = "suspended" if decision == "suspend" else "dismissed"
    row.decided_by_staff_id, row.decided_at, row.note = actor.staff_id, utcnow(), note
    db.session.flush()
    return _referral_view(row, area)


def _person_in_scope(actor: StaffActor, person_id: str) -> Person:
    area_path = db.session.scalar(
        select(Area.path)
        .join(Household, Household.area_id == Area.id)
        .join(Member, Member.household_id == Household.id)
        .where(Member.person_id == person_id[:36], Area.path.startswith(actor.area_path))
        .limit(1)
    )
    person = db.session.get(Person, person_id[:36]) if area_path else None
    if person is None:
        raise NotFound("没有找到这个人", code="person_not_found")
    return person


def enroll_reference(actor: StaffActor, person_id: str, source: str, photo: bytes) -> dict[str, Any]:
    """Make a person's reference face from a home-visit selfie or the ID-card portrait (replaces older ones)."""
    person = _person_in_scope(actor, person_id)
    stored = store_file(photo)
    try:
        reference = enroll(photo, face_settings())
    except FaceRejected as exc:
        raise Conflict(exc.reasons[0].message, code=f"reference_{exc.status}", status=422) from exc
    for older in db.session.scalars(select(FaceReference).where(FaceReference.person_id == person.id)):
        older.active = False
    data = reference.as_dict()
    row = FaceReference(
        person_id=person.id, source=source, sha256=stored.sha256, model_id=reference.model_id,
        embedding=data["embedding"], face_hash=reference.face_hash.plain,
        face_hash_mirrored=reference.face_hash.mirrored, enrolled_by_staff_id=actor.staff_id,
    )  # fmt: skip
    db.session.add(row)
    db.session.flush()
    record_audit(actor, "checkin.reference_enrolled", "person", person.id, {"source": source})
    return {"id": row.id, "person_id": person.id, "source": source, "model_id": row.model_id}


def record_death(actor: StaffActor, person_id: str, died_on: date, source: str | None) -> dict[str, Any]:
    """Record (or correct) a person's date of death; later check-ins are flagged."""
    person = _person_in_scope(actor, person_id)
    row = db.session.get(DeathRecord, person.id) or DeathRecord(person_id=person.id)
    row.died_on, row.source, row.recorded_by_staff_id = died_on, source, actor.staff_id
    db.session.add(row)
    db.session.flush()
    record_audit(actor, "checkin.death_recorded", "person", person.id)
    return {"person_id": person.id, "died_on": died_on, "source": source}
