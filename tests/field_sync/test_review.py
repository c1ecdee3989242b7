"""Conflicts for people: every candidate with who/which device/when, decisions as office ops, history."""

from __future__ import annotations

from tests.field_sync.helpers import new_id
from tests.support import VILLAGE, id_number


def two_workers_disagree(device_for, field_name: str = "current_address", values=("东大街3号", "东大街5号")):  # noqa: ANN001, ANN201
    """Two phones, both having pulled the household, change the same field while offline."""
    one = device_for("assistant", label="孙倩的手机")
    two = device_for("assistant2", label="赵刚的手机")
    household = new_id()
    one.push([one.op("household", household, {"village_code": VILLAGE, field_name: "旧地址"})])
    one.pull_all()
    two.pull_all()
    one.push([one.op("household", household, {field_name: values[0]})])
    two.push([two.op("household", household, {field_name: values[1]})])
    return household, one, two


def test_reviewers_see_every_candidate_and_decide_by_choosing_one(field_client, device_for, headers_of):
    household, one, two = two_workers_disagree(device_for)
    listing = field_client.get("/api/field/conflicts", headers=headers_of("reviewer"))
    assert listing.status_code == 200 and listing.json["total"] == 1
    [record] = listing.json["items"]
    [conflict] = record["conflicts"]
    assert conflict["field"] == "current_address" and conflict["kind"] == "hard"
    by_device = {c["device_label"]: c for c in conflict["candidates"]}
    assert {c["value"] for c in conflict["candidates"]} == {"东大街3号", "东大街5号"}
    assert by_device["孙倩的手机"]["staff_name"] == "东关社区协理员 孙倩" and by_device["孙倩的手机"]["at"]
    assert sum(c["is_default"] for c in conflict["candidates"]) == 1
    chosen = by_device["赵刚的手机"]
    decided = field_client.post(
        f"/api/field/records/household/{household}/resolve",
        json={
            "choices": [{"field": "current_address", "op_id": chosen["op_id"]}],
            "expected_record_version": record["record_version"],
        },
        headers=headers_of("reviewer"),
    )
    assert decided.status_code == 200, decided.json
    assert (
        decided.json["record"]["conflicts"] == []
        and decided.json["record"]["fields"]["current_address"] == "东大街5号"
    )
    assert field_client.get("/api/field/conflicts", headers=headers_of("reviewer")).json["total"] == 0
    # The decision is an ordinary op: phones get it like any other change.
    pulled = one.pull_all()["changes"][("household", household)]
    assert pulled["fields"]["current_address"] == "东大街5号" and pulled["state"]["open_conflicts"] == []
    history = field_client.get(
        f"/api/field/records/household/{household}/history", headers=headers_of("assistant")
    ).json["items"]
    assert [entry["origin"] for entry in history] == ["device", "device", "device", "resolution"]
    assert history[-1]["staff_name"] == "城关镇审核 刘洋" and history[-1]["fields"] == {
        "current_address": "东大街5号"
    }


def test_a_new_value_can_be_entered_and_a_stale_decision_is_refused(field_client, device_for, headers_of):
    household, one, _ = two_workers_disagree(device_for)
    url = f"/api/field/records/household/{household}/resolve"
    stale = field_client.post(url, json={"choices": [{"field": "current_address", "value": "东大街4号"}], "expected_record_version": 1},
                              headers=headers_of("clerk"))  # fmt: skip
    assert (stale.status_code, stale.json["code"]) == (409, "changed_meanwhile")
    bad = field_client.post(
        url, json={"choices": [{"field": "current_address", "value": "x" * 300}]}, headers=headers_of("clerk")
    )
    assert bad.status_code == 422 and "current_address" in bad.json["errors"]
    not_open = field_client.post(
        url, json={"choices": [{"field": "household_type", "value": "urban"}]}, headers=headers_of("clerk")
    )
    assert not_open.status_code == 422
    entered = field_client.post(
        url,
        json={"choices": [{"field": "current_address", "value": "东大街4号"}]},
        headers=headers_of("clerk"),
    )
    assert entered.status_code == 200 and entered.json["record"]["fields"]["current_address"] == "东大街4号"


def test_conflicting_id_numbers_are_shown_in_full_only_to_roles_that_need_them(
    field_client, device_for, headers_of
):
    one = device_for("assistant")
    two = device_for("assistant2")
    household, member = new_id(), new_id()
    first, second = id_number("19600101"), id_number("19600102")
    one.push([one.op("household", household, {"village_code": VILLAGE}),
              one.op("member", member, {"household_id": household, "name": "王五"})])  # fmt: skip
    one.pull_all()
    two.pull_all()
    one.push([one.op("member", member, {"id_number": first})])
    two.push([two.op("member", member, {"id_number": second})])
    reviewer = field_client.get("/api/field/conflicts", headers=headers_of("reviewer")).json["items"][0][
        "conflicts"
    ][0]
    assert {c["value"] for c in reviewer["candidates"]} == {first, second}
    record = field_client.get(f"/api/field/records/member/{member}", headers=headers_of("assistant")).json
    assert first not in str(record) and second not in str(record)
    assert field_client.get("/api/field/conflicts", headers=headers_of("assistant")).status_code == 403
    chosen = next(c for c in reviewer["candidates"] if c["value"] == first)
    done = field_client.post(f"/api/field/records/member/{member}/resolve",
                             json={"choices": [{"field": "id_number", "op_id": chosen["op_id"]}]}, headers=headers_of("reviewer"))  # fmt: skip
    assert done.status_code == 200 and done.json["record"]["fields"]["id_number"] == first


def test_delete_against_edit_is_surfaced_and_can_be_undone(field_client, device_for, headers_of):
    one = device_for("assistant")
    two = device_for("assistant2")
    household = new_id()
    one.push([one.op("household", household, {"village_code": VILLAGE})])
    one.pull_all()
    two.pull_all()
    one.push([one.op("household", household, op_type="delete")])
    two.push([two.op("household", household, {"note": "还住在这里"})])
    [record] = field_client.get("/api/field/conflicts", headers=headers_of("clerk")).json["items"]
    assert record["deleted"] is False and record["conflicts"][0]["field"] == "_deleted"
    kept = field_client.post(f"/api/field/records/household/{household}/resolve",
                             json={"choices": [{"field": "_deleted", "value": "alive"}]}, headers=headers_of("clerk"))  # fmt: skip
    assert (
        kept.status_code == 200
        and kept.json["record"]["deleted"] is False
        and kept.json["record"]["conflicts"] == []
    )


def test_records_outside_my_area_are_not_found(field_client, device_for, headers_of):
    household, _, _ = two_workers_disagree(device_for)
    for path in (
        f"/api/field/records/household/{household}",
        f"/api/field/records/household/{household}/history",
    ):
        assert field_client.get(path, headers=headers_of("assistant")).status_code == 200
    assert (
        field_client.get(f"/api/field/records/household/{new_id()}", headers=headers_of("clerk")).status_code
        == 404
    )
    assert (
        field_client.get(f"/api/field/records/nothing/{household}", headers=headers_of("clerk")).status_code
        == 404
    )


def test_quarantined_ops_are_listed_for_the_office(field_client, device_for, headers_of):
    phone = device_for("assistant")
    phone.push([phone.op("member", new_id(), {"household_id": new_id(), "name": "无户"})])
    listing = field_client.get("/api/field/quarantine", headers=headers_of("clerk")).json
    assert listing["total"] == 1 and "家庭" in listing["items"][0]["errors"][0]
