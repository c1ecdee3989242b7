"""What the rest of the system sees of field work: applications, home visits, members and items, moves."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Application, Area, FieldVisit, IncomeItem, Member, StaffUser, StageEvent
from tests.field_sync.helpers import new_id
from tests.support import id_number


def staff_id(app, username: str) -> str:  # noqa: ANN001
    with app.app_context():
        return db.session.scalar(select(StaffUser.id).where(StaffUser.username == username))


def test_a_field_application_is_made_with_the_worker_as_proxy_and_submitted(
    field_app, device_for, household_ops
):
    phone = device_for("assistant")
    ops = household_ops(phone, id_number=id_number("19500101"))
    application = new_id()
    fields = {
        "household_id": ops[0]["record_id"],
        "program": "dibao",
        "applicant_member_id": ops[1]["record_id"],
        "reason": "老人独居",
    }
    response = phone.push([*ops, phone.op("application", application, fields)])
    assert [r["status"] for r in response.json["results"]] == ["applied"] * 4
    with field_app.app_context():
        row = db.session.get(Application, application)
        assert (row.channel, row.stage, row.on_behalf, row.proxy_relation) == (
            "field",
            "draft",
            True,
            "village_cadre",
        )
        assert row.proxy_name == "东关社区协理员 孙倩" and row.created_by_staff_id == staff_id(
            field_app, "assistant"
        )
        assert row.applicant.name == "张秀兰" and row.applicant_id_hash
    phone.push([phone.op("application", application, {"submitted": True}, base={})])
    with field_app.app_context():
        row = db.session.get(Application, application)
        assert row.stage == "submitted" and row.submitted_at is not None
        events = db.session.scalars(
            select(StageEvent.action).where(StageEvent.application_id == application)
        ).all()
        assert events == ["create", "submit"]


def test_a_second_open_application_for_the_same_person_is_quarantined(device_for, household_ops):
    phone = device_for("assistant")
    ops = household_ops(phone, id_number=id_number("19500102"))
    fields = {
        "household_id": ops[0]["record_id"],
        "program": "dibao",
        "applicant_member_id": ops[1]["record_id"],
    }
    first = phone.op("application", new_id(), fields)
    second = phone.op("application", new_id(), fields)
    response = phone.push([*ops, first]).json
    assert response["results"][-1]["status"] == "applied"
    [result] = phone.push([second]).json["results"]
    assert result["status"] == "quarantined" and "同类申请" in result["errors"][0]


def test_a_home_visit_needs_two_staff_and_keeps_time_place_and_findings(field_app, device_for, household_ops):
    phone = device_for("assistant")
    ops = household_ops(phone)
    visitors = [staff_id(field_app, "assistant"), staff_id(field_app, "assistant2")]
    visit = {
        "household_id": ops[0]["record_id"],
        "visited_at": "2026-05-01T09:30:00+08:00",
        "visitors": visitors,
        "location": {"lat": 33.84, "lng": 115.78, "accuracy_m": 12.5},
        "findings": "房屋简陋，无大件电器",
        "living_conditions": {"住房": "土坯房", "家电": "无"},
    }
    alone = phone.op("visit", new_id(), {**visit, "visitors": visitors[:1]})
    stranger = phone.op("visit", new_id(), {**visit, "visitors": [visitors[0], new_id()]})
    good = phone.op("visit", new_id(), visit, attachments=[{"sha256": "a" * 64, "kind": "house_photo"}])
    statuses = [r["status"] for r in phone.push([*ops, alone, stranger, good]).json["results"]]
    assert statuses == ["applied"] * 3 + ["quarantined", "quarantined", "applied"]
    with field_app.app_context():
        row = db.session.get(FieldVisit, good["record_id"])
        assert (row.latitude, row.longitude, row.accuracy_m) == (33.84, 115.78, 12.5)
        assert row.visited_at.isoformat() == "2026-05-01T01:30:00+00:00" and "土坯房" in row.living_conditions
        assert sorted(__import__("json").loads(row.visitor_staff_ids)) == sorted(visitors)


def test_a_deleted_member_leaves_the_household_and_comes_back_when_restored(
    field_app, device_for, household_ops
):
    one = device_for("assistant")
    two = device_for("assistant2")
    ops = household_ops(one)
    one.push(ops)
    one.pull_all()
    two.pull_all()
    member_id, income_id = ops[1]["record_id"], ops[2]["record_id"]
    one.push([one.op("member", member_id, op_type="delete")])
    with field_app.app_context():
        assert db.session.get(Member, member_id) is None
        assert db.session.get(IncomeItem, income_id).member_id is None
    two.push([two.op("member", member_id, {"relation": "spouse"})])  # had not seen the delete: the edit wins
    with field_app.app_context():
        assert db.session.get(Member, member_id).relation == "spouse"
        assert db.session.get(IncomeItem, income_id).member_id == member_id


def test_applications_follow_their_household_to_another_village(field_app, device_for, household_ops):
    phone = device_for("assistant")
    ops = household_ops(phone, id_number=id_number("19500103"))
    application = phone.op("application", new_id(), {"household_id": ops[0]["record_id"], "program": "tekun",
                                                     "applicant_member_id": ops[1]["record_id"]})  # fmt: skip
    phone.push([*ops, application])
    office = device_for("clerk")
    office.pull_all()
    office.push([office.op("household", ops[0]["record_id"], {"village_code": "341602100202"})])
    with field_app.app_context():
        west = db.session.scalar(select(Area.id).where(Area.code == "341602100202"))
        assert db.session.get(Application, application["record_id"]).area_id == west
