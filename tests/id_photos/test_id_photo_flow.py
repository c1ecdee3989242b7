"""Upload → job → poll → proposed fields → apply, with real OCR, jobs in-process (SQLite and PostgreSQL)."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import text

from app.extensions import db
from app.models import Application, IdPhotoRead
from app.services.id_photo_pipeline import NO_CARD_MESSAGE
from tests.id_photos.engines import CountingPaddle
from tests.id_photos.helpers import APPLICATIONS, poll, reading_url, resident_draft, upload
from tests.support import jpeg_bytes

REAL_ENGINE = "tests.id_photos.engines:CountingPaddle"  # PaddleOCR itself, with a read counter
pytestmark = pytest.mark.slow  # real OCR


def test_upload_poll_propose_and_apply_never_overwrites_what_was_typed(
    make_app, wechat_control, portrait_card
):
    app = make_app(OCR_ENGINE=REAL_ENGINE)
    client = app.test_client()
    truth = portrait_card.identity
    application_id, headers = resident_draft(client, wechat_control, {"name": "王小二"})  # typed another name
    reads_before = CountingPaddle.reads

    uploaded = upload(client, headers, application_id, portrait_card.image_bytes)
    assert uploaded.status_code == 201, uploaded.json
    url = reading_url(application_id, uploaded.json["id"])
    body = poll(client, headers, url)
    assert (body["status"], body["side"], body["engine"]) == ("done", "portrait", "paddleocr")
    fields = body["fields"]
    number = fields["id_number"]
    assert number["value"] == truth.id_number  # the resident uploaded it: their card, shown in full
    assert (number["suggestion"], number["target"], number["comparison"]) == (False, "id_number", "fill")
    assert fields["name"]["value"] == truth.name
    assert fields["name"]["comparison"] == "differs"  # typed 王小二: only ever a suggestion
    assert fields["sex"]["source"] == "derived_from_id_number" and fields["sex"]["target"] is None
    for field in fields.values():
        assert {"value", "confidence", "source", "warnings", "suggestion"} <= field.keys()
    reads_for_one_photo = CountingPaddle.reads - reads_before
    assert reads_for_one_photo >= 1

    # The number is encrypted at rest, and never in the JSON result.
    with app.app_context():
        stored_number, result = db.session.execute(text("SELECT id_number, result FROM id_photo_reads")).one()
        assert truth.id_number not in str(stored_number) and truth.id_number not in str(result)
        assert db.session.get(IdPhotoRead, uploaded.json["sha256"]).id_number == truth.id_number

    # The same photo again, from another resident's draft: the stored reading is reused, OCR does not run.
    other_id, other_headers = resident_draft(client, wechat_control)
    again = upload(client, other_headers, other_id, portrait_card.image_bytes)
    assert again.status_code == 201 and again.json["sha256"] == uploaded.json["sha256"]
    assert poll(client, other_headers, reading_url(other_id, again.json["id"]))["status"] == "done"
    assert CountingPaddle.reads - reads_before == reads_for_one_photo
    with app.app_context():
        assert db.session.get(IdPhotoRead, uploaded.json["sha256"]).attempts == 1

    # Apply without choosing: only empty fields with sure values are filled; the typed name stays.
    applied = client.post(f"{url}/apply", json={}, headers=headers)
    assert applied.status_code == 200, applied.json
    sure_and_empty = {n for n, f in fields.items() if f["comparison"] == "fill" and not f["suggestion"]}
    assert set(applied.json["applied"]) == sure_and_empty and "id_number" in sure_and_empty
    assert {"field": "name", "code": "differs"} in [
        {k: s[k] for k in ("field", "code")} for s in applied.json["skipped"]
    ]
    applicant = client.get(f"{APPLICATIONS}/{application_id}", headers=headers).json["applicant"]
    assert applicant["name"] == "王小二" and applicant["birth_date"] == truth.birth_date.isoformat()
    with app.app_context():
        assert db.session.get(Application, application_id).applicant.id_number == truth.id_number

    # The resident says the card is right: the name is taken only now, because they accepted it.
    accepted = client.post(f"{url}/apply", json={"accept": ["name"]}, headers=headers)
    assert accepted.status_code == 200 and accepted.json["applied"] == ["name"]
    assert (
        client.get(f"{APPLICATIONS}/{application_id}", headers=headers).json["applicant"]["name"]
        == truth.name
    )
    assert accepted.json["reading"]["fields"]["name"]["comparison"] == "same"


def test_photos_that_cannot_be_read_fail_with_a_reason_a_resident_understands(make_app, wechat_control):
    app = make_app(OCR_ENGINE=REAL_ENGINE)
    client = app.test_client()
    application_id, headers = resident_draft(client, wechat_control)

    tiny = upload(client, headers, application_id, jpeg_bytes(64, 40))  # a picture, but far too small to read
    failed = poll(client, headers, reading_url(application_id, tiny.json["id"]))
    assert (failed["status"], failed["reason"]) == ("failed", "image_too_small")
    assert "照片太小" in failed["message"] and failed["fields"] == {}

    buffer = io.BytesIO()
    Image.effect_noise((900, 600), 12).convert("RGB").save(buffer, "JPEG", quality=85)  # no card in it
    blank = upload(client, headers, application_id, buffer.getvalue(), kind="id_card_emblem")
    failed = poll(client, headers, reading_url(application_id, blank.json["id"]))
    assert (failed["status"], failed["reason"], failed["message"]) == (
        "failed",
        "no_id_card_found",
        NO_CARD_MESSAGE,
    )

    other = upload(client, headers, application_id, jpeg_bytes(300, 200), kind="household_register")
    refused = client.get(reading_url(application_id, other.json["id"]), headers=headers)
    assert (refused.status_code, refused.json["code"]) == (404, "not_an_id_card_photo")
    apply_early = client.post(
        f"{reading_url(application_id, tiny.json['id'])}/apply", json={}, headers=headers
    )
    assert (apply_early.status_code, apply_early.json["code"]) == (409, "reading_not_done")
