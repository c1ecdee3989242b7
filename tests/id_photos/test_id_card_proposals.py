"""The proposal rules, without a database: fill / same / differs, suggestions, what apply may write."""

from __future__ import annotations

import io

from PIL import Image

from app.domain.id_card_proposals import choose_fields, comparison, propose
from app.services.id_photo_pipeline import derive_clean_copies

NUMBER = "527694196710044074"
BAD_NUMBER = "527694196710044075"  # check character off by one


def _reading(number: str = NUMBER, name_confidence: float = 0.97, warnings: list | None = None) -> dict:
    return {
        "fields": {
            "name": "邱俊娜",
            "sex": "male",
            "address": "贵州省长永市枫清区石林街634号",
            "id_number": number,
        },
        "confidence": {"name": name_confidence, "sex": 0.99, "address": 0.95, "id_number": 0.99},
        "source": {"name": "ocr", "sex": "derived_from_id_number", "address": "ocr", "id_number": "ocr"},
        "warnings": warnings or [],
    }


def test_each_field_is_compared_with_what_the_resident_typed():
    proposal = propose(_reading(), {"name": "邱俊娜", "id_number": None, "registered_address": "别的地方"})
    assert {n: f["comparison"] for n, f in proposal.items()} == {
        "name": "same", "sex": None, "address": "differs", "id_number": "fill",
    }  # fmt: skip
    assert proposal["sex"]["target"] is None and proposal["id_number"]["target"] == "id_number"
    assert comparison("52769419671004407x", "527694 19671004407X", "id_number") == "same"


def test_doubtful_values_are_suggestions_and_are_only_written_when_accepted():
    warning = {"field": "name", "code": "name_unclear", "message": "姓名中有识别不清的字符，请核对"}
    proposal = propose(_reading(warnings=[warning]), {})
    assert proposal["name"]["suggestion"] and proposal["name"]["warnings"] == [
        {"code": "name_unclear", "message": warning["message"]}
    ]
    assert propose(_reading(name_confidence=0.4), {})["name"]["suggestion"]
    chosen, skipped = choose_fields(proposal, set())
    assert chosen == {"id_number": NUMBER, "registered_address": "贵州省长永市枫清区石林街634号"}
    assert skipped == {"name": "suggestion"}
    chosen, _ = choose_fields(proposal, {"name"})
    assert chosen["name"] == "邱俊娜"


def test_typed_values_are_never_overwritten_unless_accepted_and_a_bad_number_never():
    typed = {"name": "王小二", "id_number": None, "registered_address": None}
    proposal = propose(_reading(), typed)
    chosen, skipped = choose_fields(proposal, set())
    assert "name" not in chosen and skipped["name"] == "differs"
    chosen, skipped = choose_fields(proposal, {"name", "sex", "valid_to"})
    assert chosen["name"] == "邱俊娜"
    assert skipped == {"sex": "not_a_form_field", "valid_to": "not_read"}
    bad = propose(_reading(number=BAD_NUMBER), {})
    chosen, skipped = choose_fields(bad, {"id_number"})
    assert "id_number" not in chosen and skipped["id_number"] == "id_number_invalid"


def test_derived_copies_are_upright_and_carry_no_exif_or_location(app):
    image = Image.new("RGB", (600, 300), (120, 130, 140))
    exif = image.getexif()
    exif[0x0112] = 6  # orientation: turn 90° to view
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825)[2] = (39.0, 54.0, 27.0)  # GPS latitude
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    with app.app_context():
        keys = derive_clean_copies("ab" * 32, buffer.getvalue())
        from app.services.storage import read_bytes

        normalised = Image.open(io.BytesIO(read_bytes(keys["normalised_key"])))
        thumbnail = Image.open(io.BytesIO(read_bytes(keys["thumbnail_key"])))
    assert normalised.size == (300, 600)  # the orientation was applied to the pixels
    assert max(thumbnail.size) == 320
    for copy in (normalised, thumbnail):
        assert len(copy.getexif()) == 0 and "exif" not in copy.info
