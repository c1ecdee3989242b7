"""Public endpoints never reveal who anyone is; certificates; deadlines that run into an unpublished year;
filing review; failed messages are recorded and retried; bad input gets the one error body."""

from __future__ import annotations

import json

from app.extensions import db
from app.models import Notification
from tests.casework.conftest import CASES, approve, investigate, post
from tests.support import VILLAGE, complete_applicant, id_number

ADDRESS = "城关镇东关社区东大街12号"


def test_public_notice_and_certificate_check_never_show_id_numbers_names_or_addresses(
    client, staff, staff_ids, submitted
):
    number = id_number(male=False)
    applicant = complete_applicant(name="王秀英", number=number)
    applicant_reason = {"reason": f"王秀英（身份证{number}）丈夫李小明去世，住{ADDRESS}"}
    application_id, resident = submitted(applicant=applicant)
    client.put(f"/api/resident/applications/{application_id}/reason", json=applicant_reason, headers=resident)
    approve(client, staff, staff_ids, submitted)  # another household, so lists hold more than one
    post(client, f"{CASES}/{application_id}/accept", staff("clerk"))

    raw = []
    for area in (VILLAGE, "341602100", "341602"):
        posted = client.get(f"/api/public/notices?area={area}")
        long_term = client.get(f"/api/public/notices/long-term?area={area}")
        assert posted.status_code == long_term.status_code == 200
        raw += [posted.get_data(as_text=True), long_term.get_data(as_text=True)]
    notices = json.loads(raw[0])["items"]
    assert {n["name"] for n in notices} == {"王*英"}
    entitlements = client.get("/api/casework/entitlements", headers=staff("clerk")).json["items"]
    assert len(entitlements) == 1
    code = client.get("/api/resident/entitlements", headers=resident).json["items"]  # not this resident's
    assert code == []
    staff_view = client.get(f"{CASES}/{entitlements[0]['application_id']}", headers=staff("clerk")).json
    assert staff_view["case"]["decision"]["outcome"] == "approved"
    certificate_code = _certificate_code(client, entitlements[0]["application_id"])
    raw.append(client.get(f"/api/public/certificates/{certificate_code}").get_data(as_text=True))
    raw.append(
        client.get(f"/api/public/certificates/{certificate_code.lower().replace('-', '')}").get_data(
            as_text=True
        )
    )

    for body in raw:
        assert number not in body and number[:6] + "********" not in body
        assert "王秀英" not in body and "李小明" not in body
        assert ADDRESS not in body and "东大街" not in body
        assert "13800138000" not in body
    check = json.loads(raw[-1])
    assert check["valid"] is True and check["program"] == "dibao" and check["issued_by"] == "城关镇人民政府"
    assert set(check) == {
        "code",
        "valid",
        "status",
        "status_label",
        "program",
        "program_label",
        "issued_by",
        "valid_from",
    }
    assert client.get("/api/public/certificates/AAAA-BBBB-CCCC-DDDD").status_code == 404


def _certificate_code(client, application_id: str) -> str:  # noqa: ANN001
    from app.models import Entitlement

    with client.application.app_context():
        return (
            db.session.query(Entitlement.certificate_code).filter_by(application_id=application_id).scalar()
        )


def test_the_beneficiary_downloads_a_certificate_pdf_others_cannot(
    client, staff, staff_ids, submitted, wechat_control
):
    from tests.support import sign_in

    application_id, resident = approve(client, staff, staff_ids, submitted)
    mine = client.get("/api/resident/entitlements", headers=resident).json["items"]
    assert len(mine) == 1 and mine[0]["monthly_amount"] == "1200.00"
    pdf = client.get(f"/api/resident/entitlements/{mine[0]['id']}/certificate", headers=resident)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF") and b"STSong-Light" in pdf.data
    stranger = sign_in(client, wechat_control)
    assert (
        client.get(f"/api/resident/entitlements/{mine[0]['id']}/certificate", headers=stranger).status_code
        == 404
    )


def test_a_deadline_running_into_an_unpublished_year_is_provisional(app, client, staff, submitted):
    application_id, _ = submitted()
    app.config["CASEWORK_TODAY"] = "2026-12-15"
    accepted = post(client, f"{CASES}/{application_id}/accept", staff("clerk"))
    # 12 working days left in December 2026, then Monday–Friday in 2027 (its notice is not in the calendar yet).
    assert accepted["due_date"] == "2027-01-12" and accepted["due_provisional"] is True
    extended = post(
        client,
        f"{CASES}/{application_id}/extensions",
        staff("clerk"),
        {"working_days": 5, "reason": "核对报告未返回"},
        status=201,
    )
    assert extended == {"due_date": "2027-01-19", "provisional": True, "extension_days": 5}
    too_long = client.post(
        f"{CASES}/{application_id}/extensions",
        json={"working_days": 6, "reason": "再延"},
        headers=staff("clerk"),
    )
    assert too_long.status_code == 422 and too_long.json["code"] == "extension_too_long"
    app.config["CASEWORK_TODAY"] = "2027-01-20"
    overdue = client.get("/api/casework/overdue", headers=staff("clerk")).json
    assert [c["id"] for c in overdue["cases"]] == [application_id]
    assert overdue["cases"][0]["due_provisional"] is True


def test_a_cadre_relative_needs_the_county_filing_before_the_township_can_finish(
    client, staff, staff_ids, submitted
):
    number = id_number(male=False)
    entry = {
        "township_code": "341602100",
        "name": "王秀英",
        "id_number": number,
        "cadre_name": "王建军",
        "position": "东关社区居委会主任",
        "relation_to_cadre": "sibling",
    }
    added = post(client, "/api/casework/relatives-register", staff("clerk"), entry, status=201)
    assert added["id_number"] != number and added["id_number"].endswith(number[-4:])
    application_id, _ = submitted(applicant=complete_applicant(number=number))
    investigate(client, staff, staff_ids, application_id)
    post(client, f"{CASES}/{application_id}/finish-investigation", staff("clerk"))
    case = client.get(f"{CASES}/{application_id}", headers=staff("clerk")).json["case"]
    assert (
        case["filing_status"] == "pending" and case["filing_matches"][0]["position"] == "东关社区居委会主任"
    )
    blocked = client.post(f"{CASES}/{application_id}/approve", json={}, headers=staff("reviewer"))
    assert blocked.status_code == 409 and [b["code"] for b in blocked.json["errors"]["blockers"]] == [
        "filing_pending"
    ]
    assert (
        client.post(
            f"{CASES}/{application_id}/filing", json={"opinion": "已备案"}, headers=staff("clerk")
        ).status_code
        == 403
    )
    post(client, f"{CASES}/{application_id}/filing", staff("county"), {"opinion": "经审查，同意备案"})
    assert post(client, f"{CASES}/{application_id}/approve", staff("reviewer"))["stage"] == "approved"


def test_failed_messages_are_recorded_and_retried_without_sending_twice(
    app, client, staff, submitted, wechat_control
):
    application_id, _ = submitted()
    wechat_control.inject_fault("cgi-bin/message/template/send", 45009, "busy", times=1)
    post(client, f"{CASES}/{application_id}/accept", staff("clerk"))
    with app.app_context():
        (row,) = db.session.query(Notification).all()
        assert (row.status, row.attempts) == ("failed", 1) and row.last_error.startswith("wechat 45009: busy")
    assert wechat_control.sent_messages() == []
    assert post(client, "/api/casework/notifications/retry", staff("clerk")) == {"count": 1}
    with app.app_context():
        (row,) = db.session.query(Notification).all()
        assert (row.status, row.attempts) == ("sent", 2)
    assert post(client, "/api/casework/notifications/retry", staff("clerk")) == {"count": 0}
    from app.jobs.notifications import send_notification

    with app.app_context():
        assert send_notification(row.id) == "sent"  # a duplicate job does nothing
    assert len(wechat_control.sent_messages()) == 1


def test_bad_input_gets_the_one_error_body(client, staff, submitted):
    application_id, _ = submitted()
    case = f"{CASES}/{application_id}"
    cases = [
        (f"{case}/accept", {"opinion": 5}, 422),
        (f"{case}/request-materials", {"missing": []}, 422),
        (f"{case}/investigation", {"investigator_ids": ["only-one"]}, 422),
        (f"{case}/extensions", {"working_days": 0, "reason": "x"}, 422),
        (f"{case}/emergency-payment", {"amount": "-1", "opinion": "x"}, 422),
        (f"{case}/hearing-result", {"held_on": "not a date", "participants": [], "result": "maybe"}, 422),
        (f"{CASES}/{'x' * 80}/accept", {}, 404),
        (f"{CASES}/00000000-0000-0000-0000-000000000000/accept", {}, 404),
        (f"{case}/finish-investigation", {}, 409),
        (
            "/api/public/notices/nope/objections",
            {"content": "x", "contact_name": "y", "contact_phone": "12"},
            422,
        ),
        (
            "/api/public/notices/nope/objections",
            {"content": "x", "contact_name": "y", "contact_phone": "13900139000"},
            404,
        ),
    ]
    for path, body, status in cases:
        response = client.post(path, json=body, headers=staff("clerk"))
        assert response.status_code == status, (path, response.json)
        assert set(response.json) == {"status", "code", "message", "errors"}
    malformed = client.post(
        f"{case}/accept", data="{", content_type="application/json", headers=staff("clerk")
    )
    assert malformed.status_code == 400 and malformed.json["code"] == "malformed_json"
    assert client.get("/api/public/notices").status_code == 422
    assert client.get("/api/public/notices?area=999999").status_code == 404


def test_the_overdue_list_per_township(app, client, staff, submitted):
    own, _ = submitted()
    post(client, f"{CASES}/{own}/accept", staff("clerk"))
    app.config["CASEWORK_TODAY"] = "2026-10-23"  # the day after the due date
    assert [
        c["id"]
        for c in client.get("/api/casework/overdue?area=341602100", headers=staff("county")).json["cases"]
    ] == [own]
    assert client.get("/api/casework/overdue?area=341602101", headers=staff("county")).json["cases"] == []
    assert client.get("/api/casework/overdue?area=341602101", headers=staff("clerk")).status_code == 404
    app.config["CASEWORK_TODAY"] = "2026-10-22"  # due today is not overdue yet
    assert client.get("/api/casework/overdue", headers=staff("clerk")).json["cases"] == []
