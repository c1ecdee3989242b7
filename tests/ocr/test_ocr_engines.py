"""Engine factory, singletons, model verification and PaddleOCR's offline model dirs."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import yaml
from PIL import Image

from ocr.engines import ENGINE_NAMES, UnknownEngine, create_engine, default_engine_name, get_engine
from ocr.engines.base import EngineUnavailable, TextLine, box_from_points, to_bgr_array
from ocr.engines.models import BUNDLED_MODELS, bundled_model, sha256_of, verify_file
from ocr.engines.paddle import MODEL_NAMES, prepare_model_dirs
from ocr.synthetic import make_card

ROOT = Path(__file__).resolve().parents[2]


def test_unknown_engine_name_is_refused():
    with pytest.raises(UnknownEngine):
        create_engine("tesseract")


def test_default_engine_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv("OCR_ENGINE", raising=False)
    assert default_engine_name() == "paddleocr"
    monkeypatch.setenv("OCR_ENGINE", "RapidOCR")
    assert default_engine_name() == "rapidocr"


@pytest.mark.parametrize("name", ENGINE_NAMES)
def test_created_engines_are_not_loaded_until_used(name):
    engine = create_engine(name)
    assert engine.name == name
    assert engine.load_seconds is None


@pytest.mark.slow
def test_get_engine_returns_one_loaded_instance_per_process():
    first = get_engine("rapidocr")
    assert first is get_engine("RAPIDOCR")
    assert first.load_seconds is not None


def test_bundled_models_match_their_published_hashes():
    for kind, (file_name, digest) in BUNDLED_MODELS.items():
        path = bundled_model(kind)
        assert path.name == file_name
        assert sha256_of(path) == digest


def test_an_altered_model_file_is_refused(tmp_path):
    model = tmp_path / "model.onnx"
    model.write_bytes(b"not the model")
    with pytest.raises(EngineUnavailable, match="SHA-256"):
        verify_file(model, BUNDLED_MODELS["det"][1])


def test_paddle_model_dirs_are_built_once_and_rebuilt_when_altered(tmp_path):
    dirs = prepare_model_dirs(tmp_path)
    assert set(dirs) == {"det", "rec"}
    rec_meta = yaml.safe_load((dirs["rec"] / "inference.yml").read_text(encoding="utf-8"))
    assert rec_meta["Global"]["model_name"] == MODEL_NAMES["rec"]
    dictionary = rec_meta["PostProcess"]["character_dict"]
    assert len(dictionary) > 18000 and {"翀", "䶮", "旻", "甦", "龑"} <= set(dictionary)
    det_onnx = dirs["det"] / "inference.onnx"
    assert sha256_of(det_onnx) == BUNDLED_MODELS["det"][1]
    built_at = det_onnx.stat().st_mtime_ns
    assert prepare_model_dirs(tmp_path) == dirs
    assert det_onnx.stat().st_mtime_ns == built_at  # reused, not rebuilt
    det_onnx.write_bytes(b"tampered")
    prepare_model_dirs(tmp_path)
    assert sha256_of(det_onnx) == BUNDLED_MODELS["det"][1]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging dirs left behind


def test_images_reach_engines_as_bgr():
    rgb = Image.new("RGB", (4, 2), (255, 0, 0))
    bgr = to_bgr_array(rgb)
    assert bgr.shape == (2, 4, 3)
    assert tuple(bgr[0, 0]) == (0, 0, 255)


def test_polygons_become_four_float_corners():
    box = box_from_points(np.array([[1, 2], [9, 2], [9, 6], [1, 6]], dtype=np.int32))
    assert box == ((1.0, 2.0), (9.0, 2.0), (9.0, 6.0), (1.0, 6.0))
    assert TextLine.from_rectangle("x", 0.5, 1, 2, 9, 6).box == box


@pytest.mark.slow
def test_engines_load_and_read_without_opening_a_network_connection(tmp_path):
    # A fresh interpreter where any connection attempt raises; model dirs built from scratch.
    script = textwrap.dedent(
        """
        import socket, sys
        attempts = []
        def refuse(*args, **kwargs):
            attempts.append(args)  # recorded too, in case a library swallows the error
            raise RuntimeError(f"network access attempted: {args!r}")
        socket.socket.connect = refuse
        socket.socket.connect_ex = refuse
        socket.getaddrinfo = refuse
        socket.create_connection = refuse
        from ocr.engines import create_engine
        from ocr.synthetic import make_card
        photo = make_card(1).image_bytes
        from ocr.reader import read_id_card
        for name in ("rapidocr", "paddleocr"):
            result = read_id_card(photo, engine=create_engine(name))
            print(name, result["fields"].get("id_number"))
        print("attempts", len(attempts))
        """
    )
    env = {**os.environ, "OCR_MODEL_DIR": str(tmp_path / "models")}
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    expected = make_card(1).identity.id_number
    assert completed.stdout.split() == ["rapidocr", expected, "paddleocr", expected, "attempts", "0"]
