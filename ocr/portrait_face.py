"""Find the raw texts of the portrait face (name, sex, ethnicity, birth, address, number) in rows.

Labels are used when read; when one is missing, the fixed order of the face stands in for it:
name, sex and ethnicity, birth date, one to four address lines, then the number at the bottom.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from datetime import date

from ocr.ethnicities import closest_ethnicity
from ocr.id_number_reading import LOOK_ALIKES_AS_DIGITS, longest_id_run
from ocr.layout import Found, Row, Segment, Value, find_label_row, row_values, value_left

MIN_ID_RUN = 15
_BIRTH = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})")
# 年 or 月 lost or misread: "194212月118" is 1942-12-11; the year must look like one.
_LOOSE_BIRTH = re.compile(r"((?:18|19|20)\d{2})\D{0,2}?(\d{1,2})\D{0,2}?(\d{1,2})")
_NAME_DOTS = str.maketrans(dict.fromkeys("•・.．‧∙⋅-", "·"))


@dataclass
class PortraitText:
    """Raw readings of the portrait face, before validation."""

    number: Found | None = None
    birth: date | None = None
    birth_found: Found | None = None
    sex: Found | None = None
    ethnicity: Found | None = None
    name: Found | None = None
    address: Found | None = None


def read_portrait(rows: list[Row]) -> PortraitText:
    """Locate every portrait field in `rows` by label, falling back on the face's line order."""
    found = PortraitText()
    number_row = _find_number(rows, found)
    birth_row = _find_birth(rows, found, number_row)
    sex_row = _find_sex_and_ethnicity(rows, found, birth_row)
    column = _value_column(rows, number_row)
    _find_name(rows, found, sex_row, birth_row, column)
    _find_address(rows, found, birth_row, sex_row, number_row, column)
    return found


def _value_column(rows: list[Row], number_row: int | None) -> float | None:
    """Where values start (right of the labels): the median start of the longer values."""
    starts = [
        value_left(value)
        for index, row in enumerate(rows)
        if index != number_row
        for value in row_values(row)
        if len(value.text) >= 4 and value.label != "公民身份号码"
    ]
    return statistics.median(starts) if starts else None


def _right_of(values: list[Value], column: float | None) -> list[Value]:
    """Drop short unlabelled values starting well left of the value column: labels misread as something else."""
    if column is None:
        return values
    return [
        value
        for value in values
        if value.label is not None
        or value_left(value) >= column - 1.5 * value.segment.height
        or (len(value.text) > 2 and value.segment.right > column)
    ]


def _min_confidence(segments: list[Segment]) -> float:
    return min((segment.confidence for segment in segments), default=0.0)


def _find_number(rows: list[Row], found: PortraitText) -> int | None:
    labelled = find_label_row(rows, "公民身份号码")
    best: tuple[tuple[int, int, int], int, str, list[Segment]] | None = None
    for index, row in enumerate(rows):
        run, segments = _id_run_of_row(row)
        if len(run) < MIN_ID_RUN:
            continue
        rank = (int(index == labelled), sum(ch.isdigit() for ch in run), -abs(len(run) - 18))
        if best is None or rank > best[0]:
            best = (rank, index, run, segments)
    if best is None:
        return labelled
    _, index, run, segments = best
    found.number = Found(run, _min_confidence(segments), labelled == index)
    return index


def _id_run_of_row(row: Row) -> tuple[str, list[Segment]]:
    """The longest ID-like run in a row, joining neighbours when the detector split the number."""
    best, best_segments = "", []
    chain, chain_segments = "", []
    for segment in row.segments:
        value = segment.value_text
        run = longest_id_run(value)
        if run and run == value:
            chain, chain_segments = chain + run, [*chain_segments, segment]
        else:
            chain, chain_segments = run, [segment] if run else []
        if len(chain) > len(best):
            best, best_segments = chain, list(chain_segments)
        if run != value:
            chain, chain_segments = "", []
    return best, best_segments


def _find_birth(rows: list[Row], found: PortraitText, number_row: int | None) -> int | None:
    labelled = find_label_row(rows, "出生")
    others = [i for i in range(len(rows) if number_row is None else number_row) if i != labelled]
    attempts = [(labelled, _BIRTH), (labelled, _LOOSE_BIRTH)] if labelled is not None else []
    attempts += [(index, _BIRTH) for index in others] + [(index, _LOOSE_BIRTH) for index in others]
    for index, pattern in attempts:
        values = [value for value in row_values(rows[index]) if value.label in (None, "出生")]
        text = "".join(value.text for value in values).translate(LOOK_ALIKES_AS_DIGITS)
        match = pattern.search(text)
        if not match:
            continue
        try:
            birth = date(*(int(part) for part in match.groups()))
        except ValueError:
            continue
        confidence = _min_confidence([value.segment for value in values])
        found.birth, found.birth_found = birth, Found(birth.isoformat(), confidence, index == labelled)
        return index
    return labelled


def _find_sex_and_ethnicity(rows: list[Row], found: PortraitText, birth_row: int | None) -> int | None:
    row_index = find_label_row(rows, "性别")
    if row_index is None:
        row_index = find_label_row(rows, "民族")
    if row_index is None:
        row_index = next((i for i, row in enumerate(rows) if _bare_sex(row)), None)
    if row_index is None and birth_row is not None and birth_row > 0:
        row_index = birth_row - 1
    if row_index is None:
        return None
    sex_parts, ethnicity_parts = [], []
    for value in row_values(rows[row_index]):
        if value.label == "民族":
            ethnicity_parts.append(value)
        elif value.label in (None, "性别"):
            text = value.text.lstrip("性别")  # what is left of a half-read label: "别女"
            if text[:1] in ("男", "女") and not sex_parts:
                sex_parts.append(_tail(value, text))
                if len(text) > 1:  # "男汉": sex and ethnicity read as one line
                    ethnicity_parts.append(_tail(value, text[1:]))
            elif sex_parts:
                ethnicity_parts.append(value)
    if sex_parts:
        first = sex_parts[0]
        found.sex = Found(first.text[0], first.segment.confidence, first.label == "性别")
    if ethnicity_parts:
        text = "".join(value.text for value in ethnicity_parts)
        by_label = any(value.label == "民族" for value in ethnicity_parts)
        found.ethnicity = Found(text, _min_confidence([v.segment for v in ethnicity_parts]), by_label)
    return row_index


def _bare_sex(row: Row) -> bool:
    """True when a row holds 男 or 女 alone, or followed by an ethnicity ("女汉") with its labels lost."""
    for value in row_values(row):
        text = value.text.lstrip("性别")
        sex, rest = text[:1], text[1:]
        if sex in ("男", "女") and (not rest or closest_ethnicity(rest)):
            return True
    return False


def _tail(value: Value, text: str) -> Value:
    return Value(value.label, text, value.segment)


def _find_name(
    rows: list[Row], found: PortraitText, sex_row: int | None, birth_row: int | None, column: float | None
) -> None:
    labelled = find_label_row(rows, "姓名")
    if labelled is not None:
        values = [value for value in row_values(rows[labelled]) if value.label == "姓名"]
        row_index, by_label = labelled, True
    else:
        anchor = sex_row if sex_row is not None else (birth_row - 1 if birth_row else None)
        if not anchor:
            return
        row_index, by_label = anchor - 1, False
        values = [value for value in row_values(rows[row_index]) if value.label is None]
    values = _leftmost_cluster(_right_of(values, column))
    if not values:
        return
    text = "".join(value.text for value in values).translate(_NAME_DOTS).strip("·")
    found.name = Found(text, _min_confidence([v.segment for v in values]), by_label)


def _leftmost_cluster(values: list[Value]) -> list[Value]:
    """The first value and those following it closely: drops stray text further right (the photo)."""
    if not values:
        return []
    cluster = [values[0]]
    for value in values[1:]:
        previous = cluster[-1].segment
        if value.segment is previous or value.segment.left - previous.right <= 2.5 * previous.height:
            cluster.append(value)
        else:
            break
    return cluster


def _find_address(
    rows: list[Row],
    found: PortraitText,
    birth_row: int | None,
    sex_row: int | None,
    number_row: int | None,
    value_column: float | None,
) -> None:
    labelled = find_label_row(rows, "住址")
    if labelled is not None:
        start, by_label = labelled, True
    elif birth_row is not None:
        start, by_label = birth_row + 1, False
    elif sex_row is not None:
        start, by_label = sex_row + 2, False
    else:
        return
    end = number_row if number_row is not None and number_row > start else min(len(rows), start + 4)
    lines: list[Value] = []
    column: float | None = None
    for index in range(start, min(end, start + 5)):
        row = rows[index]
        if "公民身份号码" in row.labels or (index == start and set(row.labels) - {"住址"}):
            break
        if index == start:
            values = [value for value in row_values(row) if value.label in (None, "住址")]
        else:
            # Below the first line everything is address, even text that looks like a label (民族路).
            values = [Value(None, segment.text, segment) for segment in row.segments]
        candidates = _right_of(values, value_column)
        if column is not None:
            candidates = [v for v in candidates if abs(value_left(v) - column) <= 2.5 * v.segment.height]
        candidates = _leftmost_cluster(candidates)
        if not candidates:
            continue
        if column is None:
            column = value_left(candidates[0])
        lines.extend(candidates)
    if lines:
        text = "".join(value.text for value in lines)
        found.address = Found(text, _min_confidence([v.segment for v in lines]), by_label)
