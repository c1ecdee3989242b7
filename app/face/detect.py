"""Find faces with OpenCV's YuNet and pick the one usable face of a selfie or portrait."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from enum import StrEnum

import cv2
import numpy as np

from app.face.models import FaceModelUnavailable
from app.face.settings import FaceSettings

# Candidates below this never reach Python; FaceSettings.min_detection_score filters the rest.
_SCORE_FLOOR = 0.3
_NMS_THRESHOLD = 0.3
_TOP_K = 200

Point = tuple[float, float]


class FaceStatus(StrEnum):
    """Whether a photo holds exactly one usable face; the last two come from decoding, before detection."""

    OK = "ok"
    NO_FACE = "no_face"
    MULTIPLE_FACES = "multiple_faces"
    FACE_TOO_SMALL = "face_too_small"
    NOT_AN_IMAGE = "not_an_image"
    IMAGE_TOO_LARGE = "image_too_large"


@dataclass(frozen=True)
class DetectedFace:
    """A face box (x, y, width, height), its five landmarks and the detector's score, in image pixels.

    Landmarks in YuNet's order: the eye on the image's left, the other eye, the nose tip, then the
    mouth corners left and right (as seen in the image).
    """

    box: tuple[float, float, float, float]
    landmarks: tuple[Point, Point, Point, Point, Point]
    score: float

    @property
    def size(self) -> float:
        """The geometric mean of the box's width and height."""
        return math.sqrt(max(self.box[2], 0.0) * max(self.box[3], 0.0))


@dataclass(frozen=True)
class FaceFinding:
    """The outcome of looking for one usable face: the face itself only when `status` is OK."""

    status: FaceStatus
    face: DetectedFace | None
    faces_found: int
    background_faces: int = 0


class YuNetDetector:
    """YuNet through `cv2.FaceDetectorYN`, loaded from verified bytes; calls are serialised by a lock."""

    def __init__(self, model_bytes: bytes) -> None:
        buffer = np.frombuffer(model_bytes, dtype=np.uint8)
        try:
            self._detector = cv2.FaceDetectorYN.create(
                "onnx", buffer, np.empty(0, np.uint8), (320, 320), _SCORE_FLOOR, _NMS_THRESHOLD, _TOP_K
            )
        except cv2.error as error:
            raise FaceModelUnavailable(
                f"OpenCV {cv2.__version__} cannot load the int8 block-quantised YuNet model "
                "(OpenCV 4.11 or newer is needed; see app/face/requirements.txt)"
            ) from error
        self._lock = threading.Lock()

    def detect(self, image: np.ndarray, max_side: int) -> list[DetectedFace]:
        """All faces in a BGR image, detected on a copy reduced to `max_side`, largest first."""
        height, width = image.shape[:2]
        scale = min(1.0, max_side / max(height, width))
        if scale < 1.0:
            size = (max(1, round(width * scale)), max(1, round(height * scale)))
            work = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        else:
            work = image
        with self._lock:
            self._detector.setInputSize((work.shape[1], work.shape[0]))
            _, rows = self._detector.detect(work)
        if rows is None:
            return []
        scale_x = width / work.shape[1]
        scale_y = height / work.shape[0]
        faces = [_face_from_row(row, scale_x, scale_y) for row in rows]
        return sorted(faces, key=lambda face: face.size, reverse=True)


def _face_from_row(row: np.ndarray, scale_x: float, scale_y: float) -> DetectedFace:
    values = [float(value) for value in row]
    box = (values[0] * scale_x, values[1] * scale_y, values[2] * scale_x, values[3] * scale_y)
    points = tuple((values[4 + 2 * i] * scale_x, values[5 + 2 * i] * scale_y) for i in range(5))
    return DetectedFace(box=box, landmarks=points, score=values[14])  # type: ignore[arg-type]


def find_faces(detector: YuNetDetector, image: np.ndarray, settings: FaceSettings) -> list[DetectedFace]:
    """Faces scoring at least the settings' minimum; looks again at full size when the reduced copy had none."""
    faces = _confident(detector.detect(image, settings.detect_max_side), settings)
    if not faces and max(image.shape[:2]) > settings.detect_max_side:
        faces = _confident(detector.detect(image, settings.max_side), settings)
    return faces


def _confident(faces: list[DetectedFace], settings: FaceSettings) -> list[DetectedFace]:
    return [face for face in faces if face.score >= settings.min_detection_score]


def choose_face(faces: list[DetectedFace], settings: FaceSettings) -> FaceFinding:
    """Pick the single usable face among confident detections, or say why there is none."""
    if not faces:
        return FaceFinding(FaceStatus.NO_FACE, None, 0)
    main = max(faces, key=lambda face: face.size)
    others = [face for face in faces if face is not main]
    comparable = [face for face in others if face.size >= settings.comparable_face_ratio * main.size]
    if comparable:
        return FaceFinding(FaceStatus.MULTIPLE_FACES, None, len(faces))
    if main.size < settings.min_face_size:
        return FaceFinding(FaceStatus.FACE_TOO_SMALL, None, len(faces))
    return FaceFinding(FaceStatus.OK, main, len(faces), background_faces=len(others))
