"""Face embeddings as plain numbers: their size, comparison, and the one stored form (numpy only, so the
pure domain rules can use them without loading the face models' libraries)."""

from __future__ import annotations

import base64
import binascii

import numpy as np

EMBEDDING_SIZE = 128  # SFace


def normalise(vector: np.ndarray) -> np.ndarray:
    """`vector` scaled to unit length (a zero vector stays zero)."""
    norm = float(np.linalg.norm(vector))
    return (vector / norm).astype(np.float32) if norm > 0 else vector.astype(np.float32)


def cosine_similarity(first: np.ndarray, second: np.ndarray) -> float:
    """Cosine similarity of two embeddings (both normalised here, whatever they were given as)."""
    return float(np.dot(normalise(np.asarray(first)), normalise(np.asarray(second))))


def pack_embedding(vector: np.ndarray | None) -> str | None:
    """The stored form: base64 of little-endian float32 (512 bytes for SFace)."""
    if vector is None:
        return None
    return base64.b64encode(np.asarray(vector, dtype="<f4").tobytes()).decode("ascii")


def unpack_embedding(text: str | None) -> np.ndarray | None:
    """The embedding stored by `pack_embedding` (None for missing or malformed values)."""
    if not text:
        return None
    try:
        vector = np.frombuffer(base64.b64decode(text, validate=True), dtype="<f4")
    except (binascii.Error, ValueError):
        return None
    return vector if vector.shape == (EMBEDDING_SIZE,) else None
