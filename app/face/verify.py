"""Enrol a reference face and verify a selfie against it: the decision, its numbers and its reasons."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np

from app.face.detect import FaceStatus
from app.face.engine import FaceAnalysis, FaceEngine, default_engine
from app.face.phash import FaceHash
from app.face.settings import DEFAULT_SETTINGS, FaceSettings
from app.face.vectors import EMBEDDING_SIZE, cosine_similarity, pack_embedding, unpack_embedding


class Decision(StrEnum):
    """The outcome of one verification. Only MATCH may be acted on without a person looking."""

    MATCH = "match"
    NO_MATCH = "no_match"
    REVIEW = "review"
    REJECTED = "rejected"


# Stable codes clients branch on, with messages a resident (retake advice) or a reviewer understands.
REASON_MESSAGES = {
    FaceStatus.NOT_AN_IMAGE: "无法识别这张照片，请重新拍摄。",
    FaceStatus.IMAGE_TOO_LARGE: "照片太大，无法处理，请重新拍摄。",
    FaceStatus.NO_FACE: "照片中没有找到人脸，请正对镜头、在光线充足的地方重新拍摄。",
    FaceStatus.MULTIPLE_FACES: "照片中有多张人脸，请本人单独拍摄。",
    FaceStatus.FACE_TOO_SMALL: "人脸太小，请把手机拿近一些重新拍摄。",
    "face_match": "人脸与登记照片一致。",
    "face_no_match": "人脸与登记照片不一致，已转工作人员核实，不会因此自动停发。",
    "face_uncertain": "人脸比对结果接近阈值，需要工作人员复核。",
    "reference_model_mismatch": "登记照片使用的比对模型与当前不同，需要工作人员处理并重新采集登记照片。",
    "background_faces": "照片背景中还有其他较小的人脸，比对时已忽略。",
}


@dataclass(frozen=True)
class Reason:
    """One reason behind a verdict: a stable snake_case code and a plain Chinese message."""

    code: str
    message: str


def reason(code: str) -> Reason:
    """The Reason for a known code."""
    return Reason(str(code), REASON_MESSAGES[code])


class FaceRejected(ValueError):
    """An enrolment photo without exactly one usable face; `status` and `reasons` say why."""

    def __init__(self, status: FaceStatus) -> None:
        super().__init__(f"enrolment photo rejected: {status}")
        self.status = status
        self.reasons = (reason(status),)


@dataclass(frozen=True)
class Reference:
    """A reference face: its embedding, the model that made it (never compare across models), its hash."""

    embedding: tuple[float, ...]
    model_id: str
    face_hash: FaceHash

    def vector(self) -> np.ndarray:
        """The embedding as a float32 array."""
        return np.asarray(self.embedding, dtype=np.float32)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form: the embedding as base64 of little-endian float32 (512 bytes)."""
        return {
            "model_id": self.model_id,
            "embedding": pack_embedding(self.vector()),
            "face_hash": {"plain": self.face_hash.plain, "mirrored": self.face_hash.mirrored},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reference:
        """Rebuild a Reference from `as_dict` output; raises ValueError on a malformed embedding."""
        vector = unpack_embedding(data["embedding"])
        if vector is None:
            raise ValueError(f"a reference embedding must be {EMBEDDING_SIZE} float32 values in base64")
        hashes = data["face_hash"]
        return cls(
            embedding=tuple(float(value) for value in vector),
            model_id=str(data["model_id"]),
            face_hash=FaceHash(plain=str(hashes["plain"]), mirrored=str(hashes["mirrored"])),
        )


@dataclass(frozen=True)
class Verdict:
    """The result of verifying one selfie. `distance` is the cosine distance, 1 - similarity."""

    decision: Decision
    status: FaceStatus
    similarity: float | None
    distance: float | None
    threshold: float
    review_band: tuple[float, float]
    model_id: str
    reasons: tuple[Reason, ...]
    face_hash: FaceHash | None = None

    @property
    def needs_person(self) -> bool:
        """Whether a person must look at this check-in (anything but a match, or a rejected retake)."""
        return self.decision in (Decision.NO_MATCH, Decision.REVIEW)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form for storing with the check-in."""
        return {
            "decision": str(self.decision),
            "status": str(self.status),
            "similarity": self.similarity,
            "distance": self.distance,
            "threshold": self.threshold,
            "review_band": list(self.review_band),
            "model_id": self.model_id,
            "reasons": [{"code": item.code, "message": item.message} for item in self.reasons],
            "face_hash": None
            if self.face_hash is None
            else {"plain": self.face_hash.plain, "mirrored": self.face_hash.mirrored},
        }


def decide(similarity: float, settings: FaceSettings = DEFAULT_SETTINGS) -> Decision:
    """Map a cosine similarity to match, review (a band around the threshold) or no match."""
    if similarity >= settings.match_at:
        return Decision.MATCH
    if similarity < settings.no_match_below:
        return Decision.NO_MATCH
    return Decision.REVIEW


def enroll(
    image_bytes: bytes, settings: FaceSettings = DEFAULT_SETTINGS, *, engine: FaceEngine | None = None
) -> Reference:
    """Make a Reference from an enrolment selfie or an ID-card portrait; raises FaceRejected if unusable."""
    engine = engine or default_engine()
    analysis = engine.analyse(image_bytes, settings)
    if not analysis.usable or analysis.embedding is None or analysis.face_hash is None:
        raise FaceRejected(analysis.status)
    return Reference(
        embedding=tuple(float(value) for value in analysis.embedding),
        model_id=engine.model_id,
        face_hash=analysis.face_hash,
    )


def verify(
    selfie_bytes: bytes,
    reference: Reference,
    settings: FaceSettings = DEFAULT_SETTINGS,
    *,
    engine: FaceEngine | None = None,
) -> Verdict:
    """Compare a selfie with a reference face. A no-match or review goes to a person, never to suspension."""
    engine = engine or default_engine()
    return verdict_for(engine.analyse(selfie_bytes, settings), reference, settings, engine.model_id)


def verdict_for(
    analysis: FaceAnalysis, reference: Reference, settings: FaceSettings, model_id: str
) -> Verdict:
    """The verdict for an analysed selfie (pure: no model call)."""
    common = {
        "threshold": settings.match_threshold,
        "review_band": (settings.no_match_below, settings.match_at),
        "model_id": model_id,
        "face_hash": analysis.face_hash,
    }
    if not analysis.usable or analysis.embedding is None:
        return Verdict(
            Decision.REJECTED, analysis.status, None, None, reasons=(reason(analysis.status),), **common
        )
    extra = (reason("background_faces"),) if analysis.background_faces else ()
    if reference.model_id != model_id or len(reference.embedding) != EMBEDDING_SIZE:
        return Verdict(
            Decision.REVIEW,
            analysis.status,
            None,
            None,
            reasons=(reason("reference_model_mismatch"), *extra),
            **common,
        )
    similarity = round(cosine_similarity(analysis.embedding, reference.vector()), 4)
    decision = decide(similarity, settings)
    code = {Decision.MATCH: "face_match", Decision.NO_MATCH: "face_no_match"}.get(decision, "face_uncertain")
    return Verdict(
        decision,
        analysis.status,
        similarity,
        round(1.0 - similarity, 4),
        reasons=(reason(code), *extra),
        **common,
    )
