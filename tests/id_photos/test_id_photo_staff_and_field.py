"""Staff see readings in their area (numbers by role, audited); field uploads are read; failures retry.

These check plumbing around the reading with a recorded engine answer (tests/id_photos/engines.py);
the reading itself runs on real PaddleOCR in test_id_photo_flow.py and test_id_photo_worker.py.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.jobs.id_photo_jobs import read_id_photo
from app.models import AuditEntry, IdPhotoRead
from app.services.attachments import store_file
from app.services.id_photo_pipeline import MAX_ATTEMPTS, READ_ERROR_MESSAGE
from app.services.id_photo_reads import request_read
from app.services.sync_outbox import relay_pending
from app.services.transaction import transaction
from tests.field_sync.helpers import T0, FieldDevice, new_id
from tests.id_photos.engines import RECORDED_NUMBER, FlakyEngine, RecordedEngine
from tests.id_photos.helpers import APPLICATIONS, poll, reading_url, resident_draft
from tests.support import (
    VILLAGE,
    complete_applicant,
    fill_complete_draft,
    jpeg_bytes,
    other_township_clerk,
    staff_headers,
)

RECORDED = "tests.id_photos.engines:RecordedEngine"
FLAKY = "tests.id_photos.engines:FlakyEngine"


def test_a_wechat_photo_is_read_and_staff_see_it_in_their_area_with_numbers_by_role_audited(
    make_app, wechat_control
):
    app = make_app(OCR_ENGINE=RECORDED)
    client = app.test_client()
    application_id, headers = resident_draft(client, wechat_control)
    server_id = wechat_control.put_media(jpeg_bytes(800, 500))  # taken in WeChat: wx.uploadImage's serverId
    photo = client.post(f"{APPLICATIONS}/{application_id}/attachments/wechat",
                        json={"kind": "id_card_portrait", "server_id": server_id}, headers=headers)  # fmt: skip
    assert photo.status_code == 201 and photo.json["source"] == "wechat"
    assert poll(client, headers, reading_url(application_id, photo.json["id"]))["status"] == "done"
    fill_complete_draft(client, headers, application_id, complete_applicant(number=RECORDED_NUMBER))
    assert client.post(f"{APPLICATIONS}/{application_id}/submit", headers=headers).status_code == 200
    url = f"/api/staff/applications/{application_id}/id-card-readings"

    clerk = client.get(url, headers=staff_headers(client, "clerk"))
    assert clerk.status_code == 200, clerk.json
    (item,) = clerk.json["items"]
    assert (item["status"], item["attachment_id"]) == ("done", photo.json["id"])
    assert item["fields"]["id_number"]["value"] == RECORDED_NUMBER  # the township clerk needs the number
    assert item["fields"]["id_number"]["comparison"] == "same"
    assert item["fields"]["name"]["comparison"] == "differs"  # the form says 王秀英, the card 邱俊娜

    assistant = client.get(url, headers=staff_headers(client, "assistant")).json["items"][0]
    assert assistant["fields"]["id_number"]["value"] == "527694********4074"  # a village assistant does not
    assert RECORDED_NUMBER not in str(assistant)

    with app.app_context():
        audited = db.session.scalar(
            select(func.count()).where(
                AuditEntry.action == "id_photo_reads.read", AuditEntry.subject_id == application_id
            )
        )
        assert audited == 2
    outside = client.get(url, headers=staff_headers(client, other_township_clerk(app)))
    assert (outside.status_code, outside.json["code"]) == (404, "application_not_found")


def test_field_app_uploads_of_id_photos_are_read_by_the_default_handler(make_app):
    app = make_app(OCR_ENGINE=RECORDED, SYNC_OUTBOX_RELAY="manual")
    assert app.config["FIELD_ID_PHOTO_HANDLER"] == "app.jobs.id_photo_jobs:read_field_id_photo"
    with app.app_context():
        sha = store_file(jpeg_bytes(800, 500, color=(90, 140, 200))).sha256
        db.session.commit()
    client = app.test_client()
    phone = FieldDevice(client, staff_headers(client, "assistant"), f"phone-{new_id()}", lambda: T0)
    assert phone.register().status_code == 200
    refs = [{"sha256": sha, "kind": "id_card_portrait"}]
    assert (
        phone.push([phone.op("household", new_id(), {"village_code": VILLAGE}, attachments=refs)]).status_code
        == 200
    )
    with app.app_context():
        relay_pending()  # in-process: the outbox's read_id_photo job calls the handler now
        db.session.commit()
        row = db.session.get(IdPhotoRead, sha)
        assert (row.status, row.side, row.id_number, row.attempts) == ("done", "portrait", RECORDED_NUMBER, 1)


@pytest.fixture
def flaky_app(make_app):  # noqa: ANN001, ANN201
    """An app whose engine fails FlakyEngine.failures_left times before answering."""
    app = make_app(OCR_ENGINE=FLAKY)
    yield app
    FlakyEngine.failures_left = 0


def _queued_photo(app, color: tuple[int, int, int]) -> str:  # noqa: ANN001
    with app.app_context(), transaction():
        sha = store_file(jpeg_bytes(800, 500, color=color)).sha256
        request_read(sha, enqueue=False)
    return sha


def test_a_failing_read_is_queued_again_for_the_retry_and_given_up_after_the_last_attempt(flaky_app):
    app = flaky_app
    FlakyEngine.failures_left = 1
    sha = _queued_photo(app, (10, 20, 30))
    with app.app_context():
        with pytest.raises(RuntimeError):
            read_id_photo(sha)  # RQ sees the error and retries with backoff
        row = db.session.get(IdPhotoRead, sha)
        assert (row.status, row.attempts, row.result, row.id_number) == ("queued", 1, None, None)
    with app.app_context():
        assert read_id_photo(sha) == "done"
        assert read_id_photo(sha) == "skipped"  # a duplicate or late retry changes nothing
        row = db.session.get(IdPhotoRead, sha)
        assert (row.status, row.attempts, row.id_number) == ("done", 2, RECORDED_NUMBER)

    FlakyEngine.failures_left = MAX_ATTEMPTS
    reads_before = RecordedEngine.reads
    sha = _queued_photo(app, (30, 20, 10))
    for _ in range(MAX_ATTEMPTS - 1):
        with app.app_context(), pytest.raises(RuntimeError):
            read_id_photo(sha)
    with app.app_context():
        assert read_id_photo(sha) == "failed"  # the last attempt records why instead of raising
        row = db.session.get(IdPhotoRead, sha)
        assert (row.status, row.reason, row.result["message"]) == ("failed", "read_error", READ_ERROR_MESSAGE)
    assert RecordedEngine.reads == reads_before

    with app.app_context():  # the resident uploads the photo again once the engine works: read afresh
        with transaction():
            request_read(sha, enqueue=False, retry_failed=True)
        assert read_id_photo(sha) == "done"
        row = db.session.get(IdPhotoRead, sha)
        assert (row.status, row.generation, row.attempts, row.reason) == ("done", 2, 1, None)
