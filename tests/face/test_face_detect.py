"""Finding exactly one usable face: the statuses on real photos, and the choice rules on made-up boxes."""

from __future__ import annotations

import numpy as np
import pytest

from app.face import DEFAULT_SETTINGS, FaceEngine, FaceStatus
from app.face.detect import DetectedFace, choose_face
from tests.face import samples


def status_of(engine: FaceEngine, rgb_or_bytes: np.ndarray | bytes) -> FaceStatus:
    data = rgb_or_bytes if isinstance(rgb_or_bytes, bytes) else samples.encode(rgb_or_bytes)
    return engine.analyse(data, DEFAULT_SETTINGS).status


def test_the_astronaut_has_one_usable_face(engine: FaceEngine) -> None:
    analysis = engine.analyse(samples.encode(samples.astronaut()), DEFAULT_SETTINGS)
    assert analysis.status is FaceStatus.OK and analysis.usable
    assert analysis.faces_found == 1 and analysis.face is not None
    x, y, width, height = analysis.face.box
    assert abs(x - samples.ASTRONAUT_FACE[0]) < 10 and abs(width - samples.ASTRONAUT_FACE[2]) < 10


def test_an_exif_rotated_selfie_is_found_upright(engine: FaceEngine) -> None:
    analysis = engine.analyse(samples.exif_rotated(samples.selfie_1280()), DEFAULT_SETTINGS)
    assert analysis.status is FaceStatus.OK
    assert analysis.face is not None
    left_eye, right_eye = analysis.face.landmarks[:2]
    assert abs(left_eye[1] - right_eye[1]) < 0.1 * abs(right_eye[0] - left_eye[0])  # eyes level: upright


@pytest.mark.parametrize("name", ["coins", "gravel", "brick", "hubble_deep_field", "chelsea"])
def test_pictures_without_a_person_have_no_face(engine: FaceEngine, name: str) -> None:
    from skimage import data

    pixels = samples.coins() if name == "coins" else getattr(data, name)()
    if pixels.ndim == 2:
        pixels = np.stack([pixels] * 3, axis=-1)
    assert status_of(engine, np.ascontiguousarray(pixels[:, :, :3])) is FaceStatus.NO_FACE


def test_two_faces_side_by_side_are_multiple(engine: FaceEngine) -> None:
    assert (
        status_of(engine, samples.side_by_side(samples.astronaut(), samples.cameraman()))
        is FaceStatus.MULTIPLE_FACES
    )
    mirrored = np.ascontiguousarray(samples.astronaut()[:, ::-1])
    assert status_of(engine, samples.side_by_side(samples.astronaut(), mirrored)) is FaceStatus.MULTIPLE_FACES


def test_a_small_face_in_the_background_is_ignored_but_counted(engine: FaceEngine) -> None:
    photo = samples.pasted(samples.selfie_1280(), samples.lfw_face(1, 200), 40, 740)
    analysis = engine.analyse(samples.encode(photo), DEFAULT_SETTINGS)
    assert analysis.status is FaceStatus.OK
    assert analysis.faces_found == 2 and analysis.background_faces == 1


@pytest.mark.parametrize("face_size", [14, 30, 48])
def test_a_far_away_face_is_too_small(engine: FaceEngine, face_size: int) -> None:
    assert status_of(engine, samples.tiny_face(face_size)) is FaceStatus.FACE_TOO_SMALL


def test_a_face_just_above_the_minimum_is_usable(engine: FaceEngine) -> None:
    assert status_of(engine, samples.tiny_face(80)) is FaceStatus.OK


def _box(size: float, score: float = 0.9) -> DetectedFace:
    points = (
        (0.3 * size, 0.4 * size),
        (0.7 * size, 0.4 * size),
        (0.5 * size, 0.6 * size),
        (0.35 * size, 0.8 * size),
        (0.65 * size, 0.8 * size),
    )
    return DetectedFace(box=(0.0, 0.0, size, size), landmarks=points, score=score)


def test_choose_face_takes_the_largest_and_ignores_faces_under_half_its_size() -> None:
    main, far = _box(200), _box(99)
    finding = choose_face([far, main], DEFAULT_SETTINGS)
    assert finding.status is FaceStatus.OK and finding.face is main and finding.background_faces == 1


def test_choose_face_refuses_a_comparable_second_face() -> None:
    assert choose_face([_box(200), _box(100)], DEFAULT_SETTINGS).status is FaceStatus.MULTIPLE_FACES


def test_choose_face_statuses_for_nothing_and_for_small() -> None:
    assert choose_face([], DEFAULT_SETTINGS).status is FaceStatus.NO_FACE
    assert (
        choose_face([_box(DEFAULT_SETTINGS.min_face_size - 1)], DEFAULT_SETTINGS).status
        is FaceStatus.FACE_TOO_SMALL
    )
    assert choose_face([_box(DEFAULT_SETTINGS.min_face_size)], DEFAULT_SETTINGS).status is FaceStatus.OK
