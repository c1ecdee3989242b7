"""Reading an ID number from OCR text: only letters become digits, and only when exactly one choice is valid."""

from __future__ import annotations

from datetime import date

from ocr.id_number_reading import longest_id_run, read_id_number

TODAY = date(2025, 6, 1)


def test_valid_number_is_accepted_as_read():
    reading = read_id_number("440304199001011233", today=TODAY)
    assert (reading.status, reading.number) == ("valid", "440304199001011233")
    assert reading.facts is not None and reading.facts.sex == "male"


def test_lower_case_x_and_spaces_are_normalised():
    assert read_id_number("11010519491231002x", today=TODAY).status == "valid"
    assert read_id_number("110105 19491231 002X", today=TODAY).number == "11010519491231002X"


def test_letters_with_one_valid_reading_are_corrected():
    reading = read_id_number("44O3O4l99OOlOl1233", today=TODAY)
    assert (reading.status, reading.number, reading.candidates) == ("corrected", "440304199001011233", 1)


def test_letters_with_two_valid_readings_are_ambiguous():
    # S may be 5 or 8 and G may be 6 or 0: two of the four choices pass the check.
    reading = read_id_number("44030419900101SG64", today=TODAY)
    assert reading.status == "invalid"
    assert (reading.error_code, reading.candidates) == ("id_number_ambiguous", 2)


def test_letters_with_no_valid_reading_stay_invalid():
    reading = read_id_number("44030419900101l234", today=TODAY)
    assert reading.status == "invalid"
    assert reading.error_code == "id_number_checksum"


def test_a_wrong_digit_is_never_corrected():
    reading = read_id_number("440304199001011283", today=TODAY)
    assert (reading.status, reading.error_code) == ("invalid", "id_number_checksum")
    assert reading.number == "440304199001011283"


def test_impossible_birth_date_is_reported():
    reading = read_id_number("440304199002301238", today=TODAY)
    assert (reading.status, reading.error_code) == ("invalid", "id_number_birth_date")


def test_longest_run_ignores_the_label_and_prefers_digits():
    assert longest_id_run("公民身份号码44030419900101123３") == "44030419900101123３"
    assert longest_id_run("住址1088号6栋") == "1088"
