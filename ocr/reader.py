"""Read an ID card photo end to end: prepare the image, run the engine, retry turned, extract fields."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

from PIL import Image

from ocr.engines import OcrEngine, get_engine
from ocr.idcard import CardReading, extract_id_card
from ocr.layout import upright_share
from ocr.prepare import prepare_image

# Image.transpose operations that turn the photo counter-clockwise by the given degrees.
_TURNS = {90: Image.Transpose.ROTATE_90, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_270}


@dataclass
class OrientedReading:
    """The best reading over the orientations tried, and what trying them cost."""

    reading: CardReading
    rotation: int  # degrees the photo was turned counter-clockwise to read it
    engine_seconds: float
    extract_seconds: float
    passes: int


def read_id_card(
    image_bytes: bytes,
    engine: str | OcrEngine | None = None,
    *,
    today: date | None = None,
) -> dict[str, object]:
    """Read one photo of either face; raises ImageRejected for unusable bytes, EngineUnavailable if broken.

    Returns {"side", "fields", "confidence", "source", "warnings", "engine", "seconds",
    "rotation", "timings"}; absent fields are omitted, never invented.
    """
    started = time.perf_counter()
    prepared = prepare_image(image_bytes)
    prepared_at = time.perf_counter()
    ocr_engine = engine if isinstance(engine, OcrEngine) else get_engine(engine)
    ocr_engine.load()
    loaded_at = time.perf_counter()
    oriented = read_oriented(prepared.image, ocr_engine, today=today)
    finished = time.perf_counter()
    result = oriented.reading.to_dict()
    result.update(
        engine=ocr_engine.name,
        seconds=round(finished - started, 3),
        rotation=oriented.rotation,
        timings={
            "prepare": round(prepared_at - started, 3),
            "load": round(loaded_at - prepared_at, 3),
            "ocr": round(oriented.engine_seconds, 3),
            "extract": round(oriented.extract_seconds, 3),
            "passes": oriented.passes,
        },
    )
    return result


def read_oriented(image: Image.Image, engine: OcrEngine, *, today: date | None = None) -> OrientedReading:
    """Read the photo as it is; if the face is not recognised, the number is missing or the text
    runs sideways, read it turned by 90, 180 and 270 degrees and keep the best-scoring reading."""
    engine_seconds = extract_seconds = 0.0

    def attempt(picture: Image.Image) -> tuple[CardReading, float]:
        nonlocal engine_seconds, extract_seconds
        began = time.perf_counter()
        lines = engine.read(picture)
        read_at = time.perf_counter()
        reading = extract_id_card(lines, today=today)
        engine_seconds += read_at - began
        extract_seconds += time.perf_counter() - read_at
        return reading, upright_share(lines)

    reading, upright = attempt(image)
    best = OrientedReading(reading, 0, 0.0, 0.0, 1)
    sideways = upright < 0.5
    if not _needs_turning(reading, sideways):
        return _with_costs(best, engine_seconds, extract_seconds)
    best_score = reading.score if not sideways else -1.0
    for degrees in _turns_to_try(reading, sideways):
        turned, turned_upright = attempt(image.transpose(_TURNS[degrees]))
        best.passes += 1
        score = turned.score if turned_upright >= 0.5 else -1.0
        if score > best_score:
            best.reading, best.rotation, best_score = turned, degrees, score
        if turned_upright >= 0.5 and turned.complete:
            break
    return _with_costs(best, engine_seconds, extract_seconds)


def _turns_to_try(reading: CardReading, sideways: bool) -> tuple[int, int, int]:
    """Most likely first. The engines turn tall text boxes a quarter counter-clockwise before
    reading them, so sideways text that still reads well runs top to bottom: a quarter turn
    counter-clockwise (90) sets the photo upright; sideways text read as nonsense runs the other way."""
    if not sideways:
        return (180, 90, 270)
    return (90, 270, 180) if reading.side != "unknown" else (270, 90, 180)


def _needs_turning(reading: CardReading, sideways: bool) -> bool:
    if sideways:
        return True
    if reading.side == "unknown":
        return True
    return reading.side == "portrait" and "id_number" not in reading.fields


def _with_costs(oriented: OrientedReading, engine_seconds: float, extract_seconds: float) -> OrientedReading:
    oriented.engine_seconds, oriented.extract_seconds = engine_seconds, extract_seconds
    return oriented
