"""People's data: encrypted at rest, masked for those who do not need it, every staff read audited."""

from __future__ import annotations

import logging

from sqlalchemy import text

from app.extensions import db
from tests.support import (
    complete_applicant,
    fill_complete_draft,
    id_number,
    other_township_clerk,
    sign_in,
    staff_headers,
)

BASE = "/api/resident/applications"


def _submitted_application(client, wechat_control, number: str, phone: str = "13800138000"):  # noqa: ANN001, ANN202
    headers = sign_in(client, wechat_control)
    application_id = client.post(BASE, json={"program": "dibao"}, headers=headers).json["id"]
    applicant = {**complete_applicant("周美兰", number), "phone": phone}
    fill_complete_draft(client, headers, application_id, applicant)
    assert client.post(f"{BASE}/{application_id}/submit", headers=headers).status_code == 200
    return headers, application_id


def test_id_number_phone_and_bank_account_are_ciphertext_in_the_database(client, app, wechat_control):
    number = id_number("19520707", male=False)
    _, application_id = _submitted_application(client, wechat_control, number, phone="13912348765")
    with app.app_context():
        row = db.session.execute(
            text(
                "SELECT p.id_number, p.id_number_hash, p.phone, a.bank_account FROM persons p "
                "JOIN applications a ON a.applicant_id = p.id WHERE a.id = :id"
            ),
            {"id": application_id},
        ).one()
        dump = " ".join(
            str(value)
            for table in ("persons", "applications", "audit_log", "stage_events")
            for r in db.session.execute(text(f"SELECT * FROM {table}")).all()
            for value in r
        )
    stored_number, stored_hash, stored_phone, stored_account = row
    assert number not in stored_number and stored_number.startswith("t1$")
    assert number not in stored_hash and len(stored_hash) == 64
    assert "13912348765" not in stored_phone
    assert "6222020200112233445" not in stored_account
    for secret in (number, number[6:14] + number[14:], "13912348765", "6222020200112233445"):
        assert secret not in dump


def test_township_staff_see_full_numbers_and_every_read_is_audited(client, app, wechat_control):
    number = id_number("19470102")
    _, application_id = _submitted_application(client, wechat_control, number)
    clerk = staff_headers(client, "clerk")
    listing = client.get("/api/staff/applications", headers=clerk).json
    assert listing["total"] == 1
    assert listing["items"][0]["applicant_name"] == "周*兰"
    assert number not in str(listing)

    full = client.get(f"/api/staff/applications/{application_id}", headers=clerk)
    assert full.status_code == 200
    assert full.json["applicant"]["id_number"] == number
    client.get(f"/api/staff/applications/{application_id}", headers=clerk)
    with app.app_context():
        reads = db.session.execute(
            text("SELECT actor_role, subject_id FROM audit_log WHERE action = 'application.read_full'")
        ).all()
    assert reads == [("township_clerk", application_id)] * 2


def test_village_assistant_sees_masked_numbers(client, wechat_control):
    number = id_number("19470102")
    _, application_id = _submitted_application(client, wechat_control, number)
    assistant = staff_headers(client, "assistant")
    record = client.get(f"/api/staff/applications/{application_id}", headers=assistant).json
    assert record["applicant"]["id_number"] == number[:6] + "********" + number[-4:]
    assert record["members"][0]["id_number"].count("*") == 8


def test_staff_of_another_area_get_404(client, app, wechat_control):
    _, application_id = _submitted_application(client, wechat_control, id_number())
    foreign = staff_headers(client, other_township_clerk(app))
    assert client.get(f"/api/staff/applications/{application_id}", headers=foreign).status_code == 404
    assert client.get("/api/staff/applications", headers=foreign).json["total"] == 0
    county = staff_headers(client, "county")
    assert client.get(f"/api/staff/applications/{application_id}", headers=county).status_code == 200


def test_drafts_are_not_visible_to_staff(client, wechat_control):
    headers = sign_in(client, wechat_control)
    application_id = client.post(BASE, json={"program": "dibao"}, headers=headers).json["id"]
    client.put(f"{BASE}/{application_id}/applicant", json=complete_applicant(), headers=headers)
    clerk = staff_headers(client, "clerk")
    assert client.get(f"/api/staff/applications/{application_id}", headers=clerk).status_code == 404


def test_logs_never_carry_id_numbers_or_phones(client, wechat_control, caplog):
    number = id_number("19660606")
    with caplog.at_level(logging.DEBUG):
        _submitted_application(client, wechat_control, number, phone="13711112222")
        logging.getLogger("app.test").warning("someone typed %s and %s", number, "13711112222")
    from app.logging_setup import RedactingFilter

    # Our own code never logs them in the first place...
    raw = "\n".join(r.getMessage() for r in caplog.records if r.name != "app.test")
    assert number not in raw and "13711112222" not in raw
    # ...and the handler's filter masks them should anything (a library, a mistake) try.

    redacted = [RedactingFilter().filter(record) and record.getMessage() for record in caplog.records]
    joined = "\n".join(redacted)
    assert number not in joined and "13711112222" not in joined
    assert number[:6] + "********" + number[-4:] in joined
