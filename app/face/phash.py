"""A 64-bit DCT perceptual hash of the aligned face chip, to spot one photo submitted again.

Hashing the aligned chip (not the whole upload) makes the hash survive re-cropping, rescaling,
recompression and small rotations of the same photo. The mirrored chip is hashed too, because a
front camera flips pictures and a reused photo may come back mirrored. The algorithm is the classic
pHash (as in the `imagehash` package): greyscale, 32x32, 2-D DCT-II, the 8x8 lowest frequencies
compared with their median.

A small distance says "probably the same photo", not "the same person": two genuine selfies of one
person taken a quarter apart should differ by far more. It is a signal for a reviewer, not a verdict;
it is much more specific when the two faces' embeddings also agree closely (cosine >= 0.8, as every
edit of one photo does), which is the check the anomaly service should make.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

HASH_SIZE = 8
_SAMPLE_SIZE = 32
# Measured in tests/face on the aligned chip: edits of one photo (crop, rescale, JPEG q15, brightness, grey,
# blur, mirror) 0-14 bits, but rotations of 8-15 degrees 20-30; one person in other photos 18-24; other
# faces median 26, and among scikit-image's blurry 25-px LFW faces 0.9% of pairs at 14 or less.
SAME_PHOTO_MAX_BITS = 14


def _dct_matrix(size: int) -> np.ndarray:
    k = np.arange(size)[:, None]
    n = np.arange(size)[None, :]
    return np.cos(np.pi * (2 * n + 1) * k / (2 * size))


_DCT = _dct_matrix(_SAMPLE_SIZE)


def phash(image: np.ndarray) -> int:
    """The 64-bit perceptual hash of a BGR or greyscale image, as an integer (first bit most significant)."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    sample = cv2.resize(grey, (_SAMPLE_SIZE, _SAMPLE_SIZE), interpolation=cv2.INTER_AREA).astype(np.float64)
    low = (_DCT @ sample @ _DCT.T)[:HASH_SIZE, :HASH_SIZE]
    bits = (low > np.median(low)).reshape(-1)
    return int("".join("1" if bit else "0" for bit in bits), 2)


def hamming(first: int | str, second: int | str) -> int:
    """The number of differing bits between two hashes given as integers or hex strings."""
    return (_as_int(first) ^ _as_int(second)).bit_count()


def _as_int(value: int | str) -> int:
    return int(value, 16) if isinstance(value, str) else value


@dataclass(frozen=True)
class FaceHash:
    """The pHash of an aligned face chip and of its mirror image, as 16-digit hex strings."""

    plain: str
    mirrored: str

    def distance(self, other: FaceHash) -> int:
        """Bits between two chips' hashes, counting a mirrored copy as the same photo."""
        return min(hamming(self.plain, other.plain), hamming(self.plain, other.mirrored))

    def looks_reused(self, other: FaceHash, max_bits: int = SAME_PHOTO_MAX_BITS) -> bool:
        """Whether `other` is probably the same photo (or its mirror) submitted again."""
        return self.distance(other) <= max_bits


def face_hash(chip: np.ndarray) -> FaceHash:
    """Hash an aligned face chip and its mirror image."""
    return FaceHash(
        plain=f"{phash(chip):016x}", mirrored=f"{phash(np.ascontiguousarray(chip[:, ::-1])):016x}"
    )
