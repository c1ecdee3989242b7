"""Anomaly signals of one check-in, each a reason shown to the reviewer. Pure: plain values in, signals out.

A signal never decides anything: it sends the check-in to a person (review queue) with its reason.
The service gathers the facts (other check-ins from the same phone, the registered home location,
earlier photos' hashes, recorded deaths, other beneficiaries' reference faces) and calls `signals`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.domain.checkin_geo import distance_m
from app.face.phash import SAME_PHOTO_MAX_BITS, FaceHash
from app.face.vectors import cosine_similarity

# Every edit of one photo keeps its embedding this close (tests/face); two genuine selfies of one person
# taken months apart rarely do. Together with a close pHash it marks "the same photo sent again".
SAME_PHOTO_MIN_SIMILARITY = 0.8

MESSAGES = {
    "device_many_people": "同一部手机或同一个微信号本季度已为{count}位不同的保障对象打卡（上限{limit}位），请核实是否有人代打卡。",
    "far_from_home": "打卡位置距登记住址约{km}公里（超过{limit_km}公里），请核实是否仍在本地居住。",
    "photo_reused_same_person": "这张照片与本人{quarter}打卡时提交的照片几乎相同，可能是重复使用旧照片。",
    "photo_reused_other_person": "这张照片与另一位保障对象（{quarter}）的打卡照片几乎相同。",
    "after_death": "登记的死亡日期为{died_on}，之后仍有打卡，请立即核实。",
    "face_matches_other_person": "照片中的人脸与另一位保障对象的登记照片一致（相似度{similarity}），请核实是否代打卡。",
}


@dataclass(frozen=True)
class Signal:
    """One anomaly: a stable code, a message for the reviewer, and the numbers behind it."""

    code: str
    message: str
    detail: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form stored with the check-in."""
        return {"code": self.code, "message": self.message, "detail": self.detail}


def _signal(code: str, **detail: Any) -> Signal:
    return Signal(code, MESSAGES[code].format(**detail), detail)


@dataclass(frozen=True)
class PhotoSeen:
    """An earlier check-in photo: whose, which quarter, its face hash and embedding (if any)."""

    person_id: str
    quarter: str
    face_hash: FaceHash
    embedding: Sequence[float] | None = None


@dataclass(frozen=True)
class OtherFace:
    """Another beneficiary's reference face (same model only)."""

    person_id: str
    embedding: Sequence[float]


@dataclass(frozen=True)
class CheckinFacts:
    """What the checks need about one check-in and its surroundings."""

    person_id: str
    checked_in_on: date
    location: tuple[float, float, str] | None = None
    home: tuple[float, float, str] | None = None
    distance_limit_m: int = 5000
    device_people: frozenset[str] = frozenset()
    device_limit: int = 3
    face_hash: FaceHash | None = None
    embedding: Sequence[float] | None = None
    earlier_photos: tuple[PhotoSeen, ...] = ()
    died_on: date | None = None
    other_faces: tuple[OtherFace, ...] = ()
    match_at: float = 0.52



def device_many_people(facts: CheckinFacts) -> Signal | None:
    """One phone checking in more different beneficiaries this quarter than the policy allows."""
    people = set(facts.device_people) | {facts.person_id}
    if len(people) > facts.device_limit:
        return _signal("device_many_people", count=len(people), limit=facts.device_limit)
    return None


def far_from_home(facts: CheckinFacts) -> Signal | None:
    """The check-in location lies farther than the limit from the registered home (systems converted)."""
    if facts.location is None or facts.home is None:
        return None
    metres = distance_m(facts.location, facts.home)
    if metres > facts.distance_limit_m:
        return _signal(
            "far_from_home",
            km=f"{metres / 1000:.1f}",
            limit_km=f"{facts.distance_limit_m / 1000:g}",
            distance_m=round(metres),
        )
    return None


def photo_reused(facts: CheckinFacts) -> list[Signal]:
    """The same photo (pHash of the aligned face, and embeddings that agree closely) seen before."""
    if facts.face_hash is None:
        return []
    found: dict[str, Signal] = {}
    for seen in facts.earlier_photos:
        bits = facts.face_hash.distance(seen.face_hash)
        if bits > SAME_PHOTO_MAX_BITS:
            continue
        both = facts.embedding is not None and seen.embedding is not None
        if both and cosine_similarity(facts.embedding, seen.embedding) < SAME_PHOTO_MIN_SIMILARITY:
            continue
        code = (
            "photo_reused_same_person" if seen.person_id == facts.person_id else "photo_reused_other_person"
        )
        found.setdefault(code, _signal(code, quarter=seen.quarter, bits=bits))
    return list(found.values())


def after_death(facts: CheckinFacts) -> Signal | None:
    """A check-in on or after a recorded date of death."""
    if facts.died_on is not None and facts.checked_in_on >= facts.died_on:
        return _signal("after_death", died_on=facts.died_on.isoformat())
    return None


def face_matches_other_person(facts: CheckinFacts) -> Signal | None:
    """The selfie matches another beneficiary's reference face."""
    if facts.embedding is None:
        return None
    best = max(
        (
            cosine_similarity(facts.embedding, other.embedding)
            for other in facts.other_faces
            if other.person_id != facts.person_id
        ),
        default=None,
    )
    if best is not None and best >= facts.match_at:
        return _signal("face_matches_other_person", similarity=f"{best:.2f}")
    return None


def signals(facts: CheckinFacts) -> list[Signal]:
    """Every anomaly signal this check-in raises, in a fixed order."""
    found = [device_many_people(facts), far_from_home(facts), *photo_reused(facts), after_death(facts),
             face_matches_other_person(facts)]  # fmt: skip
    return [signal for signal in found if signal is not None]
