"""Engines the ID-photo tests configure through OCR_ENGINE="tests.id_photos.engines:<Name>".

Only for plumbing: every path they stand in for is also run with the real PaddleOCR engine in
test_id_photo_flow.py and test_id_photo_worker.py.
"""

from __future__ import annotations

import os
import time

import numpy as np

import ocr
from ocr.engines.base import OcrEngine, TextLine
from tests.ocr.test_ocr_extraction import RECORDED_PORTRAIT

RECORDED_NUMBER = "527694196710044074"  # the number in RECORDED_PORTRAIT


class CountingPaddle(OcrEngine):
    """The real PaddleOCR engine, counting how many photos it was asked to read."""

    name = "paddleocr"
    reads = 0

    def _load(self) -> None:
        self.real = ocr.get_engine("paddleocr")

    def _read(self, bgr: np.ndarray) -> list[TextLine]:
        type(self).reads += 1
        return self.real._read(bgr)


class RecordedEngine(OcrEngine):
    """Answers every photo with PaddleOCR's recorded output for one generated portrait face."""

    name = "recorded"
    reads = 0

    def _load(self) -> None:
        pass

    def _read(self, bgr: np.ndarray) -> list[TextLine]:
        type(self).reads += 1
        return list(RECORDED_PORTRAIT)


class FlakyEngine(RecordedEngine):
    """Fails while `failures_left` is above zero, then answers like RecordedEngine."""

    failures_left = 0

    def _read(self, bgr: np.ndarray) -> list[TextLine]:
        if type(self).failures_left > 0:
            type(self).failures_left -= 1
            raise RuntimeError("engine crashed")
        return super()._read(bgr)


class StallingEngine(RecordedEngine):
    """Hangs inside the read (for $STALL_SECONDS, default 300) so a test can kill its worker there."""

    def _read(self, bgr: np.ndarray) -> list[TextLine]:
        time.sleep(float(os.environ.get("STALL_SECONDS", 300)))
        return super()._read(bgr)
