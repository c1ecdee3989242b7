"""Find the raw texts of the emblem face: the issuing authority and the validity period."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ocr.id_number_reading import LOOK_ALIKES_AS_DIGITS
from ocr.layout import Found, Row, find_label_row, row_values, value_left

LONG_TERM = "长期"
_AUTHORITY = re.compile(r"公安(?:局|分局)|分局$")
_PERIOD = re.compile(r"(\d{4})\D?(\d{2})\D?(\d{2})\D{0,3}?(?:(\d{4})\D?(\d{2})\D?(\d{2})|(长期|长|期))")


@dataclass
class EmblemText:
    """Raw readings of the emblem face, before validation."""

    authority: Found | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    long_term: bool = False
    period: Found | None = None
    period_guessed: bool = False  # 长期 read with a character missing


def read_emblem(rows: list[Row]) -> EmblemText:
    """Locate the issuing authority and the validity period by label, else by their shapes."""
    found = EmblemText()
    period_row = _find_period(rows, found)
    _find_authority(rows, found, period_row)
    return found


def _find_period(rows: list[Row], found: EmblemText) -> int | None:
    labelled = find_label_row(rows, "有效期限")
    order = ([labelled] if labelled is not None else []) + [i for i in range(len(rows)) if i != labelled]
    for index in order:
        values = [value for value in row_values(rows[index]) if value.label in (None, "有效期限")]
        text = "".join(value.text for value in values).translate(LOOK_ALIKES_AS_DIGITS)
        match = _PERIOD.search(text)
        if not match:
            continue
        start_y, start_m, start_d, end_y, end_m, end_d, long_term = match.groups()
        try:
            found.valid_from = date(int(start_y), int(start_m), int(start_d))
            if long_term:
                found.long_term, found.period_guessed = True, long_term != LONG_TERM
            else:
                found.valid_to = date(int(end_y), int(end_m), int(end_d))
        except ValueError:
            found.valid_from = found.valid_to = None
            continue
        confidence = min(value.segment.confidence for value in values)
        found.period = Found(match.group(0), confidence, index == labelled)
        return index
    return labelled


def _find_authority(rows: list[Row], found: EmblemText, period_row: int | None) -> None:
    labelled = find_label_row(rows, "签发机关")
    if labelled is not None:
        values = [value for value in row_values(rows[labelled]) if value.label == "签发机关"]
        row_index, by_label = labelled, True
    else:
        row_index = next(
            (i for i, row in enumerate(rows) if i != period_row and _AUTHORITY.search(row.text)),
            None,
        )
        if row_index is None:
            return
        values = [value for value in row_values(rows[row_index]) if value.label is None]
        by_label = False
    if not values:
        return
    column = value_left(values[0])
    # A long authority name may wrap onto a second line aligned under the first.
    following = row_index + 1
    if following < len(rows) and following != period_row and not rows[following].labels:
        values += [
            value
            for value in row_values(rows[following])
            if abs(value_left(value) - column) <= 2 * value.segment.height
        ]
    text = "".join(value.text for value in values)
    found.authority = Found(text, min(value.segment.confidence for value in values), by_label)
