"""Reading Chinese resident ID cards from photos; knows nothing of Flask.

`read_id_card(image_bytes, engine=None)` prepares the image, runs an offline OCR engine
(PaddleOCR or RapidOCR, PP-OCRv6 small models), retries turned photos and returns validated
fields with confidences, sources and warnings. `python -m ocr read-id PHOTO ...` prints the same.
"""

from __future__ import annotations

from ocr.engines import (
    DEFAULT_ENGINE,
    ENGINE_NAMES,
    EngineUnavailable,
    OcrEngine,
    TextLine,
    UnknownEngine,
    create_engine,
    default_engine_name,
    get_engine,
)
from ocr.idcard import CardReading, CardWarning, FieldReading, extract_id_card
from ocr.prepare import ImageRejected, PreparedImage, prepare_image
from ocr.reader import read_id_card

__all__ = [
    "DEFAULT_ENGINE",
    "ENGINE_NAMES",
    "CardReading",
    "CardWarning",
    "EngineUnavailable",
    "FieldReading",
    "ImageRejected",
    "OcrEngine",
    "PreparedImage",
    "TextLine",
    "UnknownEngine",
    "create_engine",
    "default_engine_name",
    "extract_id_card",
    "get_engine",
    "prepare_image",
    "read_id_card",
]
