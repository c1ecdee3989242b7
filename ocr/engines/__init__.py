"""OCR engines by name, and one lazily loaded instance of each per process."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any

from ocr.engines.base import EngineUnavailable, OcrEngine, TextLine

__all__ = [
    "DEFAULT_ENGINE",
    "ENGINE_NAMES",
    "EngineUnavailable",
    "OcrEngine",
    "TextLine",
    "UnknownEngine",
    "create_engine",
    "default_engine_name",
    "get_engine",
]

DEFAULT_ENGINE = "paddleocr"
ENGINE_ENV = "OCR_ENGINE"
ENGINE_NAMES = ("paddleocr", "rapidocr")

_instances: dict[str, OcrEngine] = {}
_instances_lock = threading.Lock()


class UnknownEngine(ValueError):
    """An engine name that is neither "paddleocr" nor "rapidocr"."""


def _paddleocr(**options: Any) -> OcrEngine:
    from ocr.engines.paddle import PaddleOcrEngine

    return PaddleOcrEngine(**options)


def _rapidocr(**options: Any) -> OcrEngine:
    from ocr.engines.rapid import RapidOcrEngine

    return RapidOcrEngine(**options)


_FACTORIES: dict[str, Callable[..., OcrEngine]] = {"paddleocr": _paddleocr, "rapidocr": _rapidocr}


def default_engine_name() -> str:
    """The engine named by $OCR_ENGINE, else PaddleOCR."""
    return os.environ.get(ENGINE_ENV, "").strip().lower() or DEFAULT_ENGINE


def create_engine(name: str, **options: Any) -> OcrEngine:
    """A new, not yet loaded engine called `name`; `options` go to its constructor (e.g. det_limit)."""
    try:
        factory = _FACTORIES[name.strip().lower()]
    except KeyError:
        raise UnknownEngine(f"unknown OCR engine {name!r}; choose one of {', '.join(ENGINE_NAMES)}") from None
    return factory(**options)


def get_engine(name: str | None = None) -> OcrEngine:
    """The process-wide instance of engine `name` (default: $OCR_ENGINE or PaddleOCR), loaded on first use."""
    key = (name or default_engine_name()).strip().lower()
    with _instances_lock:
        engine = _instances.get(key)
        if engine is None:
            engine = _instances[key] = create_engine(key)
    engine.load()
    return engine
