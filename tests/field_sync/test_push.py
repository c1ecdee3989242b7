"""Push through the API: exactly once, gap-free numbering, quarantine, clamping, devices that are not yours."""

from __future__ import annotations

import time

from sqlalchemy import func, select, text

from app.extensions import db
from app.models import Area, Household, IncomeItem, Member, SyncOp, SyncRecord
from sync.hlc import format_hlc, parse_hlc
from tests.field_sync.helpers import new_id
from tests.support import OTHER_TOWNSHIP_VILLAGE, VILLAGE, id_number


def village_id(code: str) -> int:
    return db.session.scalar(select(Area.id).where(Area.code == code))


def statuses(response) -> list[str]:  # noqa: ANN001
    return [result["status"] for result in response.json["results"]]


def test_a_new_household_reaches_the_relational_tables(field_app, device_for, household_ops):
    phone = device_for("assistant")
    ops = household_ops(phone, id_number=id_number("19580314"))
    response = phone.push(ops)
    assert response.status_code == 200, response.json
    assert statuses(response) == ["applied"] * 3
    assert response.json["expected_device_seq"] == 4
    with field_app.app_context():
        household = db.session.get(Household, ops[0]["record_id"])
        assert household.area_id == village_id(VILLAGE) and household.current_address == "东大街3号"
        member = db.session.get(Member, ops[1]["record_id"])
        assert member.household_id == household.id and member.person.name == "张秀兰"
        assert member.person.id_number == ops[1]["fields"]["id_number"] and member.person.sex == "male"
        income = db.session.get(IncomeItem, ops[2]["record_id"])
        assert income.member_id == member.id and str(income.amount) == "300.00"


def test_id_numbers_never_reach_the_op_log_or_states_in_clear(field_app, device_for, household_ops):
    phone = device_for("assistant")
    number = id_number("19580314")
    phone.push(household_ops(phone, id_number=number))
    with field_app.app_context():
        texts = db.session.execute(select(SyncOp.fields, SyncOp.result, SyncRecord.state, SyncRecord.display).join(
            SyncRecord, SyncRecord.record_id == SyncOp.record_id)).all()  # fmt: skip
        assert texts and not any(number in (text or "") for row in texts for text in row)
        raw = db.session.execute(text("SELECT id_number FROM persons")).scalars().all()
        assert number not in raw  # the persons column is ciphertext too
    pulled = phone.pull().json
    member = next(c for c in pulled["changes"] if c["entity"] == "member")
    assert member["fields"]["id_number"] == number[:6] + "********" + number[-4:]
    assert number not in str(pulled)


def test_a_lost_response_is_retried_without_duplicates(field_app, device_for, household_ops):
    phone = device_for("assistant")
    ops = household_ops(phone)
    first = phone.push(ops, batch_id="batch-1")
    again = phone.push(ops, batch_id="batch-1")
    assert statuses(again) == ["duplicate"] * 3
    assert [r["hlc"] for r in again.json["results"]] == [r["hlc"] for r in first.json["results"]]
    assert [r["original_status"] for r in again.json["results"]] == ["applied"] * 3
    with field_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SyncOp)) == 3
        assert db.session.scalar(select(func.count()).select_from(Household)) == 1


def test_a_duplicate_inside_a_batch_is_applied_once(device_for, household_ops):
    phone = device_for("assistant")
    ops = household_ops(phone)
    response = phone.push([*ops, ops[0]])
    assert statuses(response) == ["applied", "applied", "applied", "duplicate"]


def test_a_gap_in_device_seq_refuses_the_batch_and_names_the_number_expected(
    field_app, device_for, household_ops
):
    phone = device_for("assistant")
    ops = household_ops(phone)
    response = phone.push([ops[0], ops[2]])
    assert response.status_code == 409
    assert response.json["code"] == "device_seq_gap"
    assert response.json["errors"]["detail"]["expected_device_seq"] == 1
    with field_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SyncRecord)) == 0
    assert statuses(phone.push(ops)) == ["applied"] * 3


def test_the_same_op_id_with_another_payload_is_refused(device_for, household_ops):
    phone = device_for("assistant")
    ops = household_ops(phone)
    phone.push(ops)
    changed = {**ops[0], "fields": {**ops[0]["fields"], "current_address": "西大街1号"}}
    response = phone.push([changed])
    assert (response.status_code, response.json["code"]) == (422, "op_id_reused")


def test_invalid_ops_are_quarantined_with_200_and_do_not_block_the_queue(
    field_app, device_for, household_ops
):
    phone = device_for("assistant")
    ops = household_ops(phone)
    bad_number = "341602195803141234"  # wrong check character
    bad = phone.op(
        "member", new_id(), {"household_id": ops[0]["record_id"], "name": "李四", "id_number": bad_number}
    )
    after = phone.op("household", ops[0]["record_id"], {"note": "门口有狗"})
    response = phone.push([*ops, bad, after])
    assert response.status_code == 200
    assert statuses(response) == ["applied", "applied", "applied", "quarantined", "applied"]
    assert any("校验位" in error for error in response.json["results"][3]["errors"])
    with field_app.app_context():
        logged = db.session.scalar(select(SyncOp).where(SyncOp.op_id == bad["op_id"]))
        assert (
            logged.status == "quarantined" and bad_number in logged.sealed_payload
        )  # readable only decrypted
        raw = db.session.execute(
            text("SELECT sealed_payload FROM sync_ops WHERE op_id = :i"), {"i": bad["op_id"]}
        ).scalar()
        assert bad_number not in raw
    assert phone.push([bad]).json["results"][0]["original_status"] == "quarantined"


def test_a_clock_far_ahead_is_clamped_and_flagged(field_app, device_for):
    phone = device_for("assistant")
    op = phone.op("household", new_id(), {"village_code": "341602100201"})
    two_days_ahead = int(time.time() * 1000) + 48 * 3600 * 1000
    op["hlc"] = format_hlc(two_days_ahead, 0, phone.device_id)
    [result] = phone.push([op]).json["results"]
    assert result["status"] == "applied" and result["hlc_clamped"] is True
    assert parse_hlc(result["hlc"]).ms < two_days_ahead - 40 * 3600 * 1000


def test_a_household_outside_my_villages_is_quarantined(device_for):
    phone = device_for("assistant")
    op = phone.op("household", new_id(), {"village_code": OTHER_TOWNSHIP_VILLAGE})
    [result] = phone.push([op]).json["results"]
    assert result["status"] == "quarantined"


def test_another_workers_device_is_refused(field_client, device_for, headers_of):
    mine = device_for("assistant", "phone-of-assistant-1")
    response = field_client.post(
        "/api/field/devices", json={"device_id": mine.device_id}, headers=headers_of("assistant2")
    )
    assert (response.status_code, response.json["code"]) == (403, "device_not_yours")
    op = mine.op("household", new_id(), {"village_code": "341602100201"})
    body = {"device_id": mine.device_id, "batch_id": "b", "ops": [op]}
    stolen = field_client.post("/api/field/push", json=body, headers=headers_of("assistant2"))
    assert (stolen.status_code, stolen.json["code"]) == (403, "device_not_yours")
    pulled = field_client.get(
        "/api/field/pull", query_string={"device_id": mine.device_id}, headers=headers_of("assistant2")
    )
    assert pulled.status_code == 403


def test_an_unknown_device_or_foreign_device_id_in_ops_is_refused(field_client, device_for, headers_of):
    ghost = device_for("assistant", "phone-never-registered", register=False)
    response = ghost.push([ghost.op("household", new_id(), {"village_code": "341602100201"})])
    assert (response.status_code, response.json["code"]) == (404, "unknown_device")
    mine = device_for("assistant")
    other = device_for("assistant2")
    foreign = other.op("household", new_id(), {"village_code": "341602100201"})
    assert mine.push([foreign]).status_code == 422


def test_bad_bodies_are_4xx_never_500(field_client, device_for, headers_of):
    phone = device_for("assistant")
    headers = headers_of("assistant")
    for body in ({}, {"device_id": phone.device_id}, {"device_id": phone.device_id, "ops": "x"},
                 {"device_id": phone.device_id, "ops": [1]}, {"device_id": phone.device_id, "ops": [{"op_id": "a"}]},
                 {"device_id": phone.device_id, "ops": [{"op_id": "a", "device_id": phone.device_id, "device_seq": True}]}):  # fmt: skip
        response = field_client.post("/api/field/push", json=body, headers=headers)
        assert 400 <= response.status_code < 500, (body, response.json)
        assert set(response.json) == {"status", "code", "message", "errors"}
    weird = phone.op("household", "not-a-uuid", {"village_code": 5, "x_note": {"a": [1, 2]}})
    weird["base_version"] = {"nobody": 3}
    assert statuses(phone.push([weird])) == ["quarantined"]
    assert field_client.get("/api/field/pull", query_string={"device_id": phone.device_id, "cursor": "forged"},
                            headers=headers).status_code == 400  # fmt: skip
