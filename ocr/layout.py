"""Geometry of recognised lines: undo the card's tilt, group lines into rows, split off field labels.

Pure: takes TextLine values, returns plain data. Labels are matched with a small table of
look-alike characters (性別 for 性别, 住扯 for 住址), and the long labels with one wrong character.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field

from ocr.engines.base import TextLine

# Canonical field labels of both faces, longest first so that 公民身份号码 wins over shorter overlaps.
PORTRAIT_LABELS = ("公民身份号码", "姓名", "性别", "民族", "出生", "住址")
EMBLEM_LABELS = ("签发机关", "有效期限")
EMBLEM_TITLES = ("中华人民共和国", "居民身份证")
ALL_LABELS = tuple(sorted((*PORTRAIT_LABELS, *EMBLEM_LABELS), key=len, reverse=True))

# Characters OCR engines read in place of a label character (shape look-alikes, traditional forms).
LOOK_ALIKES = {
    "姓": "娃妵", "名": "各呂", "性": "牲怪", "别": "別刖剐", "民": "巳", "族": "旅挨簇", "出": "岀山",
    "生": "主牛", "住": "往佳仕", "址": "扯趾扯地", "签": "筌", "发": "友", "机": "杌", "关": "美",
    "有": "宥", "效": "郊", "期": "朗", "限": "恨", "码": "玛吗", "号": "兮",
}  # fmt: skip


@dataclass(frozen=True)
class Found:
    """A field's raw text, the lowest OCR confidence behind it, and whether its label was read."""

    text: str
    confidence: float
    by_label: bool


@dataclass
class Piece:
    """Part of a segment's text: either a label (`label` set) or a value."""

    text: str
    label: str | None = None


@dataclass
class Segment:
    """A recognised line in deskewed coordinates, with its text split into labels and values."""

    text: str
    confidence: float
    left: float
    top: float
    right: float
    bottom: float
    pieces: list[Piece] = field(default_factory=list)

    @property
    def height(self) -> float:
        return max(1.0, self.bottom - self.top)

    @property
    def centre_y(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def labels(self) -> list[str]:
        return [piece.label for piece in self.pieces if piece.label]

    @property
    def value_text(self) -> str:
        return "".join(piece.text for piece in self.pieces if not piece.label)


@dataclass
class Row:
    """Segments that share a baseline, left to right."""

    segments: list[Segment]

    @property
    def centre_y(self) -> float:
        return statistics.fmean(segment.centre_y for segment in self.segments)

    @property
    def text(self) -> str:
        return "".join(segment.text for segment in self.segments)

    @property
    def labels(self) -> list[str]:
        return [label for segment in self.segments for label in segment.labels]


def tilt_of(lines: list[TextLine]) -> float:
    """The card's tilt in radians: the median slope of the top edges of wide boxes."""
    angles = []
    for line in lines:
        (x0, y0), (x1, y1) = line.box[0], line.box[1]
        width, height = math.dist(line.box[0], line.box[1]), math.dist(line.box[1], line.box[2])
        if width >= 2 * height and x1 > x0:
            angles.append(math.atan2(y1 - y0, x1 - x0))
    return statistics.median(angles) if angles else 0.0


def upright_share(lines: list[TextLine]) -> float:
    """The share of multi-character lines whose boxes are wider than tall (1.0 for an upright photo)."""
    boxes = [line.box for line in lines if len(line.text.strip()) >= 2]
    if not boxes:
        return 1.0
    wide = sum(math.dist(box[0], box[1]) >= math.dist(box[1], box[2]) for box in boxes)
    return wide / len(boxes)


def to_segments(lines: list[TextLine], *, min_confidence: float = 0.3) -> list[Segment]:
    """Deskewed segments with labels split off; drops empty and very doubtful lines."""
    angle = tilt_of(lines)
    cos_a, sin_a = math.cos(-angle), math.sin(-angle)
    segments = []
    for line in lines:
        text = "".join(line.text.split())
        if not text or line.confidence < min_confidence:
            continue
        xs = [x * cos_a - y * sin_a for x, y in line.box]
        ys = [x * sin_a + y * cos_a for x, y in line.box]
        segment = Segment(text, line.confidence, min(xs), min(ys), max(xs), max(ys))
        segment.pieces = split_labels(text)
        segments.append(segment)
    return segments


def group_rows(segments: list[Segment]) -> list[Row]:
    """Group segments whose vertical extents overlap by half the smaller height; rows top to bottom."""
    rows: list[Row] = []
    for segment in sorted(segments, key=lambda s: s.centre_y):
        best, best_overlap = None, 0.0
        for row in rows:
            overlap = min(
                (min(segment.bottom, other.bottom) - max(segment.top, other.top))
                / min(segment.height, other.height)
                for other in row.segments
            )
            if overlap > best_overlap:
                best, best_overlap = row, overlap
        if best is not None and best_overlap >= 0.5:
            best.segments.append(segment)
        else:
            rows.append(Row([segment]))
    for row in rows:
        row.segments.sort(key=lambda s: s.left)
    return sorted(rows, key=lambda r: r.centre_y)


def split_labels(text: str) -> list[Piece]:
    """Split `text` into label and value pieces: "性别女民族汉" → 性别 | 女 | 民族 | 汉."""
    pieces: list[Piece] = []
    position, value_start = 0, 0
    while position < len(text):
        match = _label_at(text, position, at_start=position == 0)
        if match is None:
            position += 1
            continue
        label, length = match
        if position > value_start:
            pieces.append(Piece(text[value_start:position]))
        pieces.append(Piece(text[position : position + length], label))
        position += length
        value_start = position
    if value_start < len(text):
        pieces.append(Piece(text[value_start:]))
    return pieces


def _label_at(text: str, position: int, *, at_start: bool = False) -> tuple[str, int] | None:
    for label in ALL_LABELS:
        window = text[position : position + len(label)]
        if len(window) != len(label):
            continue
        mismatches = [(a, b) for a, b in zip(window, label, strict=True) if a != b]
        if not mismatches:
            return label, len(label)
        if len(label) >= 6 and len(mismatches) == 2:
            return label, len(label)  # 公民身份号码 survives two misread characters
        if (
            len(label) >= 4
            and len(mismatches) == 2
            and any(seen in LOOK_ALIKES.get(want, "") for seen, want in mismatches)
        ):
            return label, len(label)  # 重发机美 for 签发机关: one wrong, one look-alike
        if len(mismatches) == 1:
            seen, expected = mismatches[0]
            # Long labels are distinctive enough to accept any one wrong character. A line starting
            # with a label's first character (姓 住 出 性 民: no value starts so) takes a misread second.
            second_misread = at_start and window[0] == label[0] and _is_cjk(seen)
            if len(label) >= 4 or seen in LOOK_ALIKES.get(expected, "") or second_misread:
                return label, len(label)
    return None


@dataclass(frozen=True)
class Value:
    """A value piece with the label it follows in its row (None when no label precedes it)."""

    label: str | None
    text: str
    segment: Segment


def row_values(row: Row) -> list[Value]:
    """The row's value pieces, each tied to the nearest label to its left in the same row."""
    values, current = [], None
    for segment in row.segments:
        for piece in segment.pieces:
            if piece.label:
                current = piece.label
            elif piece.text:
                values.append(Value(current, piece.text, segment))
    return values


def find_label_row(rows: list[Row], label: str) -> int | None:
    """The index of the first row carrying `label`, or None."""
    return next((index for index, row in enumerate(rows) if label in row.labels), None)


def contains_roughly(text: str, phrase: str) -> bool:
    """True when `text` holds `phrase` with at most one wrong character."""
    if phrase in text:
        return True
    size = len(phrase)
    return any(
        sum(a != b for a, b in zip(text[start : start + size], phrase, strict=True)) <= 1
        for start in range(len(text) - size + 1)
    )


def value_left(value: Value) -> float:
    """Where a value starts, estimated within its segment when a label is glued in front of it."""
    segment = value.segment
    offset = segment.text.find(value.text)
    if offset <= 0:
        return segment.left
    return segment.left + (segment.right - segment.left) * offset / len(segment.text)


def _is_cjk(character: str) -> bool:
    return "\u3400" <= character <= "\u9fff"
