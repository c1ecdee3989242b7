"""PaddleOCR 3.x on its onnxruntime engine, fed the PP-OCRv6 small models from the rapidocr wheel.

PaddleOCR's default set-up downloads models, which fails offline. Instead each model gets a
directory (`inference.onnx` + `inference.yml`) built once in a cache directory: the yml body
comes from PaddleX's own `build_inference_meta`, the recognition dictionary from the ONNX
metadata. Model files are hash-checked before every load; paddlepaddle is not needed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

from ocr.engines.base import (
    DEFAULT_DET_LIMIT,
    DetectionLimit,
    EngineUnavailable,
    OcrEngine,
    TextLine,
    box_from_points,
)
from ocr.engines.models import BUNDLED_MODELS, bundled_model, sha256_of

MODEL_NAMES = {"det": "PP-OCRv6_small_det", "rec": "PP-OCRv6_small_rec"}
MODEL_DIR_ENV = "OCR_MODEL_DIR"


def default_model_cache() -> Path:
    """Where the PaddleOCR model dirs live: $OCR_MODEL_DIR, else the user's cache directory."""
    configured = os.environ.get(MODEL_DIR_ENV)
    if configured:
        return Path(configured)
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache_home) / "doudi" / "ocr-models"


def prepare_model_dirs(cache_dir: Path | None = None) -> dict[str, Path]:
    """Build (once) and verify the det and rec model dirs PaddleOCR loads; return them by kind."""
    cache_dir = cache_dir or default_model_cache()
    return {kind: _prepare_model_dir(kind, cache_dir / MODEL_NAMES[kind]) for kind in MODEL_NAMES}


def _prepare_model_dir(kind: str, target: Path) -> Path:
    _, expected = BUNDLED_MODELS[kind]
    onnx_file, yml_file = target / "inference.onnx", target / "inference.yml"
    if onnx_file.is_file() and yml_file.is_file() and sha256_of(onnx_file) == expected:
        return target
    source = bundled_model(kind)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Build in a sibling temporary dir and rename it into place, so a crash or a concurrent
    # worker never sees a half-written model dir.
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        shutil.copyfile(source, staging / "inference.onnx")
        _write_inference_yml(kind, source, staging / "inference.yml")
        if sha256_of(staging / "inference.onnx") != expected:
            raise EngineUnavailable(f"copy of {source} to {staging} does not match its SHA-256")
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _keep_paddlex_offline() -> None:
    """PaddleX probes model hosting sites unless told not to; everything here is local."""
    os.environ["PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK"] = "True"


def _write_inference_yml(kind: str, onnx_path: Path, destination: Path) -> None:
    _keep_paddlex_offline()
    import yaml
    from paddlex.modules.base.utils.pdparams2safetensors.inference_meta import build_inference_meta

    meta = build_inference_meta(MODEL_NAMES[kind])
    meta.setdefault("Global", {})["model_name"] = MODEL_NAMES[kind]
    if kind == "rec":
        meta.setdefault("PostProcess", {})["character_dict"] = _onnx_character_dict(onnx_path)
    destination.write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _onnx_character_dict(onnx_path: Path) -> list[str]:
    import onnxruntime

    session = onnxruntime.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    characters = session.get_modelmeta().custom_metadata_map.get("character")
    if not characters:
        raise EngineUnavailable(f"{onnx_path} carries no character dictionary in its metadata")
    return characters.splitlines()


class PaddleOcrEngine(OcrEngine):
    """PaddleOCR's text pipeline with the document and text-line orientation models turned off."""

    name = "paddleocr"

    def __init__(
        self,
        det_limit: DetectionLimit = DEFAULT_DET_LIMIT,
        model_cache: Path | None = None,
        **options: object,
    ) -> None:
        super().__init__()
        self.model_cache = model_cache
        limit_type, limit_side = det_limit
        self.options = {"text_det_limit_type": limit_type, "text_det_limit_side_len": limit_side, **options}
        self._pipeline = None

    def _load(self) -> None:
        _keep_paddlex_offline()
        try:
            from paddleocr import PaddleOCR
        except ImportError as error:
            raise EngineUnavailable(
                "paddleocr is not installed (pip install paddleocr onnxruntime)"
            ) from error
        dirs = prepare_model_dirs(self.model_cache)
        self._pipeline = PaddleOCR(
            engine="onnxruntime",
            text_detection_model_name=MODEL_NAMES["det"],
            text_detection_model_dir=str(dirs["det"]),
            text_recognition_model_name=MODEL_NAMES["rec"],
            text_recognition_model_dir=str(dirs["rec"]),
            use_doc_orientation_classify=False,
            use_doc_unwarping=False,
            use_textline_orientation=False,
            **self.options,
        )

    def _read(self, bgr: np.ndarray) -> list[TextLine]:
        results = self._pipeline.predict(bgr)
        lines: list[TextLine] = []
        for result in results:
            for text, score, polygon in zip(
                result["rec_texts"], result["rec_scores"], result["rec_polys"], strict=True
            ):
                if text:
                    lines.append(
                        TextLine(text=str(text), confidence=float(score), box=box_from_points(polygon))
                    )
        return lines
