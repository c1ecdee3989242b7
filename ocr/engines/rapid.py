"""RapidOCR 3.x on onnxruntime with the PP-OCRv6 small models bundled in its wheel."""

from __future__ import annotations

import numpy as np

from ocr.engines.base import (
    DEFAULT_DET_LIMIT,
    DetectionLimit,
    EngineUnavailable,
    OcrEngine,
    TextLine,
    box_from_points,
)
from ocr.engines.models import bundled_model

# No angle classifier (the reader retries turned photos itself), quiet logs.
RAPIDOCR_PARAMS = {"Global.use_cls": False, "Global.log_level": "warning"}


class RapidOcrEngine(OcrEngine):
    """RapidOCR with explicit, hash-checked model paths, so it never reaches for a download."""

    name = "rapidocr"

    def __init__(
        self, det_limit: DetectionLimit = DEFAULT_DET_LIMIT, params: dict[str, object] | None = None
    ) -> None:
        super().__init__()
        limit_type, limit_side = det_limit
        self.params = {
            **RAPIDOCR_PARAMS,
            "Det.limit_type": limit_type,
            "Det.limit_side_len": limit_side,
            **(params or {}),
        }
        self._ocr = None

    def _load(self) -> None:
        try:
            from rapidocr import RapidOCR
        except ImportError as error:
            raise EngineUnavailable("rapidocr is not installed (pip install rapidocr onnxruntime)") from error
        params = {
            **self.params,
            "Det.model_path": str(bundled_model("det")),
            "Rec.model_path": str(bundled_model("rec")),
        }
        self._ocr = RapidOCR(params=params)
        # RapidOCR builds its sessions on first use; build them now so load time is paid here.
        for loader in ("_load_det_model", "_load_rec_model"):
            getattr(self._ocr, loader, lambda: None)()

    def _read(self, bgr: np.ndarray) -> list[TextLine]:
        result = self._ocr(bgr)
        if result.boxes is None or result.txts is None:
            return []
        return [
            TextLine(text=str(text), confidence=float(score), box=box_from_points(box))
            for box, text, score in zip(result.boxes, result.txts, result.scores, strict=True)
        ]
