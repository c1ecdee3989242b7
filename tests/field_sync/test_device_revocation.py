"""A lost or stolen phone is revoked: it cannot sync any more, and its owner's sign-ins end."""

from __future__ import annotations

from app.extensions import db
from app.models import AuditEntry
from tests.field_sync.helpers import FieldDevice, new_id

DEVICES = "/api/field/devices"


def sign_in(client, username: str) -> dict[str, str]:  # noqa: ANN001
    response = client.post("/api/staff/login", json={"username": username, "password": "demo-pass-2024"})
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['token']}"}


def test_a_revoked_phone_can_no_longer_sync_and_its_owner_signs_in_again(
    field_app, field_client, device_for, household_ops
):
    worker = sign_in(field_client, "assistant")
    lost = FieldDevice(field_client, worker, f"phone-{new_id()}", lambda: 1_750_000_000_000)
    assert lost.register(label="孙倩的旧手机").status_code == 200
    assert [r["status"] for r in lost.push(household_ops(lost)).json["results"]] == ["applied"] * 3

    clerk = sign_in(field_client, "clerk")
    listed = field_client.get(DEVICES, headers=clerk).json["items"]
    assert lost.device_id in [d["device_id"] for d in listed]
    revoked = field_client.post(
        f"{DEVICES}/{lost.device_id}/revoke", json={"reason": "手机丢失"}, headers=clerk
    )
    assert revoked.status_code == 200 and revoked.json["revoked_at"]
    again = field_client.post(
        f"{DEVICES}/{lost.device_id}/revoke", json={"reason": "再点一次"}, headers=clerk
    )
    assert again.json["revoked_at"] == revoked.json["revoked_at"]

    # Whoever holds the phone: its stored sign-in is dead, and a fresh sign-in cannot sync from it either.
    assert lost.pull().status_code == 401
    lost.headers = sign_in(field_client, "assistant")
    for response in (lost.pull(), lost.push(household_ops(lost)), lost.register(),
                     field_client.get(f"{DEVICES}/{lost.device_id}", headers=lost.headers)):  # fmt: skip
        assert (response.status_code, response.json["code"]) == (403, "device_revoked")
        assert "停用" in response.json["message"]

    # The new phone gets everything the old one had pushed.
    new_phone = FieldDevice(field_client, lost.headers, f"phone-{new_id()}", lambda: 1_750_000_000_000)
    assert new_phone.register().status_code == 200
    assert len(new_phone.pull_all()["changes"]) == 3
    with field_app.app_context():
        entry = db.session.query(AuditEntry).filter_by(action="field.device_revoked").one()
        assert entry.detail["device_id"] == lost.device_id and entry.detail["reason"] == "手机丢失"


def test_only_the_owner_and_office_staff_of_the_area_may_revoke(
    field_client, device_for, headers_of, other_township_clerk
):
    phone = device_for("assistant")
    body = {"reason": "手机丢失"}
    for username in ("assistant2", other_township_clerk):
        refused = field_client.post(
            f"{DEVICES}/{phone.device_id}/revoke", json=body, headers=headers_of(username)
        )
        assert (refused.status_code, refused.json["code"]) == (404, "unknown_device")
    assert phone.device_id not in [
        d["device_id"] for d in field_client.get(DEVICES, headers=headers_of("assistant2")).json["items"]
    ]
    assert field_client.get(DEVICES, headers=headers_of(other_township_clerk)).json["items"] == []
    assert phone.pull().status_code == 200

    mine = field_client.post(
        f"{DEVICES}/{phone.device_id}/revoke", json=body, headers=headers_of("assistant")
    )
    assert mine.status_code == 200 and mine.json["staff_name"]
    assert (
        field_client.post(
            f"{DEVICES}/{phone.device_id}/revoke", json={}, headers=headers_of("assistant")
        ).status_code
        == 422
    )
