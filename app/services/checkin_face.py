"""The face step of a check-in: one selfie against the person's reference, returning the verdict and
the selfie's embedding (kept for the "same face as another beneficiary" check). No Flask, no database:
the check-in job and `bench/face_bench.py` call exactly this function.

A match proves only that the picture shows a face like the reference: there is no liveness check
offline (a photo of a photo matches), so a no-match or review always goes to a person and nobody is
ever suspended on this result alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.face import (
    DEFAULT_SETTINGS,
    Decision,
    FaceEngine,
    FaceSettings,
    Reason,
    Reference,
    Verdict,
    default_engine,
)
from app.face.verify import reason as face_reason
from app.face.verify import verdict_for

NO_REFERENCE = Reason(
    "no_reference", "还没有登记照片（入户采集或身份证照片），需要工作人员核实并采集登记照片。"
)


@dataclass(frozen=True)
class SelfieResult:
    """The verdict on one selfie and its embedding (None when no usable face was found)."""

    verdict: Verdict
    embedding: np.ndarray | None


def process_selfie(
    data: bytes,
    reference: Reference | None,
    settings: FaceSettings = DEFAULT_SETTINGS,
    *,
    engine: FaceEngine | None = None,
) -> SelfieResult:
    """Decode, detect one face, align + embed, compare with the reference and hash the aligned face."""
    engine = engine or default_engine()
    analysis = engine.analyse(data, settings)
    if reference is not None:
        return SelfieResult(verdict_for(analysis, reference, settings, engine.model_id), analysis.embedding)
    usable = analysis.usable
    verdict = Verdict(
        Decision.REVIEW if usable else Decision.REJECTED,
        analysis.status,
        None,
        None,
        threshold=settings.match_threshold,
        review_band=(settings.no_match_below, settings.match_at),
        model_id=engine.model_id,
        reasons=(NO_REFERENCE,) if usable else (face_reason(analysis.status),),
        face_hash=analysis.face_hash,
    )
    return SelfieResult(verdict, analysis.embedding)

