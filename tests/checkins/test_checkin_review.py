"""Check-ins that need a person: no-match faces, unusable photos, anomaly signals with real images,
repeated misses and absences sent to the township, and what residents and other areas cannot see."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, Checkin, Entitlement, FieldVisit
from app.services import checkin_processing
from app.services.sync_outbox import relay_pending
from tests.checkins.conftest import QUARTER, card_photo, enroll_reference, run_cli, selfie, upload_checkin
from tests.face import samples
from tests.field_sync.helpers import new_id
from tests.support import other_township_clerk, staff_headers

HOME = (33.8456, 115.7789)


def _open(app, *quarters: str) -> None:  # noqa: ANN001
    app.config["CASEWORK_TODAY"] = "2026-10-01"
    for quarter in quarters:
        run_cli(app, "checkins-open", "--quarter", quarter)


def _window(client, person) -> str:  # noqa: ANN001
    return client.get("/api/resident/checkins/windows", headers=person.headers).json["items"][0]["id"]


def test_a_no_match_goes_to_a_reviewer_and_never_suspends(app, client, staff, beneficiary):
    person = beneficiary()
    enroll_reference(client, staff("assistant"), person.person_id, card_photo())
    _open(app, QUARTER)
    window_id = _window(client, person)
    sent = upload_checkin(client, person.headers, window_id, selfie(samples.lfw_face(20)), mode="self",
                          latitude=HOME[0], longitude=HOME[1], coordinate_system="wgs84")  # fmt: skip
    result = client.get(f"/api/resident/checkins/{sent.json['id']}", headers=person.headers).json
    assert result["status"] == "review" and "不会因此自动停发" in result["message"]
    assert not {"latitude", "longitude", "face", "similarity"} & set(result)
    queue = client.get("/api/checkins/review", headers=staff("clerk")).json["items"]
    assert [(row["id"], row["face_decision"]) for row in queue] == [(sent.json["id"], "no_match")]
    detail = client.get(f"/api/checkins/{sent.json['id']}", headers=staff("clerk")).json
    assert detail["face"]["decision"] == "no_match" and detail["face"]["model_id"]
    assert detail["face"]["distance"] > 0.5 and detail["face"]["threshold"] == 0.45
    assert detail["face"]["reasons"][0]["code"] == "face_no_match" and detail["liveness_checked"] is False
    assert "latitude" not in detail and detail["location_given"] is True
    with app.app_context():
        assert (
            db.session.scalar(select(AuditEntry).where(AuditEntry.action == "checkin.read_full")) is not None
        )
        assert db.session.scalars(select(Entitlement.state)).all() == ["active"]
    # Another township sees nothing of it.
    outsider = staff_headers(client, other_township_clerk(app))
    assert client.get("/api/checkins/review", headers=outsider).json["items"] == []
    assert client.get(f"/api/checkins/{sent.json['id']}", headers=outsider).status_code == 404
    # A village assistant may read but not decide; the township decides.
    refused = client.post(f"/api/checkins/{sent.json['id']}/decision", json={"decision": "accept", "note": "已核实"},
                          headers=staff("assistant"))  # fmt: skip
    assert refused.status_code == 403
    accepted = client.post(f"/api/checkins/{sent.json['id']}/decision",
                           json={"decision": "accept", "note": "上门核实为本人，登记照片较旧"}, headers=staff("clerk"))  # fmt: skip
    assert accepted.status_code == 200 and accepted.json["review_status"] == "accepted"
    windows = client.get("/api/resident/checkins/windows", headers=person.headers).json["items"]
    assert windows[0]["status"] == "checked_in"


def test_unusable_photos_ask_for_a_retake_and_bad_input_gets_the_error_body(app, client, staff, beneficiary):
    person = beneficiary()
    enroll_reference(client, staff("assistant"), person.person_id, card_photo())
    _open(app, QUARTER)
    window_id = _window(client, person)
    for photo, advice in (
        (samples.encode(samples.coins()), "没有找到人脸"),
        (samples.encode(samples.tiny_face()), "人脸太小"),
    ):
        sent = upload_checkin(client, person.headers, window_id, photo, mode="self")
        result = client.get(f"/api/resident/checkins/{sent.json['id']}", headers=person.headers).json
        assert result["status"] == "rejected" and any(advice in r for r in result["retake_reasons"])
    several = samples.encode(samples.side_by_side(samples.astronaut(), samples.astronaut()))
    sent = upload_checkin(client, person.headers, window_id, several, mode="self")
    assert (
        client.get(f"/api/resident/checkins/{sent.json['id']}", headers=person.headers).json["status"]
        == "rejected"
    )
    bad = [
        (upload_checkin(client, person.headers, window_id, b"not a photo", mode="self"), 422, "not_an_image"),
        (
            upload_checkin(client, person.headers, window_id, selfie(), mode="guardian"),
            422,
            "validation_failed",
        ),
        (
            upload_checkin(
                client,
                person.headers,
                window_id,
                selfie(),
                mode="self",
                latitude=200,
                longitude=1,
                coordinate_system="wgs84",
            ),
            422,
            "validation_failed",
        ),  # fmt: skip
        (
            upload_checkin(client, person.headers, window_id, selfie(), mode="self", latitude=30),
            422,
            "validation_failed",
        ),
        (
            client.post(
                f"/api/resident/checkins/windows/{window_id}/checkins",
                json={"server_id": "nope"},
                headers=person.headers,
            ),
            422,
            "wechat_media_invalid",
        ),  # fmt: skip
        (
            client.get("/api/checkins/reports?quarter=2026Q9", headers=staff("clerk")),
            422,
            "validation_failed",
        ),
        (
            client.post(
                "/api/checkins/deaths",
                json={"person_id": str(uuid.uuid4()), "died_on": "2026-01-01"},
                headers=staff("clerk"),
            ),
            404,
            "person_not_found",
        ),  # fmt: skip
    ]
    for response, status, code in bad:
        assert (response.status_code, response.json["code"]) == (status, code), response.json
        assert set(response.json) == {"status", "code", "message", "errors"}
    rotated = upload_checkin(
        client, person.headers, window_id, samples.exif_rotated(samples.selfie_1280()), mode="self"
    )
    assert (
        client.get(f"/api/resident/checkins/{rotated.json['id']}", headers=person.headers).json["status"]
        == "done"
    )
    no_face = client.post("/api/checkins/references", headers=staff("assistant"), content_type="multipart/form-data",
                          data={"person_id": person.person_id, "source": "id_card_portrait",
                                "photo": (io.BytesIO(samples.encode(samples.coins())), "c.jpg")})  # fmt: skip
    assert no_face.status_code == 422 and "没有找到人脸" in no_face.json["message"]


def test_anomaly_signals_reach_the_reviewer_with_their_reasons(app, client, staff, beneficiary):
    first, second, third = beneficiary("王秀英"), beneficiary("李桂兰"), beneficiary("张玉珍")
    enroll_reference(client, staff("assistant"), first.person_id, card_photo())
    enroll_reference(client, staff("assistant"), second.person_id, card_photo(samples.lfw_face(0)))
    enroll_reference(client, staff("assistant"), third.person_id, card_photo(samples.lfw_face(10)))
    with app.app_context():
        db.session.add(FieldVisit(id=str(uuid.uuid4()), household_id=first.household_id, latitude=HOME[0],
                                  longitude=HOME[1], visited_at=datetime(2026, 9, 22, tzinfo=UTC)))  # fmt: skip
        db.session.commit()
    response = client.post("/api/checkins/deaths", json={"person_id": third.person_id, "died_on": "2026-09-30",
                                                         "source": "公安户籍注销"}, headers=staff("clerk"))  # fmt: skip
    assert response.status_code == 201
    _open(app, QUARTER)
    photo = selfie()
    # Her own face, ~20 km from home (reported in GCJ-02).
    far = upload_checkin(client, first.headers, _window(client, first), photo, mode="self", device_id="shared",
                         latitude=33.99, longitude=115.90, coordinate_system="gcj02")  # fmt: skip
    # The same photo again, for someone else, from the same phone.
    reused = upload_checkin(client, second.headers, _window(client, second), photo, mode="guardian",
                            guardian_name="王强", guardian_relation="邻居", device_id="shared")  # fmt: skip
    # Her own face, but she died before the window opened.
    dead = upload_checkin(
        client, third.headers, _window(client, third), selfie(samples.lfw_face(10)), mode="self"
    )

    def codes(response) -> list[str]:  # noqa: ANN001
        return [
            a["code"]
            for a in client.get(f"/api/checkins/{response.json['id']}", headers=staff("clerk")).json[
                "anomalies"
            ]
        ]

    assert codes(far) == ["far_from_home"]
    assert codes(reused) == ["photo_reused_other_person", "face_matches_other_person"]
    assert codes(dead) == ["after_death"]
    detail = client.get(f"/api/checkins/{far.json['id']}", headers=staff("clerk")).json
    assert "公里" in detail["anomalies"][0]["message"] and detail["face"]["decision"] == "match"
    queue = {row["id"] for row in client.get("/api/checkins/review", headers=staff("clerk")).json["items"]}
    assert queue == {far.json["id"], reused.json["id"], dead.json["id"]}
    report = client.get(f"/api/checkins/reports?quarter={QUARTER}", headers=staff("county")).json
    assert {row["code"]: row["count"] for row in report["anomalies_by_type"]} == {
        "far_from_home": 1, "photo_reused_other_person": 1, "after_death": 1, "face_matches_other_person": 1
    }  # fmt: skip


def test_repeated_misses_and_absence_go_to_the_township_and_a_later_checkin_clears_them(
    app, client, staff, beneficiary, field_device
):
    person, absent = beneficiary("王秀英"), beneficiary("赵兰英")
    enroll_reference(client, staff("assistant"), person.person_id, card_photo())
    _open(app, "2026Q4", "2027Q1", "2027Q2")
    app.config["CASEWORK_TODAY"] = "2027-05-20"
    assert "6 missed, 6 visit tasks, 2 referrals" in run_cli(app, "checkins-sweep")
    referrals = client.get("/api/checkins/referrals?status=open", headers=staff("clerk")).json["items"]
    assert sorted(r["reason"] for r in referrals) == ["repeated_misses", "repeated_misses"]
    assert referrals[0]["detail"]["consecutive_misses"] == 3

    # A visit finds the second person gone: the township is asked, and only a person suspends.
    tasks = {c["fields"]["person_name"]: c for (e, _), c in field_device.pull_all()["changes"].items()
             if e == "checkin_task" and c["fields"]["quarter"] == "2027Q2"}  # fmt: skip
    op = field_device.op("checkin", new_id(), {
        "household_id": absent.household_id, "task_id": tasks["赵兰英"]["record_id"], "outcome": "absent",
        "checked_in_at": "2027-05-21T09:00:00+08:00", "note": "邻居说已随子女去外地两年"})  # fmt: skip
    assert field_device.push([op]).json["results"][0]["status"] == "applied"
    absent_referral = next(r for r in client.get("/api/checkins/referrals", headers=staff("clerk")).json["items"]
                           if r["reason"] == "absent_at_visit")  # fmt: skip
    with app.app_context():
        assert set(db.session.scalars(select(Entitlement.state))) == {"active"}
    refused = client.post(f"/api/checkins/referrals/{absent_referral['id']}/decision",
                          json={"decision": "suspend", "note": "核实"}, headers=staff("assistant"))  # fmt: skip
    assert refused.status_code == 403
    decided = client.post(f"/api/checkins/referrals/{absent_referral['id']}/decision",
                          json={"decision": "suspend", "note": "经核实长期外出"}, headers=staff("reviewer"))  # fmt: skip
    assert decided.status_code == 200 and decided.json["status"] == "suspended"
    entitlement = client.get(f"/api/casework/entitlements/{absent_referral['entitlement_id']}",
                             headers=staff("reviewer")).json  # fmt: skip
    assert entitlement["state"] == "suspended"

    # The first person checks in next quarter: her flags are cleared (tasks closed, referral withdrawn).
    app.config["CASEWORK_TODAY"] = "2027-07-02"
    run_cli(app, "checkins-open", "--quarter", "2027Q3")
    windows = client.get("/api/resident/checkins/windows", headers=person.headers).json["items"]
    assert [w["status"] for w in windows] == ["open", "missed", "missed", "missed"]
    sent = upload_checkin(client, person.headers, windows[0]["id"], selfie(), mode="self")
    assert (
        client.get(f"/api/resident/checkins/{sent.json['id']}", headers=person.headers).json["status"]
        == "done"
    )
    mine = [r for r in client.get("/api/checkins/referrals", headers=staff("clerk")).json["items"]
            if r["reason"] == "repeated_misses" and r["status"] == "cleared"]  # fmt: skip
    assert len(mine) == 1
    with app.app_context():
        relay_pending()
        db.session.commit()
        assert db.session.query(Checkin).filter_by(mode="assisted").one().status == "no_photo"
    closed = [c for (e, _), c in field_device.pull_all()["changes"].items()
              if e == "checkin_task" and c["fields"]["person_name"] == "王秀英"]  # fmt: skip
    assert len(closed) == 3 and {c["fields"]["status"] for c in closed} == {"done"}


@pytest.mark.parametrize("others_compared", [2000, 0], ids=["default", "no-others-compared"])
def test_the_same_photo_next_quarter_is_flagged_a_new_one_is_not(
    app, client, staff, beneficiary, monkeypatch, others_compared
):
    """One's own earlier photos are always compared, however many other people checked in since."""
    monkeypatch.setattr(checkin_processing, "MAX_PHOTOS_COMPARED", others_compared)
    person = beneficiary()
    enroll_reference(client, staff("assistant"), person.person_id, card_photo(samples.lfw_face(0)))
    _open(app, "2026Q4", "2027Q1", "2027Q2")
    photo = selfie(samples.lfw_face(0))
    items = client.get("/api/resident/checkins/windows", headers=person.headers).json["items"]
    windows = {w["quarter"]: w["id"] for w in items}
    first = upload_checkin(client, person.headers, windows["2026Q4"], photo, mode="self")
    app.config["CASEWORK_TODAY"] = "2027-01-03"
    again = upload_checkin(client, person.headers, windows["2027Q1"], photo, mode="self")
    app.config["CASEWORK_TODAY"] = "2027-04-03"
    # Another photo of the same man (scikit-image's LFW subset shows him in entries 0, 36, 73, 90).
    fresh = upload_checkin(
        client, person.headers, windows["2027Q2"], selfie(samples.lfw_face(36)), mode="self"
    )
    results = [
        client.get(f"/api/checkins/{r.json['id']}", headers=staff("clerk")).json
        for r in (first, again, fresh)
    ]
    assert [[a["code"] for a in r["anomalies"]] for r in results] == [[], ["photo_reused_same_person"], []]
    assert [r["status"] for r in results[:2]] == ["done", "review"]
    assert results[2]["face"]["decision"] in ("match", "review")


def test_one_phone_checking_in_many_beneficiaries_is_flagged_past_the_limit(app, client, staff, beneficiary):
    people = [beneficiary(name) for name in ("王秀英", "李桂兰", "张玉珍", "赵淑芬")]
    faces = [None, samples.lfw_face(0), samples.lfw_face(10), samples.lfw_face(20)]
    for person, face in zip(people, faces, strict=True):
        enroll_reference(client, staff("assistant"), person.person_id, card_photo(face))
    _open(app, QUARTER)
    # The policy allows one phone to check in up to 3 different people a quarter (a family's shared phone).
    answers = [
        upload_checkin(client, p.headers, _window(client, p), selfie(face), mode="self", device_id="village-phone")
        for p, face in zip(people, faces, strict=True)
    ]
    flagged = []
    for answer in answers:
        assert answer.status_code == 202, answer.json
        detail = client.get(f"/api/checkins/{answer.json['id']}", headers=staff("clerk")).json
        flagged.append([a["code"] for a in detail["anomalies"]])
    assert flagged == [[], [], [], ["device_many_people"]]
    assert "4位" in client.get(f"/api/checkins/{answers[3].json['id']}", headers=staff("clerk")).json["anomalies"][0][
        "message"
    ]
