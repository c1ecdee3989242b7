"""Align a detected face to SFace's 112x112 template and turn it into a unit-length 128-d embedding."""

from __future__ import annotations

import threading

import cv2
import numpy as np

from app.face.detect import DetectedFace
from app.face.models import FaceModelUnavailable
from app.face.vectors import EMBEDDING_SIZE, normalise

CHIP_SIZE = 112
# Where SFace (and ArcFace) expect the five landmarks in the 112x112 chip; OpenCV's alignCrop uses the same.
TEMPLATE = np.array(
    [[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366], [41.5493, 92.3655], [70.7299, 92.2041]],
    dtype=np.float64,
)


def similarity_transform(source: np.ndarray, target: np.ndarray = TEMPLATE) -> np.ndarray:
    """The 2x3 rotation + uniform scale + translation mapping `source` points onto `target` (Umeyama, 1991)."""
    source = np.asarray(source, dtype=np.float64)
    source_mean, target_mean = source.mean(axis=0), target.mean(axis=0)
    source_centred, target_centred = source - source_mean, target - target_mean
    covariance = target_centred.T @ source_centred / len(source)
    u, singular, vt = np.linalg.svd(covariance)
    sign = np.ones(2)
    if np.linalg.det(u) * np.linalg.det(vt) < 0:  # never mirror the face
        sign[-1] = -1
    rotation = u @ np.diag(sign) @ vt
    variance = source_centred.var(axis=0).sum()
    scale = float((singular * sign).sum() / variance) if variance > 0 else 1.0
    translation = target_mean - scale * rotation @ source_mean
    return np.hstack([scale * rotation, translation[:, None]])


def align_face(image: np.ndarray, face: DetectedFace) -> np.ndarray:
    """The 112x112 BGR chip of `face`, eyes and mouth where SFace expects them."""
    matrix = similarity_transform(np.array(face.landmarks, dtype=np.float64))
    return cv2.warpAffine(image, matrix, (CHIP_SIZE, CHIP_SIZE), flags=cv2.INTER_LINEAR)


class SFaceEmbedder:
    """SFace through `cv2.dnn` (FaceRecognizerSF.feature fails on the int8 model in OpenCV 5), lock-serialised."""

    def __init__(self, model_bytes: bytes) -> None:
        try:
            self._net = cv2.dnn.readNetFromONNX(np.frombuffer(model_bytes, dtype=np.uint8))
        except cv2.error as error:
            raise FaceModelUnavailable(
                f"OpenCV {cv2.__version__} cannot load the int8 block-quantised SFace model "
                "(OpenCV 4.11 or newer is needed; see app/face/requirements.txt)"
            ) from error
        self._lock = threading.Lock()

    def embed(self, chip: np.ndarray) -> np.ndarray:
        """The L2-normalised float32 embedding of an aligned 112x112 BGR chip."""
        blob = cv2.dnn.blobFromImage(chip, 1.0, (CHIP_SIZE, CHIP_SIZE), (0, 0, 0), swapRB=True)
        with self._lock:
            self._net.setInput(blob, "data")
            output = self._net.forward()
        vector = np.asarray(output, dtype=np.float32).reshape(-1)
        if vector.shape != (EMBEDDING_SIZE,):
            raise FaceModelUnavailable(f"SFace returned shape {vector.shape}, expected ({EMBEDDING_SIZE},)")
        return normalise(vector)
