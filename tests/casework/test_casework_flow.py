"""Cases through HTTP from submission to a decision, on SQLite and PostgreSQL, with a pinned calendar."""

from __future__ import annotations

from app.domain.stages import STAGES
from tests.casework.conftest import ACCEPTED_ON, CASES, DUE_ON, RESIDENTS, investigate, post
from tests.support import VILLAGE


def test_submitted_to_approved_with_deadline_means_test_entitlement_and_messages(
    client, app, staff, staff_ids, submitted, wechat_control
):
    application_id, resident = submitted()
    case = f"{CASES}/{application_id}"
    investigate(client, staff, staff_ids, application_id)

    summary = client.get(case, headers=staff("clerk")).json["summary"]
    assert summary["accepted_on"] == ACCEPTED_ON
    assert summary["due_date"] == DUE_ON and summary["due_provisional"] is False
    assert summary["stage"] == "investigating"

    assessment = post(client, f"{case}/assessment", staff("clerk"), {})
    assert assessment["eligible"] is True
    assert assessment["benefit"] == "1200.00"
    lines = {line["rule_code"]: line for line in assessment["trace"]}
    assert lines["medical_out_of_pocket"]["amount"] == "2400.00"
    assert lines["per_capita_income"]["amount"] == "50.00"
    assert lines["benefit"]["rule"].startswith("(650.00 − 50.00) × 2 人")

    post(client, f"{case}/finish-investigation", staff("clerk"), {"opinion": "调查属实"})
    # A clerk may not decide; the reviewer may.
    refused = client.post(f"{case}/approve", json={}, headers=staff("clerk"))
    assert refused.status_code == 403 and refused.json["code"] == "action_not_allowed_for_role"
    app.config["CASEWORK_TODAY"] = "2026-09-30"
    approved = post(client, f"{case}/approve", staff("reviewer"), {"opinion": "同意"})
    assert approved["stage"] == "approved"

    document = client.get(case, headers=staff("reviewer")).json
    decision = document["case"]["decision"]
    assert decision["amount"] == "1200.00" and decision["decided_on"] == "2026-09-30"
    assert decision["notify_by"] == "2026-10-10"  # 3 working days: National Day, then the adjusted Saturday
    assert decision["assessment"]["trace"] == assessment["trace"]
    assert document["case"]["notice"]["status"] == "long_term"

    entitlements = client.get("/api/casework/entitlements", headers=staff("reviewer")).json["items"]
    assert [(e["monthly_amount"], e["start_month"], e["state"]) for e in entitlements] == [
        ("1200.00", "2026-10-01", "active")
    ]

    progress = client.get(f"{RESIDENTS}/{application_id}", headers=resident).json["progress"]
    assert progress["stage"] == "approved"
    sent = wechat_control.sent_messages()
    assert [m["data"]["keyword2"]["value"] for m in sent] == [
        "已受理",
        STAGES["investigating"],
        STAGES["reviewing"],
        "已批准",
    ]
    assert len({m["client_msg_id"] for m in sent}) == 4


def test_materials_then_resubmit_then_rejected_with_reason_and_notice_deadline(
    client, app, staff, staff_ids, submitted, wechat_control
):
    application_id, resident = submitted()
    case = f"{CASES}/{application_id}"
    clerk = staff("clerk")
    asked = post(
        client, f"{case}/request-materials", clerk, {"missing": ["户口簿复印件", "医疗费用发票原件"]}
    )
    assert asked["stage"] == "needs_materials"
    progress = client.get(f"{RESIDENTS}/{application_id}", headers=resident).json["progress"]
    assert (
        "户口簿复印件" in progress["reason"] and "医疗费用发票原件" in progress["reason"]
    )  # one notice, everything
    # The resident edits and resubmits.
    edit = client.put(
        f"{RESIDENTS}/{application_id}/reason", json={"reason": "已补充材料，生活仍困难"}, headers=resident
    )
    assert edit.status_code == 200
    assert client.post(f"{RESIDENTS}/{application_id}/submit", headers=resident).status_code == 200

    investigate(client, staff, staff_ids, application_id)
    post(client, f"{case}/finish-investigation", clerk)
    missing_reason = client.post(f"{case}/reject", json={"opinion": " "}, headers=staff("reviewer"))
    assert missing_reason.status_code == 422
    app.config["CASEWORK_TODAY"] = "2026-09-30"
    rejected = post(client, f"{case}/reject", staff("reviewer"), {"opinion": "家庭人均收入高于当地低保标准"})
    assert rejected["stage"] == "rejected"
    decision = client.get(case, headers=clerk).json["case"]["decision"]
    assert decision["outcome"] == "rejected" and decision["notify_by"] == "2026-10-10"
    progress = client.get(f"{RESIDENTS}/{application_id}", headers=resident).json["progress"]
    assert progress["stage"] == "rejected" and progress["reason"] == "家庭人均收入高于当地低保标准"
    assert client.get(f"/api/public/notices?area={VILLAGE}").json["items"] == []  # the notice came down
    # A closed case takes no more steps.
    again = client.post(f"{case}/approve", json={}, headers=staff("reviewer"))
    assert again.status_code == 409 and again.json["code"] == "action_not_allowed_in_stage"


def test_objection_sends_the_case_back_and_requires_a_hearing(client, app, staff, staff_ids, submitted):
    application_id, _resident = submitted()
    case = f"{CASES}/{application_id}"
    investigate(client, staff, staff_ids, application_id)
    post(client, f"{case}/finish-investigation", staff("clerk"))

    notices = client.get("/api/public/notices?area=341602100").json["items"]
    assert len(notices) == 1 and notices[0]["name"] == "王*英" and notices[0]["household_size"] == 2
    objection = {"content": "申请人家里新买了汽车", "contact_name": "李四", "contact_phone": "13900139000"}
    receipt = post(client, f"/api/public/notices/{notices[0]['id']}/objections", {}, objection, status=201)
    assert receipt["received"] is True

    document = client.get(case, headers=staff("clerk")).json
    assert document["summary"]["stage"] == "investigating"
    assert document["case"]["hearing_status"] == "required"
    assert document["case"]["objections"][0]["contact_phone"] == "139****9000"

    post(client, f"{case}/finish-investigation", staff("clerk"), {"opinion": "核实：汽车为亲戚所有"})
    blocked = client.post(f"{case}/approve", json={}, headers=staff("reviewer"))
    assert blocked.status_code == 409 and blocked.json["code"] == "case_not_ready"
    assert [b["code"] for b in blocked.json["errors"]["blockers"]] == ["hearing_required"]

    post(client, f"{case}/hearing", staff("clerk"), {"opinion": "公示有异议，组织民主评议"})
    hearing = {
        "held_on": "2026-09-29",
        "participants": [
            {"name": "张主任", "role": "村委会"},
            {"name": "王代表", "role": "村民代表"},
            {"name": "赵代表", "role": "村民代表"},
        ],
        "votes_for": 7,
        "votes_against": 0,
        "result": "support",
        "summary": "评议认为家庭确实困难",
    }
    assert post(client, f"{case}/hearing-result", staff("clerk"), hearing)["stage"] == "reviewing"
    assert post(client, f"{case}/approve", staff("reviewer"))["stage"] == "approved"
    history = [step["action"] for step in client.get(case, headers=staff("clerk")).json["history"]]
    assert history == [
        "create",
        "submit",
        "accept",
        "start_investigation",
        "finish_investigation",
        "objection",
        "finish_investigation",
        "call_hearing",
        "finish_hearing",
        "approve",
    ]


def test_a_home_visit_synced_from_the_field_app_counts_for_the_investigation(client, app, staff, staff_ids, submitted):
    """入户调查 recorded offline on the field app (two visitors) stands in for one entered at the office."""
    import json
    import uuid
    from datetime import UTC, datetime

    from app.extensions import db
    from app.models import Application, FieldVisit

    application_id, _resident = submitted()
    case = f"{CASES}/{application_id}"
    clerk = staff("clerk")
    post(client, f"{case}/accept", clerk, {"opinion": "材料齐全，予以受理"})
    post(client, f"{case}/investigation", clerk, {"investigator_ids": [staff_ids("clerk"), staff_ids("assistant")]})
    before = client.post(f"{case}/finish-investigation", json={}, headers=clerk)
    assert before.status_code == 409
    assert [b["code"] for b in before.json["errors"]["blockers"]] == ["home_visit_missing", "verification_report_missing"]
    with app.app_context():
        household_id = db.session.get(Application, application_id).household_id
        db.session.add(
            FieldVisit(
                id=str(uuid.uuid4()),
                household_id=household_id,
                application_id=application_id,
                visited_at=datetime(2026, 9, 22, 9, 30, tzinfo=UTC),
                visitor_staff_ids=json.dumps([staff_ids("assistant"), staff_ids("assistant2")]),
                findings="入户查看，情况属实",
                living_conditions="平房两间",
            )
        )
        db.session.commit()
    document = client.get(case, headers=clerk).json
    assert [v["source"] for v in document["case"]["home_visits"]] == ["field_app"]
    after = client.post(f"{case}/finish-investigation", json={}, headers=clerk)
    assert [b["code"] for b in after.json["errors"]["blockers"]] == ["verification_report_missing"]


def test_one_phone_objects_once_per_notice_and_one_address_cannot_flood(client, app, staff, staff_ids, submitted):
    application_id, _resident = submitted()
    investigate(client, staff, staff_ids, application_id)
    post(client, f"{CASES}/{application_id}/finish-investigation", staff("clerk"))
    [notice] = client.get("/api/public/notices?area=341602100").json["items"]
    url = f"/api/public/notices/{notice['id']}/objections"
    objection = {"content": "申请人家里新买了汽车", "contact_name": "李四", "contact_phone": "13900139000"}
    assert client.post(url, json=objection).status_code == 201

    repeated = client.post(url, json={**objection, "content": "再说一遍：有汽车"})
    assert (repeated.status_code, repeated.json["code"]) == (429, "objection_already_received")

    # Other phones from the same address: a few an hour, then a pause (another address is not held up).
    phones = [f"139001{n:05d}" for n in range(20)]
    answers = [
        client.post(url, json={**objection, "contact_phone": phone}).status_code for phone in phones
    ]
    assert answers.count(201) == 9 and answers[9:] == [429] * 11
    elsewhere = client.post(url, json={**objection, "contact_phone": "13700137000"},
                            environ_base={"REMOTE_ADDR": "10.1.2.3"})  # fmt: skip
    assert elsewhere.status_code == 201
    assert len(client.get(f"{CASES}/{application_id}", headers=staff("clerk")).json["case"]["objections"]) == 11
