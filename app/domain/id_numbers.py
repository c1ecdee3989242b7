"""Resident ID numbers (公民身份号码, GB 11643-1999): validation, derived facts, masking.

Pure: no I/O. The 18-character number is six digits of region code, eight of birth date,
three of sequence (odd = male, even = female) and a mod 11-2 check character (0-9 or X).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

# Province-level prefixes of GB/T 2260 plus 81/82/83 used on residence permits for
# Hong Kong, Macao and Taiwan residents. A finer county-level list goes stale every year
# (codes are merged and renamed), so the first two digits are what we hold the number to.
PROVINCE_CODES = frozenset(
    {
        "11", "12", "13", "14", "15",
        "21", "22", "23",
        "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46",
        "50", "51", "52", "53", "54",
        "61", "62", "63", "64", "65",
        "71", "81", "82", "83",
    }
)  # fmt: skip

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")
_EARLIEST_BIRTH = date(1880, 1, 1)

# Full-width digits and look-alikes people (and OCR) type in place of the ASCII characters.
_NORMALISE = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)}, "ｘ": "X", "Ｘ": "X", "×": "X", "x": "X"})


class InvalidIdNumber(ValueError):
    """An ID number that fails GB 11643; `code` is stable, `message` is plain Chinese."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class IdNumberFacts:
    """What a valid ID number tells: the canonical form, sex, birth date and region code."""

    number: str
    sex: str  # "male" | "female"
    birth_date: date
    region_code: str


def normalise_id_number(raw: str) -> str:
    """Strip spaces and turn full-width digits, `x` and `×` into the canonical characters."""
    return "".join(raw.split()).translate(_NORMALISE)


def check_character(first17: str) -> str:
    """The mod 11-2 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def parse_id_number(raw: str, *, today: date | None = None) -> IdNumberFacts:
    """Validate an ID number and return its facts, or raise InvalidIdNumber naming the failure."""
    if not isinstance(raw, str):
        raise InvalidIdNumber("id_number_format", "身份证号码应为18位，由数字和最后一位X组成")
    number = normalise_id_number(raw)
    if len(number) != 18:
        raise InvalidIdNumber("id_number_length", f"身份证号码应为18位，您填写的是{len(number)}位")
    if not _SHAPE.match(number):
        raise InvalidIdNumber("id_number_format", "身份证号码前17位应为数字，最后一位为数字或X")
    if number[:2] not in PROVINCE_CODES or number[2:6] == "0000":
        raise InvalidIdNumber("id_number_region", "身份证号码开头的地区代码不正确，请核对前6位")
    birth = _birth_date(number[6:14])
    if birth is None:
        raise InvalidIdNumber("id_number_birth_date", "身份证号码中的出生日期不存在，请核对第7到14位")
    if birth > (today or date.today()) or birth < _EARLIEST_BIRTH:
        raise InvalidIdNumber("id_number_birth_date", "身份证号码中的出生日期不可能，请核对第7到14位")
    if check_character(number[:17]) != number[17]:
        raise InvalidIdNumber("id_number_checksum", "身份证号码校验位不对，可能有一位填错了，请逐位核对")
    sex = "male" if int(number[16]) % 2 == 1 else "female"
    return IdNumberFacts(number=number, sex=sex, birth_date=birth, region_code=number[:6])


def is_valid_id_number(raw: str, *, today: date | None = None) -> bool:
    """True when the number passes every GB 11643 check."""
    try:
        parse_id_number(raw, today=today)
    except InvalidIdNumber:
        return False
    return True


def mask_id_number(number: str | None) -> str | None:
    """Show the first six and last four characters only: 110105********1234."""
    if not number:
        return number
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def _birth_date(digits: str) -> date | None:
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None
