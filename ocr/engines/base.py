"""What every OCR engine offers: load once, then read text lines with their confidence and box."""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np
from PIL import Image

Point = tuple[float, float]
# How the text detector scales the image: ("min", n) keeps the image's own size unless its
# short side is under n; ("max", n) shrinks it until its long side is at most n. Recognition
# always reads the crops at full resolution. Measured on the benchmark set: ("max", 1280) reads
# exactly as well as ("min", 64) (detection on all 2000 px) and halves detection time on phone photos.
DetectionLimit = tuple[str, int]
DEFAULT_DET_LIMIT: DetectionLimit = ("max", 1280)


@dataclass(frozen=True)
class TextLine:
    """One recognised line: its text, the engine's confidence (0..1) and its four corners (clockwise from top-left)."""

    text: str
    confidence: float
    box: tuple[Point, Point, Point, Point]

    @classmethod
    def from_rectangle(
        cls, text: str, confidence: float, left: float, top: float, right: float, bottom: float
    ) -> TextLine:
        """A line whose box is an upright rectangle; handy for recorded output in tests."""
        return cls(text, confidence, ((left, top), (right, top), (right, bottom), (left, bottom)))


class EngineUnavailable(RuntimeError):
    """The engine cannot run here: a package or a bundled model file is missing or altered."""


class OcrEngine(ABC):
    """An OCR engine; `load()` is idempotent and thread-safe, `read()` loads on first use."""

    name: str = "abstract"

    def __init__(self) -> None:
        self._load_lock = threading.Lock()
        # One inference at a time per engine: the pipelines keep state between calls, and two
        # cores gain nothing from overlapping runs that each use both.
        self._read_lock = threading.Lock()
        self._loaded = False
        self.load_seconds: float | None = None

    def load(self) -> None:
        """Load the models once; later calls return at once."""
        if self._loaded:
            return
        with self._load_lock:
            if self._loaded:
                return
            started = time.perf_counter()
            self._load()
            self.load_seconds = time.perf_counter() - started
            self._loaded = True

    def read(self, image: Image.Image | np.ndarray) -> list[TextLine]:
        """Recognise the text lines of an RGB image (PIL image, or an H×W×3 RGB array)."""
        self.load()
        bgr = to_bgr_array(image)
        with self._read_lock:
            return self._read(bgr)

    @abstractmethod
    def _load(self) -> None: ...

    @abstractmethod
    def _read(self, bgr: np.ndarray) -> list[TextLine]: ...


def to_bgr_array(image: Image.Image | np.ndarray) -> np.ndarray:
    """The BGR uint8 array both engines expect, from an RGB PIL image or RGB array."""
    if isinstance(image, Image.Image):
        image = np.asarray(image.convert("RGB"))
    if image.ndim == 2:
        image = np.stack([image] * 3, axis=-1)
    return np.ascontiguousarray(image[..., 2::-1])


def box_from_points(points: object) -> tuple[Point, Point, Point, Point]:
    """A four-corner box of plain floats from an engine's polygon (array or nested lists)."""
    array = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    if len(array) != 4:
        xs, ys = array[:, 0], array[:, 1]
        array = np.array(
            [[xs.min(), ys.min()], [xs.max(), ys.min()], [xs.max(), ys.max()], [xs.min(), ys.max()]]
        )
    return tuple((float(x), float(y)) for x, y in array)  # type: ignore[return-value]
