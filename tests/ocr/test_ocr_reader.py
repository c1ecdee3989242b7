"""The reading pipeline with a stand-in engine: orientation retries, result shape, rejected bytes."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from ocr.engines.base import OcrEngine, TextLine
from ocr.prepare import ImageRejected
from ocr.reader import read_id_card

PORTRAIT_ROWS = [
    ["姓名", "张翀"],
    ["性别", "男", ("民族", 500), ("汉", 650)],
    ["出生", "1990年1月1日"],
    ["住址", "广东省深圳市福田区华"],
    [("富路1088号", 300)],
    ["公民身份号码", ("440304199001011233", 600)],
]


class MarkerEngine(OcrEngine):
    """Reads the recorded card only when the photo's red marker is top-left, i.e. the photo is upright."""

    name = "marker"

    def __init__(self, upright_lines: list[TextLine]) -> None:
        super().__init__()
        self.upright_lines = upright_lines
        self.calls = 0

    def _load(self) -> None:
        pass

    def _read(self, bgr: np.ndarray) -> list[TextLine]:
        self.calls += 1
        height, width = bgr.shape[:2]
        if tuple(bgr[2, 2]) == (0, 0, 255):
            return self.upright_lines
        if height > width:  # turned a quarter: tall boxes of nonsense
            return [
                TextLine.from_rectangle("丬", 0.4, 10, 10, 30, 90),
                TextLine.from_rectangle("彐彐", 0.3, 40, 10, 60, 120),
            ]
        return [TextLine.from_rectangle("6l0乙", 0.5, 10, 10, 120, 40)]


def _photo(turn: Image.Transpose | None = None) -> bytes:
    image = Image.new("RGB", (600, 400), (230, 230, 230))
    image.paste((255, 0, 0), (0, 0, 6, 6))
    if turn is not None:
        image = image.transpose(turn)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def engine(lines_factory) -> MarkerEngine:
    return MarkerEngine(lines_factory(PORTRAIT_ROWS))


def test_upright_photo_is_read_in_one_pass(engine):
    result = read_id_card(_photo(), engine=engine)
    assert (result["side"], result["rotation"], engine.calls) == ("portrait", 0, 1)
    assert result["fields"]["id_number"] == "440304199001011233"
    assert set(result) >= {
        "side",
        "fields",
        "confidence",
        "source",
        "warnings",
        "engine",
        "seconds",
        "timings",
    }
    assert result["engine"] == "marker"


@pytest.mark.parametrize(
    ("turn", "expected_rotation"),
    [(Image.Transpose.ROTATE_180, 180), (Image.Transpose.ROTATE_90, 270), (Image.Transpose.ROTATE_270, 90)],
)
def test_turned_photo_is_retried_until_upright(engine, turn, expected_rotation):
    result = read_id_card(_photo(turn), engine=engine)
    assert result["rotation"] == expected_rotation
    assert result["fields"]["name"] == "张翀"
    assert result["timings"]["passes"] == engine.calls <= 4


def test_photo_of_no_card_tries_every_orientation_and_invents_nothing(engine):
    engine.upright_lines = [TextLine.from_rectangle("今日菜单", 0.9, 10, 10, 200, 50)]
    result = read_id_card(_photo(), engine=engine)
    assert result["side"] == "unknown"
    assert result["fields"] == {}
    assert engine.calls == 4


def test_rejected_bytes_never_reach_the_engine(engine):
    with pytest.raises(ImageRejected):
        read_id_card(b"GIF89a-but-not-really", engine=engine)
    assert engine.calls == 0
