"""The loaded models and the photo pipeline: decode, detect, choose one face, align, embed, hash."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from app.face.detect import DetectedFace, FaceStatus, YuNetDetector, choose_face, find_faces
from app.face.embed import SFaceEmbedder, align_face
from app.face.image import ImageRejected, decode_image
from app.face.models import DETECTOR, MODEL_ID, RECOGNIZER, read_model
from app.face.phash import FaceHash, face_hash
from app.face.settings import FaceSettings


@dataclass(frozen=True)
class FaceAnalysis:
    """What one photo yields: a status, and for a usable face its embedding and hash."""

    status: FaceStatus
    face: DetectedFace | None = None
    embedding: np.ndarray | None = field(default=None, compare=False, repr=False)
    face_hash: FaceHash | None = None
    faces_found: int = 0
    background_faces: int = 0
    detail: str = ""

    @property
    def usable(self) -> bool:
        """True when exactly one usable face was found and embedded."""
        return self.status is FaceStatus.OK and self.embedding is not None


class FaceEngine:
    """YuNet + SFace loaded once from the verified model files; safe to share between threads."""

    model_id = MODEL_ID

    def __init__(self, models_directory: Path | None = None) -> None:
        self.detector = YuNetDetector(read_model(DETECTOR, models_directory))
        self.embedder = SFaceEmbedder(read_model(RECOGNIZER, models_directory))

    def analyse(self, data: bytes, settings: FaceSettings) -> FaceAnalysis:
        """Run the whole pipeline on uploaded bytes."""
        try:
            image = decode_image(data, max_side=settings.max_side, max_pixels=settings.max_pixels)
        except ImageRejected as rejection:
            return FaceAnalysis(FaceStatus(rejection.code), detail=str(rejection))
        return self.analyse_image(image, settings)

    def analyse_image(self, image: np.ndarray, settings: FaceSettings) -> FaceAnalysis:
        """Run the pipeline on an already decoded, upright BGR array (at most `settings.max_side`)."""
        faces = find_faces(self.detector, image, settings)
        finding = choose_face(faces, settings)
        if finding.face is None:
            return FaceAnalysis(finding.status, faces_found=finding.faces_found)
        chip = align_face(image, finding.face)
        return FaceAnalysis(
            FaceStatus.OK,
            face=finding.face,
            embedding=self.embedder.embed(chip),
            face_hash=face_hash(chip),
            faces_found=finding.faces_found,
            background_faces=finding.background_faces,
        )


@functools.cache
def default_engine() -> FaceEngine:
    """The process-wide engine, loaded (and hash-checked) on first use."""
    return FaceEngine()
