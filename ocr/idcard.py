"""ID card fields from recognised text lines, validated: pure, tested on recorded engine output alone.

Every field carries a confidence (0..1) and a source ("ocr", "corrected",
"derived_from_id_number"). A number that fails GB 11643 is returned as a flagged suggestion,
never as a fact; sex and birth date come from a valid number and are cross-checked against the
printed ones; the ethnicity must be one of the 56 groups. Doubt is spelled out in `warnings`.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date

from app.domain.id_numbers import IdNumberFacts
from ocr.emblem_face import LONG_TERM, EmblemText, read_emblem
from ocr.engines.base import TextLine
from ocr.ethnicities import canonical_ethnicity, closest_ethnicity
from ocr.id_number_reading import read_id_number
from ocr.layout import (
    EMBLEM_LABELS,
    EMBLEM_TITLES,
    PORTRAIT_LABELS,
    Found,
    Row,
    contains_roughly,
    group_rows,
)
from ocr.layout import to_segments as _to_segments
from ocr.portrait_face import PortraitText, read_portrait

FIELD_ORDER = ("name", "sex", "ethnicity", "birth_date", "address", "id_number",
               "issuing_authority", "valid_from", "valid_to")  # fmt: skip
SUGGESTION_BELOW = 0.6
UNVERIFIED_CAP = 0.8  # sex and birth date read from print, with no valid number to check them against
_SEX = {"男": "male", "女": "female"}


@dataclass(frozen=True)
class FieldReading:
    """One field's value, how sure we are (0..1) and where it came from."""

    value: str
    confidence: float
    source: str = "ocr"


@dataclass(frozen=True)
class CardWarning:
    """Something the resident must check: a stable `code`, the `field` it concerns, a plain-Chinese message."""

    field: str | None
    code: str
    message: str

    def to_dict(self) -> dict[str, str | None]:
        """The JSON form: {"field", "code", "message"}."""
        return {"field": self.field, "code": self.code, "message": self.message}


@dataclass
class CardReading:
    """The outcome of reading one face: side, fields, warnings, and what the rotation retry compares."""

    side: str
    fields: dict[str, FieldReading] = field(default_factory=dict)
    warnings: list[CardWarning] = field(default_factory=list)
    labels_found: int = 0
    mean_confidence: float = 0.0

    def warn(self, field_name: str | None, code: str, message: str) -> None:
        """Add a warning unless the same one is there already."""
        warning = CardWarning(field_name, code, message)
        if warning not in self.warnings:
            self.warnings.append(warning)

    def flagged(self, field_name: str) -> bool:
        """True when a warning names `field_name`."""
        return any(warning.field == field_name for warning in self.warnings)

    @property
    def complete(self) -> bool:
        """True when the reading is good enough that another orientation cannot improve it."""
        if self.side == "portrait":
            return "id_number" in self.fields and not self.flagged("id_number")
        if self.side == "emblem":
            return "valid_from" in self.fields and "issuing_authority" in self.fields
        return False

    @property
    def score(self) -> float:
        """Higher is better: a valid number, labels found, then mean OCR confidence."""
        number = self.fields.get("id_number")
        number_points = 0 if number is None else 3 if self.flagged("id_number") else 10
        period_points = 5 if "valid_from" in self.fields else 0
        side_points = 0 if self.side == "unknown" else 2
        return number_points + period_points + side_points + self.labels_found + self.mean_confidence

    def to_dict(self) -> dict[str, object]:
        """The JSON form used by the CLI: side, fields, confidence, source, warnings."""
        names = [name for name in FIELD_ORDER if name in self.fields]
        return {
            "side": self.side,
            "fields": {name: self.fields[name].value for name in names},
            "confidence": {name: round(self.fields[name].confidence, 3) for name in names},
            "source": {name: self.fields[name].source for name in names},
            "warnings": [warning.to_dict() for warning in self.warnings],
        }


def extract_id_card(lines: list[TextLine], *, today: date | None = None) -> CardReading:
    """Classify the face and extract and validate its fields from an engine's text lines."""
    rows = group_rows(_to_segments(lines))
    side, labels_found, portrait, emblem = _classify(rows)
    reading = CardReading(side=side, labels_found=labels_found)
    reading.mean_confidence = statistics.fmean([line.confidence for line in lines]) if lines else 0.0
    if side == "portrait":
        _fill_portrait(reading, portrait, today or date.today())
    elif side == "emblem":
        _fill_emblem(reading, emblem, today or date.today())
    for name, value in reading.fields.items():
        if value.confidence < SUGGESTION_BELOW and not reading.flagged(name):
            reading.warn(name, "low_confidence", "这一项识别得不够清楚，请核对")
    return reading


def classify_side(lines: list[TextLine]) -> str:
    """ "portrait", "emblem" or "unknown" for an engine's text lines."""
    return _classify(group_rows(_to_segments(lines)))[0]


def _classify(rows: list[Row]) -> tuple[str, int, PortraitText, EmblemText]:
    """The side, the number of distinct labels and titles found, and both faces' raw readings."""
    labels = {label for row in rows for label in row.labels}
    portrait_labels = len(labels & set(PORTRAIT_LABELS))
    emblem_labels = len(labels & set(EMBLEM_LABELS))
    emblem_labels += sum(any(contains_roughly(row.text, title) for row in rows) for title in EMBLEM_TITLES)
    portrait = read_portrait(rows)
    emblem = read_emblem(rows)
    portrait_score = portrait_labels + 2 * (portrait.number is not None) + (portrait.birth is not None)
    emblem_score = emblem_labels + 2 * (emblem.valid_from is not None) + (emblem.authority is not None)
    if portrait_score >= 2 and portrait_score > emblem_score:
        return "portrait", portrait_labels, portrait, emblem
    if emblem_score >= 2 and emblem_score > portrait_score:
        return "emblem", emblem_labels, portrait, emblem
    return "unknown", max(portrait_labels, emblem_labels), portrait, emblem


def _confidence(found: Found, *, unlabelled_factor: float = 0.85) -> float:
    return found.confidence * (1.0 if found.by_label else unlabelled_factor)


def _fill_portrait(reading: CardReading, text: PortraitText, today: date) -> None:
    fields = reading.fields
    if text.name:
        _fill_name(reading, text.name)
    if text.ethnicity:
        _fill_ethnicity(reading, text.ethnicity)
    if text.address:
        fields["address"] = FieldReading(text.address.text, _confidence(text.address))
    printed_sex = _SEX.get(text.sex.text) if text.sex else None
    facts = _fill_number(reading, text.number, today)
    if facts is not None:
        number_confidence = fields["id_number"].confidence
        fields["sex"] = FieldReading(facts.sex, number_confidence, "derived_from_id_number")
        fields["birth_date"] = FieldReading(
            facts.birth_date.isoformat(), number_confidence, "derived_from_id_number"
        )
        if printed_sex is not None and printed_sex != facts.sex:
            _mismatch(reading, "sex", "sex_mismatch", "卡面上的性别与身份证号码不一致，请核对")
        if text.birth is not None and text.birth != facts.birth_date:
            _mismatch(
                reading, "birth_date", "birth_date_mismatch", "卡面上的出生日期与身份证号码不一致，请核对"
            )
        return
    if printed_sex is not None and text.sex is not None:
        fields["sex"] = FieldReading(printed_sex, min(_confidence(text.sex), UNVERIFIED_CAP))
    if text.birth is not None and text.birth_found is not None:
        fields["birth_date"] = FieldReading(
            text.birth.isoformat(), min(_confidence(text.birth_found), UNVERIFIED_CAP)
        )


def _fill_number(reading: CardReading, found: Found | None, today: date) -> IdNumberFacts | None:
    """Add the number as a fact when valid, as a flagged suggestion otherwise; return its facts if valid."""
    if found is None:
        reading.warn("id_number", "id_number_not_found", "没有识别到身份证号码，请手动填写")
        return None
    number = read_id_number(found.text, today=today)
    confidence = _confidence(found)
    if number.status == "valid":
        reading.fields["id_number"] = FieldReading(number.number, min(confidence, 0.99))
    elif number.status == "corrected":
        reading.fields["id_number"] = FieldReading(number.number, min(confidence, 0.85), "corrected")
        reading.warn(
            "id_number", "id_number_corrected", "身份证号码中有字符识别不清，已按校验规则补正，请核对"
        )
    else:
        reading.fields["id_number"] = FieldReading(number.number, min(confidence, 0.3))
        reading.warn("id_number", number.error_code or "id_number_invalid", number.error_message or "")
    return number.facts


def _mismatch(reading: CardReading, field_name: str, code: str, message: str) -> None:
    """Printed and derived disagree: both the field and the number become suggestions."""
    for name in (field_name, "id_number"):
        current = reading.fields[name]
        reading.fields[name] = FieldReading(current.value, min(current.confidence, 0.5), current.source)
        reading.warn(name, code, message)


def _fill_name(reading: CardReading, found: Found) -> None:
    name, confidence = found.text, _confidence(found)
    # Specks beside the name (a symbol read in the gap after the label) cannot belong to it, nor
    # can 名 in front of a full name: what is left of a half-read 姓名.
    trimmed = _trim_non_name(name)
    if trimmed.startswith("名") and len(trimmed) >= 3:
        trimmed = trimmed[1:]
    if trimmed != name and trimmed:
        name, confidence = trimmed, min(confidence, 0.75)
    if not all(_is_cjk(ch) or ch == "·" for ch in name) or not 2 <= len(name) <= 20:
        confidence = min(confidence, 0.4)
        reading.warn("name", "name_unclear", "姓名中有识别不清的字符，请核对")
    reading.fields["name"] = FieldReading(name, confidence)


def _trim_non_name(name: str) -> str:
    """Strip leading and trailing symbols (not CJK, not letters or digits, which would be misreads)."""
    start, end = 0, len(name)
    while start < end and not _is_cjk(name[start]) and not name[start].isalnum():
        start += 1
    while end > start and not _is_cjk(name[end - 1]) and not name[end - 1].isalnum():
        end -= 1
    return name[start:end]


def _fill_ethnicity(reading: CardReading, found: Found) -> None:
    if "族" in found.text[:-1]:  # a misread 民族 label left in front: "R族畲"
        found = Found(found.text.rsplit("族", 1)[1], found.confidence * 0.9, found.by_label)
    elif found.text.startswith("民"):  # no group's name starts with 民: what is left of the label
        found = Found(found.text[1:], found.confidence * 0.9, found.by_label)
    if not found.text:
        return
    exact = canonical_ethnicity(found.text)
    if exact:
        reading.fields["ethnicity"] = FieldReading(exact, _confidence(found))
        return
    closest = closest_ethnicity(found.text)
    if closest:
        reading.fields["ethnicity"] = FieldReading(closest, min(_confidence(found), 0.7), "corrected")
        reading.warn(
            "ethnicity",
            "ethnicity_corrected",
            f"民族识别为“{found.text}”，按56个民族更正为“{closest}”，请核对",
        )
        return
    reading.fields["ethnicity"] = FieldReading(found.text, min(_confidence(found), 0.3))
    reading.warn("ethnicity", "ethnicity_unknown", f"“{found.text}”不是56个民族之一，请核对")


def _fill_emblem(reading: CardReading, text: EmblemText, today: date) -> None:
    fields = reading.fields
    if text.authority:
        authority = text.authority.text
        confidence = _confidence(text.authority)
        if not authority.endswith(("公安局", "分局")):
            confidence = min(confidence, 0.5)
            reading.warn(
                "issuing_authority", "authority_unusual", "签发机关通常以“公安局”或“分局”结尾，请核对"
            )
        fields["issuing_authority"] = FieldReading(authority, confidence)
    if text.valid_from is None or text.period is None:
        return
    confidence = _confidence(text.period)
    fields["valid_from"] = FieldReading(text.valid_from.isoformat(), confidence)
    if text.long_term:
        fields["valid_to"] = FieldReading(
            LONG_TERM, min(confidence, 0.7) if text.period_guessed else confidence
        )
        return
    assert text.valid_to is not None
    fields["valid_to"] = FieldReading(text.valid_to.isoformat(), confidence)
    if text.valid_from > today or _years_between(text.valid_from, text.valid_to) not in (5, 10, 20):
        for name in ("valid_from", "valid_to"):
            fields[name] = FieldReading(fields[name].value, min(confidence, 0.5))
            reading.warn(name, "validity_unusual", "有效期限应为5年、10年、20年或长期，识别结果不符，请核对")
    elif text.valid_to < today:
        reading.warn("valid_to", "id_card_expired", "这张身份证已过有效期")


def _years_between(start: date, end: date) -> int | None:
    """Whole years from start to end when the day and month match (29 February may end on the 28th or 1st)."""
    same_day = (start.month, start.day) == (end.month, end.day)
    leap_day = (start.month, start.day) == (2, 29) and (end.month, end.day) in ((2, 28), (3, 1))
    return end.year - start.year if same_day or leap_day else None


def _is_cjk(character: str) -> bool:
    code = ord(character)
    return 0x3400 <= code <= 0x9FFF or 0x20000 <= code <= 0x3134F or 0xF900 <= code <= 0xFAFF
