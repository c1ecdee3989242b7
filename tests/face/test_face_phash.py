"""The aligned-face perceptual hash: edits of one photo stay close, other faces and photos stay far."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from app.face import (
    DEFAULT_SETTINGS,
    SAME_PHOTO_MAX_BITS,
    FaceAnalysis,
    FaceEngine,
    FaceHash,
    Reference,
    hamming,
)
from app.face.phash import face_hash, phash
from tests.face import samples

# Edits that keep the photo's geometry: these must be caught as the same photo.
REUSE_EDITS = [
    "crop_tight",
    "crop_offset",
    "resize_down_080",
    "resize_up_1280",
    "selfie_1280",
    "jpeg_q15",
    "brighter",
    "darker",
    "grey",
    "blur_1",
    "mirrored",
]


def test_hamming_counts_bits_of_ints_and_hex() -> None:
    assert hamming(0b1011, 0b0001) == 2
    assert hamming("ff00000000000000", "0f00000000000001") == 5


def test_a_chip_and_its_mirror_hash_the_same_photo() -> None:
    chip = np.ascontiguousarray(samples.astronaut()[63:175, 170:282, ::-1])
    mirrored = np.ascontiguousarray(chip[:, ::-1])
    assert face_hash(chip).distance(face_hash(chip)) == 0
    assert face_hash(chip).distance(face_hash(mirrored)) == 0
    assert hamming(phash(chip), phash(mirrored)) > SAME_PHOTO_MAX_BITS  # the mirror hash is what catches it


@pytest.mark.parametrize("name", REUSE_EDITS)
def test_edits_of_the_reference_photo_look_reused(
    engine: FaceEngine, astronaut_reference: Reference, name: str
) -> None:
    analysis = engine.analyse(samples.encode(samples.augmentations()[name]), DEFAULT_SETTINGS)
    assert analysis.face_hash is not None
    assert astronaut_reference.face_hash.looks_reused(analysis.face_hash)


@pytest.fixture(scope="module")
def lfw_hashes(lfw_analyses: dict[int, FaceAnalysis]) -> dict[int, FaceHash]:
    return {index: analysis.face_hash for index, analysis in lfw_analyses.items() if analysis.face_hash}


def test_one_person_in_other_photos_does_not_look_reused(lfw_hashes: dict[int, FaceHash]) -> None:
    for group in samples.SAME_PERSON_GROUPS:
        for first, second in itertools.combinations(group, 2):
            assert not lfw_hashes[first].looks_reused(lfw_hashes[second])


def test_other_faces_do_not_look_like_the_astronaut_photo(
    astronaut_reference: Reference, lfw_hashes: dict[int, FaceHash]
) -> None:
    assert len(lfw_hashes) >= 90
    assert (
        min(astronaut_reference.face_hash.distance(other) for other in lfw_hashes.values())
        > SAME_PHOTO_MAX_BITS
    )


def test_different_photos_rarely_look_reused(lfw_hashes: dict[int, FaceHash]) -> None:
    # 25-px LFW faces enlarged are all blur and alike (0.9% of pairs within the limit when measured);
    # sharp phone photos spread further apart.
    distances = [a.distance(b) for a, b in itertools.combinations(lfw_hashes.values(), 2)]
    assert sum(d <= SAME_PHOTO_MAX_BITS for d in distances) / len(distances) < 0.02
    assert float(np.median(distances)) >= 20
