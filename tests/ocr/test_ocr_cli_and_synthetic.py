"""The operator CLI's output contract, and the synthetic card generator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.domain.id_numbers import InvalidIdNumber, is_valid_id_number, parse_id_number
from ocr.synthetic import FontsMissing, make_card, make_set
from ocr.synthetic import fonts as synthetic_fonts

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_cli_prints_one_json_object_per_photo(tmp_path, ci_cards):
    card = ci_cards["portrait"]
    photo = tmp_path / "card.jpg"
    photo.write_bytes(card.image_bytes)
    not_a_photo = tmp_path / "notes.txt"
    not_a_photo.write_text("这不是照片", encoding="utf-8")
    env = {**os.environ, "OCR_ENGINE": "rapidocr"}
    completed = subprocess.run(
        [sys.executable, "-m", "ocr", "read-id", str(photo), str(not_a_photo)],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
    )  # fmt: skip
    assert completed.returncode == 1, completed.stderr  # one photo was rejected
    first, second = (json.loads(line) for line in completed.stdout.splitlines())
    assert list(first) == ["file", "side", "fields", "confidence", "warnings", "engine", "seconds"]
    assert first["file"] == str(photo)
    assert first["engine"] == "rapidocr"
    assert first["fields"] == card.expected_fields
    assert "住址" not in completed.stdout  # CJK printed as text, labels not leaked into values
    assert second["side"] == "unknown" and second["fields"] == {}
    assert second["warnings"][0]["code"] == "not_an_image"


def test_generator_is_deterministic_by_seed():
    assert make_card(7).image_bytes == make_card(7).image_bytes
    assert make_card(7).image_bytes != make_card(8).image_bytes


def test_generated_identities_have_valid_numbers_and_consistent_facts():
    for card in make_set(12, difficulty="normal", first_seed=300, emblem_every=0):
        facts = parse_id_number(card.identity.id_number)
        assert facts.sex == card.identity.sex
        assert facts.birth_date == card.identity.birth_date


def test_corrupted_card_prints_a_number_failing_its_check():
    card = make_card(11, corrupt_id_number=True)
    assert card.id_number_corrupted
    assert is_valid_id_number(card.identity.id_number)
    with pytest.raises(InvalidIdNumber):
        parse_id_number(card.printed_id_number)
    differences = [a != b for a, b in zip(card.printed_id_number, card.identity.id_number, strict=True)]
    assert sum(differences) == 1


def test_missing_fonts_name_the_debian_package(monkeypatch, tmp_path):
    monkeypatch.setattr(synthetic_fonts, "FONT_DIRS", (tmp_path,))
    synthetic_fonts.font_file.cache_clear()
    try:
        with pytest.raises(FontsMissing, match="fonts-noto-cjk"):
            synthetic_fonts.font_file("sans")
    finally:
        synthetic_fonts.font_file.cache_clear()


def test_generator_script_writes_photos_and_truth(tmp_path):
    from ocr.synthetic.__main__ import main as generate

    assert generate([str(tmp_path), "--count", "1"]) == 0
    records = [
        json.loads(line) for line in (tmp_path / "truth.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert len(records) == len(list(tmp_path.glob("*.jpg"))) == 7
    corrupted = [r for r in records if r["printed_id_number"] != r["fields"].get("id_number")]
    assert len(corrupted) == 1 and not is_valid_id_number(corrupted[0]["printed_id_number"])
