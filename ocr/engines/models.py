"""The PP-OCRv6 small models bundled in the rapidocr wheel, found and checked by SHA-256."""

from __future__ import annotations

import functools
import hashlib
import importlib.util
from pathlib import Path

from ocr.engines.base import EngineUnavailable

# The digests rapidocr 3.10.0 publishes for these files (rapidocr/default_models.yaml).
BUNDLED_MODELS = {
    "det": ("PP-OCRv6_det_small.onnx", "090f04abcd9d9a7498bc4ebf677e4cb9bdce1fe4197ddb7e529f1ef44e1ff94f"),
    "rec": ("PP-OCRv6_rec_small.onnx", "6f327246b50388f3c176ae304bd95767ea6dc0c9ae92153ef8cbe210b3c14884"),
}


def sha256_of(path: Path) -> str:
    """The hex SHA-256 digest of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def rapidocr_models_dir() -> Path:
    """The models directory inside the installed rapidocr package."""
    spec = importlib.util.find_spec("rapidocr")
    if spec is None or not spec.submodule_search_locations:
        raise EngineUnavailable("the rapidocr package is not installed: it ships the PP-OCRv6 models")
    return Path(next(iter(spec.submodule_search_locations))) / "models"


@functools.cache
def bundled_model(kind: str) -> Path:
    """The verified path of the bundled "det" or "rec" model; raises EngineUnavailable if missing or altered."""
    file_name, expected = BUNDLED_MODELS[kind]
    path = rapidocr_models_dir() / file_name
    if not path.is_file():
        raise EngineUnavailable(f"{path} is missing: reinstall rapidocr 3.10.0, which bundles it")
    verify_file(path, expected)
    return path


def verify_file(path: Path, expected_sha256: str) -> None:
    """Raise EngineUnavailable unless the file's SHA-256 is `expected_sha256`."""
    actual = sha256_of(path)
    if actual != expected_sha256:
        raise EngineUnavailable(
            f"{path} has SHA-256 {actual}, expected {expected_sha256}: refusing to load it"
        )
