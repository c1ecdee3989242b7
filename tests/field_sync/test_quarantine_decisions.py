"""Reviewers decide quarantined field ops: read what the phone sent, apply it as corrected, or dismiss it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEntry, Member, SyncOp, SyncQuarantineDecision
from tests.field_sync.helpers import new_id
from tests.support import id_number

QUARANTINE = "/api/field/quarantine"
BAD_NUMBER = "341602195803141234"  # wrong check character


@pytest.fixture
def quarantined_member(device_for, household_ops):  # noqa: ANN001, ANN201
    """A worker's phone pushes a household whose second member has a mistyped ID number."""
    phone = device_for("assistant")
    ops = household_ops(phone)
    household_id = ops[0]["record_id"]
    bad = phone.op("member", new_id(), {"household_id": household_id, "name": "李四", "id_number": BAD_NUMBER,
                                        "relation": "spouse", "co_resident": True})  # fmt: skip
    results = phone.push([*ops, bad]).json["results"]
    assert [r["status"] for r in results] == ["applied", "applied", "applied", "quarantined"]
    return phone, bad


def test_a_reviewer_reads_the_op_and_applies_it_corrected(
    field_app, field_client, headers_of, quarantined_member
):
    phone, bad = quarantined_member
    reviewer = headers_of("reviewer")
    listed = field_client.get(QUARANTINE, headers=reviewer).json
    assert [item["op_id"] for item in listed["items"]] == [bad["op_id"]] and listed["items"][0][
        "decision"
    ] is None

    detail = field_client.get(f"{QUARANTINE}/{bad['op_id']}", headers=reviewer).json
    assert detail["fields"]["id_number"] == BAD_NUMBER  # the reviewer's role needs the number to fix it
    assert any("校验位" in error for error in detail["errors"])
    with field_app.app_context():
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "field.quarantined_op_read")
            )
            == 1
        )

    fixed = id_number("19600202")
    decided = field_client.post(
        f"{QUARANTINE}/{bad['op_id']}/decision",
        json={"decision": "apply", "corrections": {"id_number": fixed}, "note": "核对户口本后改正"},
        headers=reviewer,
    )
    assert decided.status_code == 200, decided.json
    assert decided.json["decision"]["decision"] == "apply" and decided.json["decision"]["applied_op_id"]

    # The member now exists, with the corrected number, and reaches the worker's phone on the next pull.
    with field_app.app_context():
        member = db.session.get(Member, bad["record_id"])
        assert member is not None and member.person.id_number == fixed
    pulled = phone.pull_all()["changes"][("member", bad["record_id"])]
    assert pulled["fields"]["name"] == "李四" and "*" in pulled["fields"]["id_number"]

    assert field_client.get(QUARANTINE, headers=reviewer).json["items"] == []
    decided_list = field_client.get(QUARANTINE, query_string={"state": "decided"}, headers=reviewer).json
    assert [item["op_id"] for item in decided_list["items"]] == [bad["op_id"]]
    again = field_client.post(
        f"{QUARANTINE}/{bad['op_id']}/decision", json={"decision": "dismiss", "note": "x"}, headers=reviewer
    )
    assert (again.status_code, again.json["code"]) == (409, "quarantine_already_decided")


def test_a_fix_that_still_has_problems_is_refused_whole_and_nothing_is_kept(
    field_app, field_client, headers_of, quarantined_member
):
    _, bad = quarantined_member
    reviewer = headers_of("reviewer")
    refused = field_client.post(
        f"{QUARANTINE}/{bad['op_id']}/decision",
        json={"decision": "apply", "corrections": {"id_number": "341602196002021235", "relation": "宇航员"}},
        headers=reviewer,
    )
    assert refused.status_code == 422 and refused.json["code"] == "quarantine_fix_invalid"
    assert {"fields.id_number", "fields.relation"} <= set(refused.json["errors"])
    with field_app.app_context():
        assert db.session.get(Member, bad["record_id"]) is None
        assert db.session.get(SyncQuarantineDecision, bad["op_id"]) is None
        office_ops = db.session.scalar(
            select(func.count()).select_from(SyncOp).where(SyncOp.device_id.startswith("office-"))
        )
        assert office_ops == 0
    assert [i["op_id"] for i in field_client.get(QUARANTINE, headers=reviewer).json["items"]] == [
        bad["op_id"]
    ]


def test_dismissing_needs_a_reason_and_writes_nothing(
    field_app, field_client, headers_of, quarantined_member
):
    _, bad = quarantined_member
    clerk = headers_of("clerk")
    url = f"{QUARANTINE}/{bad['op_id']}/decision"
    no_reason = field_client.post(url, json={"decision": "dismiss"}, headers=clerk)
    assert no_reason.status_code == 422 and "note" in no_reason.json["errors"]
    dismissed = field_client.post(
        url, json={"decision": "dismiss", "note": "重复登记，已在另一户"}, headers=clerk
    )
    assert dismissed.status_code == 200 and dismissed.json["decision"]["note"] == "重复登记，已在另一户"
    with field_app.app_context():
        assert db.session.get(Member, bad["record_id"]) is None
        assert db.session.scalar(select(SyncOp.status).where(SyncOp.op_id == bad["op_id"])) == "quarantined"


def test_other_areas_and_field_roles_cannot_see_or_decide(
    field_client, headers_of, quarantined_member, other_township_clerk
):
    _, bad = quarantined_member
    stranger = headers_of(other_township_clerk)
    assert field_client.get(QUARANTINE, headers=stranger).json["items"] == []
    assert field_client.get(f"{QUARANTINE}/{bad['op_id']}", headers=stranger).status_code == 404
    decided = field_client.post(
        f"{QUARANTINE}/{bad['op_id']}/decision", json={"decision": "dismiss", "note": "x"}, headers=stranger
    )
    assert decided.status_code == 404
    assert field_client.get(QUARANTINE, headers=headers_of("assistant")).status_code == 403
