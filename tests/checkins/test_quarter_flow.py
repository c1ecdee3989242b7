"""A whole quarter through HTTP: windows, one reminder each, a self check-in (match), a guardian's
check-in (WeChat serverId), a miss → a visit task in the assistant's pull → the assisted check-in
synced from the field app (photo by resumable upload) clears it; then the staff report."""

from __future__ import annotations

import hashlib

from app.extensions import db
from app.services.sync_outbox import relay_pending
from tests.checkins.conftest import QUARTER, card_photo, enroll_reference, run_cli, selfie, upload_checkin
from tests.face import samples
from tests.field_sync.helpers import new_id

REMINDER = "TPL_CHECKIN_REMINDER"
VILLAGE_HOME = (33.8456, 115.7789)  # WGS-84, near 亳州


def _upload_by_tus(client, headers: dict, data: bytes) -> str:  # noqa: ANN001
    import base64

    sha = hashlib.sha256(data).hexdigest()
    tus = {**headers, "Tus-Resumable": "1.0.0"}
    meta = f"sha256 {base64.b64encode(sha.encode()).decode()}"
    created = client.post(
        "/api/field/uploads", headers={**tus, "Upload-Length": str(len(data)), "Upload-Metadata": meta}
    )
    assert created.status_code == 201, created.json
    checksum = "sha256 " + base64.b64encode(hashlib.sha256(data).digest()).decode()
    patched = client.patch(created.headers["Location"], data=data, headers={
        **tus, "Upload-Offset": "0", "Upload-Checksum": checksum, "Content-Type": "application/offset+octet-stream"})  # fmt: skip
    assert patched.status_code == 204, patched.json
    return sha


def test_a_quarter_windows_reminders_self_guardian_miss_visit_and_assisted_checkin(
    app, client, staff, beneficiary, wechat_control, field_device
):
    wechat_control.add_template(REMINDER)
    alone, cared_for, missing = beneficiary("王秀英"), beneficiary("李桂兰"), beneficiary("张玉珍")
    faces = {
        alone.person_id: None,
        cared_for.person_id: samples.lfw_face(0),
        missing.person_id: samples.lfw_face(10),
    }
    for person_id, face in faces.items():
        enroll_reference(client, staff("assistant"), person_id, card_photo(face))

    with app.app_context():  # the home visit recorded her home's GPS position
        from datetime import UTC, datetime

        from app.models import FieldVisit

        db.session.add(FieldVisit(id=new_id(), household_id=alone.household_id, latitude=VILLAGE_HOME[0],
                                  longitude=VILLAGE_HOME[1], visited_at=datetime(2026, 9, 22, tzinfo=UTC)))  # fmt: skip
        db.session.commit()
    app.config["CASEWORK_TODAY"] = "2026-10-01"
    assert "3 check-in windows opened" in run_cli(app, "checkins-open", "--quarter", QUARTER)
    assert "0 check-in windows opened" in run_cli(app, "checkins-open", "--quarter", QUARTER)
    windows = {}
    for person in (alone, cared_for, missing):
        items = client.get("/api/resident/checkins/windows", headers=person.headers).json["items"]
        assert [(w["quarter"], w["status"], w["closes_on"], w["grace_until"]) for w in items] == [
            (QUARTER, "open", "2026-10-30", "2026-11-14")
        ]
        windows[person.person_id] = items[0]["id"]
    # Nobody sees another person's window.
    foreign = upload_checkin(client, missing.headers, windows[alone.person_id], selfie(), mode="self")
    assert foreign.status_code == 404 and foreign.json["code"] == "checkin_window_not_found"

    # Reminders go out within 7 days of closing, once per window, however often the command runs.
    # WeChat is busy for the first one: it fails, and the township's retry of failed messages sends it.
    assert "0 reminders" in run_cli(app, "checkins-remind")
    app.config["CASEWORK_TODAY"] = "2026-10-25"
    wechat_control.inject_fault("cgi-bin/message/template/send", 45009, "busy", times=1)
    assert "3 reminders" in run_cli(app, "checkins-remind")
    assert "0 reminders" in run_cli(app, "checkins-remind")
    assert len([m for m in wechat_control.sent_messages() if m["template_id"] == REMINDER]) == 2
    assert client.post("/api/casework/notifications/retry", headers=staff("clerk")).json == {"count": 1}
    assert client.post("/api/casework/notifications/retry", headers=staff("clerk")).json == {"count": 0}
    reminders = [m for m in wechat_control.sent_messages() if m["template_id"] == REMINDER]
    assert len(reminders) == 3 and len({m["client_msg_id"] for m in reminders}) == 3

    # The beneficiary herself, at home: WeChat reports the spot in GCJ-02 (converted back before comparing).
    from app.domain.checkin_geo import wgs84_to_gcj02

    at_home = wgs84_to_gcj02(*VILLAGE_HOME)
    done = upload_checkin(client, alone.headers, windows[alone.person_id], selfie(), mode="self",
                          latitude=at_home[0], longitude=at_home[1], accuracy=30,
                          coordinate_system="gcj02", device_id="phone-a")  # fmt: skip
    assert done.status_code == 202, done.json
    result = client.get(f"/api/resident/checkins/{done.json['id']}", headers=alone.headers).json
    assert result["status"] == "done" and result["message"] == "打卡成功，谢谢！"
    detail = client.get(f"/api/checkins/{done.json['id']}", headers=staff("clerk")).json
    assert detail["face"]["decision"] == "match" and detail["anomalies"] == []
    assert client.get(f"/api/resident/checkins/{done.json['id']}", headers=missing.headers).status_code == 404
    again = upload_checkin(client, alone.headers, windows[alone.person_id], selfie(), mode="self")
    assert again.status_code == 409 and again.json["code"] == "checkin_already_done"

    # A guardian checks in for her mother with a photo taken in WeChat (serverId).
    media_id = wechat_control.put_media(selfie(samples.lfw_face(0)))
    body = {
        "mode": "guardian",
        "guardian": {"name": "李明", "relation": "子女"},
        "server_id": media_id,
        "location": {"latitude": 33.846, "longitude": 115.779, "accuracy": 20, "coordinate_system": "wgs84"},
    }
    guardian = client.post(f"/api/resident/checkins/windows/{windows[cared_for.person_id]}/checkins",
                           json=body, headers=cared_for.headers)  # fmt: skip
    assert guardian.status_code == 202, guardian.json
    assert (
        client.get(f"/api/resident/checkins/{guardian.json['id']}", headers=cared_for.headers).json["status"]
        == "done"
    )

    # The third misses the window and its grace: the sweep makes a visit task for the village.
    app.config["CASEWORK_TODAY"] = "2026-11-15"
    assert "1 missed, 1 visit tasks, 0 referrals" in run_cli(app, "checkins-sweep")
    assert "0 missed, 0 visit tasks" in run_cli(app, "checkins-sweep")
    pulled = field_device.pull_all()["changes"]
    tasks = [c for (entity, _), c in pulled.items() if entity == "checkin_task"]
    assert len(tasks) == 1 and tasks[0]["fields"]["status"] == "open"
    assert tasks[0]["fields"]["person_name"] == "张玉珍" and tasks[0]["household_id"] == missing.household_id
    assert ("household", missing.household_id) in pulled
    report = client.get(f"/api/checkins/reports?quarter={QUARTER}", headers=staff("clerk")).json
    assert report["outstanding_visits"] == 1 and report["villages"][0]["missed"] == 1

    # The assistant visits, takes her photo (uploaded resumably) and syncs an assisted check-in.
    photo = selfie(samples.lfw_face(10))
    sha = _upload_by_tus(client, field_device.headers, photo)
    task = tasks[0]
    op = field_device.op("checkin", new_id(), {
        "household_id": missing.household_id, "task_id": task["record_id"], "outcome": "present",
        "checked_in_at": "2026-11-16T10:00:00+08:00",
        "location": {"lat": VILLAGE_HOME[0], "lng": VILLAGE_HOME[1], "accuracy_m": 10}, "coordinate_system": "wgs84",
    }, attachments=[{"sha256": sha, "kind": "checkin_selfie"}])  # fmt: skip
    pushed = field_device.push([op])
    assert pushed.status_code == 200 and pushed.json["results"][0]["status"] == "applied", pushed.json
    assert field_device.push([op]).json["results"][0]["status"] == "duplicate"
    with app.app_context():
        relay_pending()
        db.session.commit()
    closed = [c for (entity, _), c in field_device.pull_all()["changes"].items() if entity == "checkin_task"]
    assert closed[0]["fields"]["status"] == "done" and closed[0]["fields"]["resolution"] == "present"
    items = client.get("/api/resident/checkins/windows", headers=missing.headers).json["items"]
    assert items[0]["status"] == "checked_in"

    report = client.get(f"/api/checkins/reports?quarter={QUARTER}", headers=staff("clerk")).json
    village = report["villages"][0]
    assert (village["windows"], village["checked_in"], village["completion_rate"]) == (3, 3, 1.0)
    assert report["outstanding_visits"] == 0 and report["townships"][0]["completion_rate"] == 1.0
    with app.app_context():
        from app.models import Checkin

        assisted = db.session.query(Checkin).filter_by(mode="assisted").one()
        assert (assisted.status, assisted.face_decision, assisted.valid) == ("done", "match", True)
