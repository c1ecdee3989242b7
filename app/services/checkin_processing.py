"""Processing one check-in in the background: the face step, the anomaly signals, then the outcome.

Runs from the job `process_checkin_job` (ids in, state checked first: a retry of a processed check-in
does nothing). The face models are loaded once per worker process (`app.face.default_engine`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import or_, select

from app.domain import checkin_anomalies as anomalies
from app.extensions import db
from app.face import DEFAULT_SETTINGS, FaceHash, FaceSettings, Reference
from app.face.vectors import pack_embedding, unpack_embedding
from app.models import (
    Area,
    Checkin,
    CheckinWindow,
    DeathRecord,
    FaceReference,
    FieldVisit,
    StoredFile,
)
from app.models.types import utcnow
from app.services.casework_access import CHINA
from app.services.checkin_face import process_selfie
from app.services.checkin_outcomes import apply_face_result
from app.services.policies import policy_for_area
from app.services.storage import read_bytes

MAX_PHOTOS_COMPARED = 2000  # other people's newest photos compared for reuse (one's own: all of them)


def face_settings() -> FaceSettings:
    """Face thresholds from the config (FACE_MATCH_THRESHOLD, FACE_REVIEW_MARGIN), else the defaults."""
    config = current_app.config
    return FaceSettings(
        match_threshold=float(config.get("FACE_MATCH_THRESHOLD") or DEFAULT_SETTINGS.match_threshold),
        review_margin=float(config.get("FACE_REVIEW_MARGIN") or DEFAULT_SETTINGS.review_margin),
    )


def reference_of(person_id: str) -> FaceReference | None:
    """The person's newest active reference face."""
    return db.session.scalar(
        select(FaceReference)
        .where(FaceReference.person_id == person_id, FaceReference.active.is_(True))
        .order_by(FaceReference.created_at.desc(), FaceReference.id)
        .limit(1)
    )


def as_reference(row: FaceReference) -> Reference:
    """The stored reference as the face package's value."""
    return Reference.from_dict(
        {"model_id": row.model_id, "embedding": row.embedding,
         "face_hash": {"plain": row.face_hash, "mirrored": row.face_hash_mirrored}}
    )  # fmt: skip


def process_checkin(checkin_id: str) -> str:
    """Verify the selfie, gather the anomaly signals and settle the check-in; returns its status."""
    checkin = db.session.get(Checkin, checkin_id)
    if checkin is None or checkin.status != "processing":
        return checkin.status if checkin else "missing"
    stored = db.session.get(StoredFile, checkin.selfie_sha256) if checkin.selfie_sha256 else None
    if stored is None:  # an assisted check-in whose photo has not been uploaded yet
        checkin.status = "awaiting_photo"
        return checkin.status
    settings = face_settings()
    reference = reference_of(checkin.person_id)
    result = process_selfie(
        read_bytes(stored.storage_key), as_reference(reference) if reference else None, settings
    )
    verdict = result.verdict
    checkin.face_decision = str(verdict.decision)
    checkin.face_similarity, checkin.face_distance = verdict.similarity, verdict.distance
    checkin.face_threshold, checkin.face_model_id = verdict.threshold, verdict.model_id
    checkin.face_reasons = [{"code": r.code, "message": r.message} for r in verdict.reasons]
    if verdict.face_hash is not None:
        checkin.face_hash, checkin.face_hash_mirrored = verdict.face_hash.plain, verdict.face_hash.mirrored
    checkin.embedding = pack_embedding(result.embedding)
    checkin.reference_id = reference.id if reference else None
    if verdict.decision != "rejected":
        facts = gather_facts(checkin, settings)
        checkin.anomalies = [signal.as_dict() for signal in anomalies.signals(facts)]
    checkin.processed_at = utcnow()
    apply_face_result(checkin)
    db.session.flush()
    return checkin.status


def _home_of(household_id: str) -> tuple[float, float, str] | None:
    """The registered home: the newest field visit with a GPS location (the field app records WGS-84)."""
    visit = db.session.scalar(
        select(FieldVisit)
        .where(
            FieldVisit.household_id == household_id,
            FieldVisit.deleted.is_(False),
            FieldVisit.latitude.is_not(None),
        )
        .order_by(FieldVisit.visited_at.desc())
        .limit(1)
    )
    return (visit.latitude, visit.longitude, "wgs84") if visit else None


def gather_facts(checkin: Checkin, settings: FaceSettings) -> anomalies.CheckinFacts:
    """Everything the pure anomaly checks need about this check-in."""
    window = db.session.get(CheckinWindow, checkin.window_id)
    policy, _ = policy_for_area(db.session.get(Area, window.area_id), window.opens_on)
    day: date = checkin.received_at.astimezone(CHINA).date()
    device_people: set[str] = set()
    # "One device" is the phone's own id when it sends one, and always the WeChat account that submitted:
    # the id is the client's word, the account is not (a field worker's assisted visits do not count).
    same_sender = [Checkin.device_key == checkin.device_key] if checkin.device_key else []
    if checkin.submitted_by_account_id:
        same_sender.append(Checkin.submitted_by_account_id == checkin.submitted_by_account_id)
    if same_sender and checkin.mode != "assisted":
        device_people = set(
            db.session.scalars(
                select(Checkin.person_id)
                .join(CheckinWindow, CheckinWindow.id == Checkin.window_id)
                .where(or_(*same_sender), CheckinWindow.quarter == window.quarter, Checkin.mode != "assisted")
            )
        )
    location = None
    if checkin.latitude is not None and checkin.longitude is not None and checkin.coordinate_system:
        location = (checkin.latitude, checkin.longitude, checkin.coordinate_system)
    death = db.session.get(DeathRecord, checkin.person_id)
    return anomalies.CheckinFacts(
        person_id=checkin.person_id, checked_in_on=day, location=location, home=_home_of(window.household_id),
        distance_limit_m=policy.checkin_distance_limit_m, device_people=frozenset(device_people),
        device_limit=policy.checkin_device_person_limit,
        face_hash=FaceHash(checkin.face_hash, checkin.face_hash_mirrored) if checkin.face_hash else None,
        embedding=unpack_embedding(checkin.embedding), earlier_photos=_earlier_photos(checkin),
        died_on=death.died_on if death else None, other_faces=_other_faces(checkin),
        match_at=settings.match_at,
    )  # fmt: skip


def _earlier_photos(checkin: Checkin) -> tuple[anomalies.PhotoSeen, ...]:
    """Photos to compare for reuse: all of this person's earlier ones, however old (an old photo of the
    beneficiary sent again is the reuse that matters most), and the newest MAX_PHOTOS_COMPARED of others."""
    columns = select(
        Checkin.person_id, CheckinWindow.quarter, Checkin.face_hash, Checkin.face_hash_mirrored, Checkin.embedding
    ).join(CheckinWindow, CheckinWindow.id == Checkin.window_id)
    earlier = columns.where(
        Checkin.id != checkin.id,
        Checkin.face_hash.is_not(None),
        Checkin.window_id != checkin.window_id,  # earlier quarters and other people, not retakes
    )
    own = db.session.execute(earlier.where(Checkin.person_id == checkin.person_id)).all()
    others = db.session.execute(
        earlier.where(Checkin.person_id != checkin.person_id)
        .order_by(Checkin.received_at.desc())
        .limit(MAX_PHOTOS_COMPARED)
    ).all()
    return tuple(
        anomalies.PhotoSeen(person, quarter, FaceHash(plain, mirrored), unpack_embedding(embedding))
        for person, quarter, plain, mirrored, embedding in [*own, *others]
    )


def _other_faces(checkin: Checkin) -> tuple[anomalies.OtherFace, ...]:
    rows = db.session.execute(
        select(FaceReference.person_id, FaceReference.embedding).where(
            FaceReference.active.is_(True),
            FaceReference.person_id != checkin.person_id,
            FaceReference.model_id == checkin.face_model_id,
        )
    ).all()
    faces = ((person, unpack_embedding(text)) for person, text in rows)
    return tuple(anomalies.OtherFace(person, vector) for person, vector in faces if vector is not None)


def waiting_for(sha256: str) -> list[str]:
    """Assisted check-ins whose photo just arrived: set them processing again; returns their ids."""
    rows = db.session.scalars(
        select(Checkin).where(Checkin.selfie_sha256 == sha256, Checkin.status == "awaiting_photo")
    ).all()
    for row in rows:
        row.status = "processing"
    return [row.id for row in rows]


def resident_result(checkin: Checkin) -> dict[str, Any]:
    """What the resident is told: the state and, for a retake, why (no numbers, no place, no photo)."""
    messages = {
        "processing": "照片正在核验，请稍候。",
        "done": "打卡成功，谢谢！",
        "review": "已提交，工作人员将进行核实，不会因此自动停发。",
        "rejected": "照片无法使用，请按提示重新拍摄。",
        "not_accepted": "工作人员未能确认本次打卡，请重新打卡或联系村（社区）。",
    }
    reasons = checkin.face_reasons if checkin.status == "rejected" else []
    return {
        "message": messages.get(checkin.status, "已提交。"),
        "retake_reasons": [r["message"] for r in reasons or []],
    }
