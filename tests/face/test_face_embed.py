"""Alignment and embedding agree with OpenCV's own FaceRecognizerSF where it works."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from app.face import DEFAULT_SETTINGS, DetectedFace, FaceEngine
from app.face.embed import CHIP_SIZE, TEMPLATE, align_face, similarity_transform
from app.face.image import decode_image
from app.face.models import RECOGNIZER, models_dir
from tests.face import samples


def _astronaut_face(engine: FaceEngine) -> tuple[np.ndarray, DetectedFace]:
    image = decode_image(samples.encode(samples.astronaut(), "PNG"), max_side=1280, max_pixels=10**8)
    analysis = engine.analyse_image(image, DEFAULT_SETTINGS)
    assert analysis.face is not None
    return image, analysis.face


def test_similarity_transform_recovers_a_known_rotation_scale_and_shift() -> None:
    angle, scale, shift = np.deg2rad(20), 2.5, np.array([30.0, -12.0])
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    source = (TEMPLATE - shift) @ np.linalg.inv(scale * rotation).T  # points that map onto TEMPLATE
    matrix = similarity_transform(source)
    mapped = source @ matrix[:, :2].T + matrix[:, 2]
    assert np.allclose(mapped, TEMPLATE, atol=1e-6)


def test_alignment_equals_opencv_align_crop(engine: FaceEngine) -> None:
    image, face = _astronaut_face(engine)
    ours = align_face(image, face)
    recognizer = cv2.FaceRecognizerSF.create(str(models_dir() / RECOGNIZER.file_name), "")
    row = np.array(
        [*face.box, *[value for point in face.landmarks for value in point], face.score], np.float32
    )
    theirs = recognizer.alignCrop(image, row)
    assert ours.shape == theirs.shape == (CHIP_SIZE, CHIP_SIZE, 3)
    assert np.abs(ours.astype(int) - theirs.astype(int)).max() <= 2


def test_embedding_is_unit_length_and_equals_face_recognizer_sf(engine: FaceEngine) -> None:
    image, face = _astronaut_face(engine)
    chip = align_face(image, face)
    ours = engine.embedder.embed(chip)
    assert ours.shape == (128,) and ours.dtype == np.float32
    assert abs(float(np.linalg.norm(ours)) - 1.0) < 1e-5
    recognizer = cv2.FaceRecognizerSF.create(str(models_dir() / RECOGNIZER.file_name), "")
    try:
        theirs = recognizer.feature(chip).reshape(-1)
    except cv2.error:
        pytest.skip(f"FaceRecognizerSF.feature cannot run the int8 model on OpenCV {cv2.__version__}")
    assert float(ours @ (theirs / np.linalg.norm(theirs))) > 0.9999
