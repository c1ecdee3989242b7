"""Fixtures for the ocr package: recorded engine output builders and generated card photos."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import pytest

from ocr.engines.base import TextLine
from ocr.synthetic import SyntheticCard, make_card

# One item of a row: text, or (text, left x), or (text, left x, confidence).
RowItem = str | tuple[str, float] | tuple[str, float, float]
LinesFactory = Callable[..., list[TextLine]]


def build_lines(
    rows: Sequence[Sequence[RowItem]],
    *,
    confidence: float = 0.99,
    line_height: float = 40.0,
    row_pitch: float = 70.0,
    top: float = 100.0,
    char_width: float = 38.0,
    tilt_degrees: float = 0.0,
) -> list[TextLine]:
    """Engine-like lines laid out in rows: label column at x=100, values at x=300 unless given."""
    lines = []
    angle = math.radians(tilt_degrees)
    for row_index, row in enumerate(rows):
        y = top + row_index * row_pitch
        for item_index, item in enumerate(row):
            text, left, score = _unpack(item, item_index, confidence)
            right = left + char_width * len(text)
            corners = ((left, y), (right, y), (right, y + line_height), (left, y + line_height))
            box = tuple(_rotate(point, angle) for point in corners)
            lines.append(TextLine(text, score, box))  # type: ignore[arg-type]
    return lines


def _unpack(item: RowItem, index: int, confidence: float) -> tuple[str, float, float]:
    if isinstance(item, str):
        return item, 100.0 if index == 0 else 300.0 + (index - 1) * 250.0, confidence
    if len(item) == 2:
        return item[0], float(item[1]), confidence
    return item[0], float(item[1]), float(item[2])


def _rotate(point: tuple[float, float], angle: float) -> tuple[float, float]:
    x, y = point
    return (x * math.cos(angle) - y * math.sin(angle), x * math.sin(angle) + y * math.cos(angle))


@pytest.fixture
def lines_factory() -> LinesFactory:
    """Build recorded-engine-like TextLine lists from rows of texts."""
    return build_lines


@pytest.fixture(scope="session")
def ci_cards() -> dict[str, SyntheticCard]:
    """The small set of generated photos the real-OCR tests read (generated once per session)."""
    return {
        "portrait": make_card(101),
        "portrait_rare_name": make_card(310, name="王翀䶮旻"),
        "emblem": make_card(103, side="emblem"),
        "hard_blur_glare": make_card(5011, difficulty="hard"),
        "hard_phone_photo": make_card(5004, difficulty="hard"),
        "rotated_90": make_card(105, quarter_turns=1),
        "rotated_180": make_card(106, quarter_turns=2),
        "corrupted": make_card(107, corrupt_id_number=True),
    }
