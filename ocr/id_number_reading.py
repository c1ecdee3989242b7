"""Read an ID number out of OCR text and validate it, correcting only what cannot be a digit.

A letter inside the number is an OCR error for sure (O for 0, l for 1, B for 8), so letters are
replaced by the digits they resemble and the result must pass GB 11643; when a letter could be
one of several digits, the number is accepted only if exactly one choice is valid. A digit read
as another digit is never "corrected": that is how a genuinely wrong number would be made valid.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date

from app.domain.id_numbers import IdNumberFacts, InvalidIdNumber, normalise_id_number, parse_id_number

# Letters (and symbols) that OCR engines put in place of digits, with the digits they may stand for.
DIGIT_LOOK_ALIKES: dict[str, str] = {
    "O": "0", "o": "0", "D": "0", "Q": "0", "U": "0", "〇": "0", "○": "0",
    "I": "1", "l": "1", "i": "1", "|": "1", "!": "1", "L": "1", "J": "1", "丨": "1",
    "Z": "27", "z": "2", "S": "58", "s": "5", "G": "60", "b": "6", "T": "71",
    "B": "83", "E": "8", "g": "9", "q": "9", "A": "4",
}  # fmt: skip
# For dates and other digit-only text: each look-alike as its most likely digit.
LOOK_ALIKES_AS_DIGITS = str.maketrans({letter: digits[0] for letter, digits in DIGIT_LOOK_ALIKES.items()})
# What the check position may hold instead of X.
X_LOOK_ALIKES = "XxＸｘ×Ⅹ✕╳KkYy"
ID_CHARACTERS = set("0123456789") | set(DIGIT_LOOK_ALIKES) | set(X_LOOK_ALIKES) | set("０１２３４５６７８９")
MAX_CANDIDATES = 64
AMBIGUOUS = ("id_number_ambiguous", "身份证号码有字符看不清，有几种可能的读法，请逐位核对")
_RUN = re.compile("[" + re.escape("".join(sorted(ID_CHARACTERS))) + "]+")


@dataclass(frozen=True)
class IdNumberReading:
    """What was made of the number text: `status` is "valid", "corrected" or "invalid"."""

    text: str  # as read, normalised (full-width digits and × mapped)
    number: str  # the accepted number, or the best-effort reading when invalid
    status: str
    facts: IdNumberFacts | None = None
    error_code: str | None = None
    error_message: str | None = None
    candidates: int = 0  # how many corrections were valid (1 when corrected, 0 or ≥2 when invalid)


def longest_id_run(text: str) -> str:
    """The longest stretch of characters that can belong to an ID number."""
    runs = _RUN.findall("".join(text.split()))
    return max(runs, key=_digit_weight, default="")


def _digit_weight(run: str) -> tuple[int, int]:
    return sum(ch.isdigit() for ch in run), len(run)


def read_id_number(raw: str, *, today: date | None = None) -> IdNumberReading:
    """Validate the number in `raw`; try only letter-for-digit corrections; never invent digits."""
    text = normalise_id_number(raw)
    try:
        facts = parse_id_number(text, today=today)
        return IdNumberReading(text=text, number=facts.number, status="valid", facts=facts)
    except InvalidIdNumber as error:
        first_error = error
    if len(text) == 18:
        options = _options(text)
        if options is not None:
            valid = _valid_choices(options, today)
            if len(valid) == 1:
                facts = valid[0]
                return IdNumberReading(text, facts.number, "corrected", facts, candidates=1)
            best_effort = "".join(choices[0] for choices in options)
            if len(valid) > 1:
                return IdNumberReading(text, best_effort, "invalid", None, *AMBIGUOUS, candidates=len(valid))
            return IdNumberReading(
                text, best_effort, "invalid", None, *_error_of(best_effort, first_error, today)
            )
    return IdNumberReading(text, text, "invalid", None, first_error.code, first_error.message)


def _options(text: str) -> list[str] | None:
    """Per position, the characters it may be; None when a character fits nowhere or choices explode."""
    options = []
    for index, character in enumerate(text):
        if character.isdigit() and character.isascii():
            options.append(character)
        elif index == 17 and (character in X_LOOK_ALIKES or character.upper() == "X"):
            options.append("X")
        elif character in DIGIT_LOOK_ALIKES:
            options.append(DIGIT_LOOK_ALIKES[character])
        else:
            return None
    combinations = 1
    for choices in options:
        combinations *= len(choices)
    return options if combinations <= MAX_CANDIDATES else None


def _valid_choices(options: list[str], today: date | None) -> list[IdNumberFacts]:
    valid = []
    for choice in itertools.product(*options):
        try:
            valid.append(parse_id_number("".join(choice), today=today))
        except InvalidIdNumber:
            continue
    return valid


def _error_of(number: str, fallback: InvalidIdNumber, today: date | None) -> tuple[str, str]:
    try:
        parse_id_number(number, today=today)
    except InvalidIdNumber as error:
        return error.code, error.message
    return fallback.code, fallback.message
