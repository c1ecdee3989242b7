"""Pull through the API: consistent pages, only my villages, revocation on reassignment and on moves."""

from __future__ import annotations

from tests.field_sync.helpers import new_id
from tests.support import VILLAGE

WEST_VILLAGE = "341602100202"  # 西关社区, same township
SOUTH_VILLAGE = "341602100203"  # 南湖村, same township


def households(device, village: str, count: int) -> list[str]:  # noqa: ANN001
    ids = [new_id() for _ in range(count)]
    response = device.push([device.op("household", i, {"village_code": village}) for i in ids])
    assert response.status_code == 200 and {r["status"] for r in response.json["results"]} == {"applied"}, (
        response.json
    )
    return ids


def test_pages_deliver_every_change_once_even_while_others_push(device_for):
    office = device_for("clerk", default_village_code=VILLAGE)
    worker = device_for("assistant")
    first = households(office, VILLAGE, 5)
    page = worker.pull(limit=2).json
    assert len(page["changes"]) == 2 and page["has_more"]
    later = households(office, VILLAGE, 2)  # committed while the worker is paging
    office.push([office.op("household", first[0], {"note": "改过"})])
    seen: dict[str, int] = {c["record_id"]: c["record_version"] for c in page["changes"]}
    while page["has_more"]:
        page = worker.pull(limit=2).json
        seen.update({c["record_id"]: c["record_version"] for c in page["changes"]})
    assert set(first) <= set(seen)
    rest = worker.pull_all()["changes"]
    seen.update({key[1]: c["record_version"] for key, c in rest.items()})
    assert set(first + later) == set(seen) and seen[first[0]] == 2
    assert worker.pull().json["changes"] == []


def test_a_worker_never_receives_households_outside_their_villages(device_for):
    office = device_for("clerk", default_village_code=VILLAGE)
    mine = households(office, VILLAGE, 3)
    households(office, WEST_VILLAGE, 3)
    worker = device_for("assistant")
    pulled = worker.pull_all(limit=2)["changes"]
    assert {key[1] for key in pulled} == set(mine)
    assert {c["village_code"] for c in pulled.values()} == {VILLAGE}


def test_reassignment_mid_sync_revokes_the_lost_village_and_sends_the_new_one(
    field_client, device_for, headers_of
):
    office = device_for("clerk", default_village_code=VILLAGE)
    east = households(office, VILLAGE, 4)
    west = households(office, WEST_VILLAGE, 3)
    worker = device_for("assistant")
    staff_id = field_client.get("/api/staff/me", headers=headers_of("assistant")).json["id"]
    page = worker.pull(limit=2).json
    assert page["has_more"] and {c["village_code"] for c in page["changes"]} == {VILLAGE}
    moved = field_client.put(f"/api/field/staff/{staff_id}/villages", json={"village_codes": [WEST_VILLAGE]},
                             headers=headers_of("clerk"))  # fmt: skip
    assert moved.status_code == 200 and [v["code"] for v in moved.json["villages"]] == [WEST_VILLAGE]
    result = worker.pull_all(limit=2)
    assert result["revoked_villages"] == [VILLAGE]
    assert {key[1] for key in result["changes"]} == set(west)
    assert not set(east) & {key[1] for key in result["changes"]}
    # Back to both villages: the east village comes again in full, nothing is revoked.
    field_client.put(f"/api/field/staff/{staff_id}/villages", json={"village_codes": [VILLAGE, WEST_VILLAGE]},
                     headers=headers_of("clerk"))  # fmt: skip
    again = worker.pull_all(limit=3)
    assert {key[1] for key in again["changes"]} == set(east) and again["revoked_villages"] == []


def test_a_household_that_moves_away_is_revoked_with_its_members(device_for, household_ops):
    worker = device_for("assistant")
    ops = household_ops(worker)
    worker.push(ops)
    worker.pull_all()
    office = device_for("clerk")
    office.pull_all()
    office.push([office.op("household", ops[0]["record_id"], {"village_code": SOUTH_VILLAGE})])
    result = worker.pull_all()
    assert {(r["entity"], r["record_id"]) for r in result["revoked"]} == {
        (op["entity"], op["record_id"]) for op in ops
    }
    assert result["changes"] == {}
    other = device_for("assistant2", register=False)
    assert other.register().status_code == 200
    assert ops[0]["record_id"] not in {key[1] for key in other.pull_all()["changes"]}


def test_an_old_cursor_can_be_replayed_after_a_lost_response(device_for):
    office = device_for("clerk", default_village_code=VILLAGE)
    ids = households(office, VILLAGE, 3)
    worker = device_for("assistant")
    worker.pull_all()
    cursor = worker.cursor
    office.push([office.op("household", ids[1], {"note": "新情况"})])
    first = worker.pull(cursor=cursor, keep=False).json
    second = worker.pull(cursor=cursor, keep=False).json
    assert [c["record_id"] for c in first["changes"]] == [ids[1]]
    assert first["changes"] == second["changes"]


def test_an_empty_pull_is_empty(device_for):
    worker = device_for("assistant")
    body = worker.pull().json
    assert body["changes"] == [] and body["revoked"] == [] and not body["has_more"]
    assert worker.pull().json["changes"] == []


def test_a_cursor_of_another_device_is_refused(device_for):
    one = device_for("assistant")
    two = device_for("assistant")
    one.pull()
    response = two.pull(cursor=one.cursor)
    assert (response.status_code, response.json["code"]) == (400, "invalid_cursor")


def test_assignments_are_checked(field_client, headers_of):
    staff_id = field_client.get("/api/staff/me", headers=headers_of("assistant")).json["id"]
    clerk = headers_of("clerk")
    assert field_client.get(f"/api/field/staff/{staff_id}/villages", headers=clerk).json["is_default"] is True
    outside = field_client.put(
        f"/api/field/staff/{staff_id}/villages", json={"village_codes": ["341602101201"]}, headers=clerk
    )
    assert outside.status_code == 422
    assert field_client.put(f"/api/field/staff/{staff_id}/villages", json={"village_codes": []},
                            headers=headers_of("assistant")).status_code == 403  # fmt: skip
    emptied = field_client.put(
        f"/api/field/staff/{staff_id}/villages", json={"village_codes": []}, headers=clerk
    )
    assert emptied.json["villages"] == [] and emptied.json["is_default"] is False


def test_wide_scopes_page_the_same_way(device_for, monkeypatch):
    from app.services import sync_pull

    monkeypatch.setattr(sync_pull, "UNION_VILLAGES", 0)  # as for a county officer with hundreds of villages
    office = device_for("clerk", default_village_code=VILLAGE)
    ids = households(office, VILLAGE, 3) + households(office, WEST_VILLAGE, 2)
    reader = device_for("reviewer")
    pulled = reader.pull_all(limit=2)["changes"]
    assert {key[1] for key in pulled} == set(ids)
    office.push([office.op("household", ids[0], {"note": "再次走访"})])
    assert [key[1] for key in reader.pull_all(limit=2)["changes"]] == [ids[0]]
