"""GB 11643 ID numbers: every check, the derived facts, normalisation and masking (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.id_numbers import (
    InvalidIdNumber,
    check_character,
    is_valid_id_number,
    mask_id_number,
    normalise_id_number,
    parse_id_number,
)

# The worked example printed in GB 11643-1999 itself.
STANDARD_EXAMPLE = "11010519491231002X"


def test_the_standards_example_is_valid_and_female_born_1949_12_31():
    facts = parse_id_number(STANDARD_EXAMPLE)
    assert facts.sex == "female"
    assert facts.birth_date == date(1949, 12, 31)
    assert facts.region_code == "110105"


@pytest.mark.parametrize(
    "first17,expected",
    [("11010519491231002", "X"), ("44052418800101001", "4"), ("34160219580314001", check_character("34160219580314001"))],
)
def test_check_character(first17, expected):
    assert check_character(first17) == expected


@pytest.mark.parametrize("raw", ["11010519491231002x", " 110105 19491231 002X ", "１１０１０５１９４９１２３１００２×"])
def test_lower_case_x_spaces_and_full_width_are_normalised(raw):
    assert parse_id_number(raw).number == STANDARD_EXAMPLE


@pytest.mark.parametrize(
    "raw,code",
    [
        ("1101051949123100", "id_number_length"),
        ("11010519491231002X1", "id_number_length"),
        ("1101051949123100AX", "id_number_format"),
        ("X10105194912310021", "id_number_format"),
        ("00010519491231002X", "id_number_region"),
        ("991234194912310021", "id_number_region"),
        ("110000194912310021", "id_number_region"),
        ("110105194902300021", "id_number_birth_date"),
        ("110105187001010021", "id_number_birth_date"),
        ("110105194912310021", "id_number_checksum"),
    ],
)
def test_each_failure_has_its_own_code_and_a_chinese_message(raw, code):
    with pytest.raises(InvalidIdNumber) as caught:
        parse_id_number(raw)
    assert caught.value.code == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in caught.value.message)


def test_birth_date_in_the_future_is_refused():
    body = "11010520300101002"
    number = body + check_character(body)
    assert not is_valid_id_number(number, today=date(2026, 11, 22))
    assert is_valid_id_number(number, today=date(2031, 1, 1))


def test_leap_day():
    body = "11010520000229001"
    assert parse_id_number(body + check_character(body)).birth_date == date(2000, 2, 29)
    body = "11010519000229001"  # 1900 was not a leap year
    assert not is_valid_id_number(body + check_character(body))


def test_sex_comes_from_the_17th_digit():
    male_body, female_body = "11010519491231001", "11010519491231002"
    assert parse_id_number(male_body + check_character(male_body)).sex == "male"
    assert parse_id_number(female_body + check_character(female_body)).sex == "female"


def test_masking_keeps_region_and_last_four():
    assert mask_id_number(STANDARD_EXAMPLE) == "110105********002X"
    assert mask_id_number(None) is None
    assert mask_id_number("12345") == "*****"


def test_non_strings_are_refused():
    with pytest.raises(InvalidIdNumber):
        parse_id_number(12345)  # type: ignore[arg-type]
    assert normalise_id_number("ｘ") == "X"
