"""The resident's whole journey through HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import io

from sqlalchemy import text

from app.extensions import db
from tests.support import complete_applicant, fill_complete_draft, id_number, jpeg_bytes, sign_in

BASE = "/api/resident/applications"


def test_draft_update_attach_submit_with_errors_fix_submit_progress_withdraw(client, app, wechat_control):
    headers = sign_in(client, wechat_control)

    created = client.post(BASE, json={"program": "dibao"}, headers=headers)
    assert created.status_code == 201
    application_id = created.json["id"]
    assert created.json["progress"]["stage"] == "draft"
    assert created.json["reference"].startswith("SQ-")

    # Save only some parts; the draft keeps them and can be resumed.
    number = id_number(male=False)
    partial = {"name": "王秀英", "id_number": number, "phone": "13800138000"}
    assert client.put(f"{BASE}/{application_id}/applicant", json=partial, headers=headers).status_code == 200
    photo = client.post(
        f"{BASE}/{application_id}/attachments",
        data={"kind": "id_card_portrait", "file": (io.BytesIO(jpeg_bytes()), "card.jpg")},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert photo.status_code == 201, photo.json
    assert len(photo.json["sha256"]) == 64

    # Submitting now returns every problem at once.
    refused = client.post(f"{BASE}/{application_id}/submit", headers=headers)
    assert refused.status_code == 422
    assert refused.json["code"] == "application_incomplete"
    problems = refused.json["errors"]
    for path in (
        "applicant.area_code",
        "applicant.household_type",
        "applicant.registered_address",
        "applicant.current_address",
        "bank.account",
        "reason",
        "consent_to_verification",
    ):
        assert path in problems, path
    assert "applicant.name" not in problems  # what was saved counts

    # Fix everything, then submit.
    fill_complete_draft(client, headers, application_id, complete_applicant(number=number))
    submitted = client.post(f"{BASE}/{application_id}/submit", headers=headers)
    assert submitted.status_code == 200, submitted.json
    progress = submitted.json["progress"]
    assert progress["stage"] == "submitted"
    assert progress["next_actor"] == "乡镇（街道）经办人"
    assert [step["stage"] for step in progress["timeline"]] == ["draft", "submitted"]

    # Resuming later: the list and the detail show where it stands.
    listed = client.get(BASE, headers=headers).json["items"]
    assert [a["id"] for a in listed] == [application_id]
    assert listed[0]["stage_label"].startswith("已提交")
    detail = client.get(f"{BASE}/{application_id}", headers=headers).json
    assert detail["members"][0]["relation"] == "child"
    assert detail["income"][0]["amount"] == "300.00"
    assert detail["bank"]["account"].endswith("3445") and "*" in detail["bank"]["account"]

    # Once submitted it can no longer be edited, but it can be withdrawn.
    locked = client.put(f"{BASE}/{application_id}/reason", json={"reason": "改一下"}, headers=headers)
    assert locked.status_code == 409 and locked.json["code"] == "application_not_editable"
    withdrawn = client.post(f"{BASE}/{application_id}/withdraw", json={"reason": "家里情况好转"}, headers=headers)
    assert withdrawn.status_code == 200
    assert withdrawn.json["progress"]["stage"] == "withdrawn"
    assert withdrawn.json["progress"]["reason"] == "家里情况好转"
    again = client.post(f"{BASE}/{application_id}/withdraw", json={}, headers=headers)
    assert again.status_code == 409

    with app.app_context():
        steps = db.session.execute(
            text("SELECT action FROM stage_events WHERE application_id = :id ORDER BY id"), {"id": application_id}
        ).scalars().all()
    assert steps == ["create", "submit", "withdraw"]


def test_members_keep_their_ids_and_items_follow_removed_members(client, wechat_control):
    headers = sign_in(client, wechat_control)
    application_id = client.post(BASE, json={"program": "dibao"}, headers=headers).json["id"]
    members = {"members": [
        {"name": "李小明", "id_number": id_number("20080512"), "relation": "child"},
        {"name": "李大山", "id_number": id_number("19300101"), "relation": "parent"},
    ]}
    saved = client.put(f"{BASE}/{application_id}/members", json=members, headers=headers).json
    child, parent = saved["members"]
    income = {"items": [
        {"member_id": parent["id"], "category": "pension", "amount": "150.5"},
        {"member_id": child["id"], "category": "scholarship", "amount": "100", "period": "yearly"},
    ]}
    assert client.put(f"{BASE}/{application_id}/income", json=income, headers=headers).status_code == 200

    # The client resends the child as it was shown (number masked, so not sent): nothing is lost.
    keep_child = {"members": [{"id": child["id"], "name": "李小明", "relation": "child"}]}
    after = client.put(f"{BASE}/{application_id}/members", json=keep_child, headers=headers).json
    assert [m["id"] for m in after["members"]] == [child["id"]]
    assert [i["member_id"] for i in after["income"]] == [child["id"]]
    assert after["members"][0]["id_number"] == child["id_number"]
    cleared = {"members": [{"id": child["id"], "id_number": None}]}
    after = client.put(f"{BASE}/{application_id}/members", json=cleared, headers=headers).json
    assert after["members"][0]["id_number"] is None and after["members"][0]["name"] == "李小明"

    foreign = {"items": [{"member_id": parent["id"], "category": "wages", "amount": "10"}]}
    refused = client.put(f"{BASE}/{application_id}/income", json=foreign, headers=headers)
    assert refused.status_code == 422 and "income.0.member_id" in refused.json["errors"]


def test_proxy_applies_and_the_applicant_binds_and_sees_it(client, wechat_control):
    proxy_headers = sign_in(client, wechat_control)
    proxy = {"name": "赵村干", "relation": "village_cadre", "phone": "13912345678"}
    created = client.post(BASE, json={"program": "tekun", "on_behalf": True, "proxy": proxy}, headers=proxy_headers)
    assert created.status_code == 201
    application_id = created.json["id"]
    assert created.json["proxy"]["relation"] == "village_cadre"
    number = id_number("19400220")
    fill_complete_draft(client, proxy_headers, application_id, complete_applicant("张桂兰", number))
    assert client.post(f"{BASE}/{application_id}/submit", headers=proxy_headers).status_code == 200

    # The proxy sees the applicant's number masked.
    seen_by_proxy = client.get(f"{BASE}/{application_id}", headers=proxy_headers).json
    assert seen_by_proxy["applicant"]["id_number"] == number[:6] + "********" + number[-4:]

    # The applicant signs in with their own WeChat: nothing yet, until they bind their identity.
    applicant_headers = sign_in(client, wechat_control)
    assert client.get(BASE, headers=applicant_headers).json["items"] == []
    assert client.get(f"{BASE}/{application_id}", headers=applicant_headers).status_code == 404
    bound = client.post(
        "/api/resident/me/identity",
        json={"name": "张桂兰", "id_number": number, "phone": "13700001111"},
        headers=applicant_headers,
    )
    assert bound.status_code == 200 and bound.json["bound"] is True
    mine = client.get(BASE, headers=applicant_headers).json["items"]
    assert [a["id"] for a in mine] == [application_id]
    seen_by_applicant = client.get(f"{BASE}/{application_id}", headers=applicant_headers).json
    assert seen_by_applicant["applicant"]["id_number"] == number  # their own number, in full
    assert seen_by_applicant["on_behalf"] is True and seen_by_applicant["proxy"]["name"] == "赵村干"

    # Someone else cannot bind the same identity.
    intruder = sign_in(client, wechat_control)
    taken = client.post(
        "/api/resident/me/identity",
        json={"name": "张桂兰", "id_number": number, "phone": "13700001111"},
        headers=intruder,
    )
    assert taken.status_code == 409 and taken.json["code"] == "identity_bound_elsewhere"


def test_a_second_open_application_for_the_same_person_and_program_is_refused(client, wechat_control):
    headers = sign_in(client, wechat_control)
    number = id_number()
    first = client.post(BASE, json={"program": "dibao"}, headers=headers).json
    fill_complete_draft(client, headers, first["id"], complete_applicant("刘德福", number))
    assert client.post(f"{BASE}/{first['id']}/submit", headers=headers).status_code == 200

    # The same resident starting again is pointed to the application they already have.
    again = client.post(BASE, json={"program": "dibao"}, headers=headers).json
    mine = client.put(f"{BASE}/{again['id']}/applicant", json={"id_number": number}, headers=headers)
    assert mine.status_code == 409 and mine.json["code"] == "duplicate_open_application"
    assert first["reference"] in mine.json["message"]
    assert mine.json["errors"]["detail"]["id"] == first["id"]

    # A neighbour applying for the same person is refused at submission, without being told the
    # reference, stage or date of someone else's application.
    neighbour = sign_in(client, wechat_control)
    proxy = {"name": "邻居", "relation": "neighbour", "phone": "13600001111"}
    second = client.post(BASE, json={"program": "dibao", "on_behalf": True, "proxy": proxy}, headers=neighbour).json
    fill_complete_draft(client, neighbour, second["id"], complete_applicant("刘德福", number))
    refused = client.post(f"{BASE}/{second['id']}/submit", headers=neighbour)
    assert refused.status_code == 409 and refused.json["code"] == "duplicate_open_application"
    assert first["reference"] not in str(refused.json) and "detail" not in refused.json["errors"]

    # Another program for the same person is fine.
    other = client.post(BASE, json={"program": "linshi_jinan"}, headers=headers).json
    assert client.put(f"{BASE}/{other['id']}/applicant", json={"id_number": number}, headers=headers).status_code == 200

    # After withdrawal, the neighbour's application can go in.
    client.post(f"{BASE}/{first['id']}/withdraw", json={}, headers=headers)
    assert client.post(f"{BASE}/{second['id']}/submit", headers=neighbour).status_code == 200


def test_a_strangers_draft_with_my_id_number_does_not_lock_me_out(client, wechat_control):
    number = id_number("19500505")
    stranger = sign_in(client, wechat_control)
    proxy = {"name": "某人", "relation": "other", "phone": "13600002222"}
    squatter = client.post(BASE, json={"program": "dibao", "on_behalf": True, "proxy": proxy}, headers=stranger).json
    assert client.put(f"{BASE}/{squatter['id']}/applicant", json={"id_number": number}, headers=stranger).status_code == 200

    me = sign_in(client, wechat_control)
    mine = client.post(BASE, json={"program": "dibao"}, headers=me).json
    fill_complete_draft(client, me, mine["id"], complete_applicant("孙玉兰", number))
    assert client.post(f"{BASE}/{mine['id']}/submit", headers=me).status_code == 200


def test_another_resident_can_neither_read_nor_change_it(client, wechat_control):
    owner = sign_in(client, wechat_control)
    application_id = client.post(BASE, json={"program": "dibao"}, headers=owner).json["id"]
    stranger = sign_in(client, wechat_control)
    attempts = [
        client.get(f"{BASE}/{application_id}", headers=stranger),
        client.put(f"{BASE}/{application_id}/reason", json={"reason": "x"}, headers=stranger),
        client.post(f"{BASE}/{application_id}/submit", headers=stranger),
        client.post(f"{BASE}/{application_id}/withdraw", json={}, headers=stranger),
        client.get(f"{BASE}/{application_id}/attachments", headers=stranger),
    ]
    for response in attempts:
        assert response.status_code == 404
        assert response.json["code"] == "application_not_found"
    # Same answer as for an id that does not exist at all: nothing to learn from it.
    assert client.get(f"{BASE}/00000000-0000-0000-0000-000000000000", headers=stranger).json == attempts[0].json
    assert client.get(f"{BASE}/{application_id}", headers=owner).status_code == 200


def test_withdrawn_draft_and_new_draft_prefilled_from_bound_identity(client, wechat_control):
    headers = sign_in(client, wechat_control)
    number = id_number("19611111", male=True)
    client.post("/api/resident/me/identity", json={"name": "陈建国", "id_number": number, "phone": "13512345678"}, headers=headers)
    draft = client.post(BASE, json={"program": "dibao"}, headers=headers).json
    assert draft["applicant"]["name"] == "陈建国"
    assert draft["applicant"]["id_number"] == number
    assert draft["applicant"]["sex"] == "male" and draft["applicant"]["birth_date"] == "1961-11-11"
    duplicate = client.post(BASE, json={"program": "dibao"}, headers=headers)
    assert duplicate.status_code == 409 and duplicate.json["code"] == "duplicate_open_application"


def test_saving_a_part_answers_with_that_part_and_the_new_version_only(client, wechat_control):
    headers = sign_in(client, wechat_control)
    created = client.post(BASE, json={"program": "dibao"}, headers=headers).json
    application_id = created["id"]

    saved = client.put(f"{BASE}/{application_id}/reason", json={"reason": "丈夫去世，生活困难"}, headers=headers)
    assert saved.status_code == 200
    assert saved.json == {
        "id": application_id,
        "version": created["version"] + 1,
        "stage": "draft",
        "editable": True,
        "part": "reason",
        "reason": "丈夫去世，生活困难",
    }
    consent = client.put(
        f"{BASE}/{application_id}/consent", json={"consent_to_verification": True}, headers=headers
    ).json
    assert consent["consent_to_verification"] is True and consent["version"] == created["version"] + 2
    assert "applicant" not in consent and "progress" not in consent

    # Removing a member drops the items that named them, so a members save answers with the items too.
    members = {"members": [{"name": "李小明", "id_number": id_number("20080512"), "relation": "child"}]}
    child = client.put(f"{BASE}/{application_id}/members", json=members, headers=headers).json["members"][0]
    assert child["id_number"].startswith(id_number("20080512")[:6]) and "*" in child["id_number"]
    income = {"items": [{"member_id": child["id"], "category": "scholarship", "amount": "100", "period": "yearly"}]}
    assert client.put(f"{BASE}/{application_id}/income", json=income, headers=headers).json["income"][0]["amount"] == "100.00"
    emptied = client.put(f"{BASE}/{application_id}/members", json={"members": []}, headers=headers).json
    assert emptied["members"] == [] and emptied["income"] == [] and set(emptied) >= {"assets", "expenses"}

    # The whole application is one GET away and holds everything saved.
    whole = client.get(f"{BASE}/{application_id}", headers=headers).json
    assert whole["reason"] == "丈夫去世，生活困难" and whole["consent_to_verification"] is True
    assert whole["version"] == emptied["version"] and whole["members"] == []


def test_a_lost_race_past_the_duplicate_check_is_the_same_clear_409(client, wechat_control, monkeypatch):
    """Two submissions for one person at the same moment both pass the check; the index stops the second."""
    from app.services import applications

    number = id_number("19520909")
    first, second = sign_in(client, wechat_control), sign_in(client, wechat_control)
    ids = []
    for headers in (first, second):
        created = client.post(BASE, json={"program": "dibao"}, headers=headers).json
        fill_complete_draft(client, headers, created["id"], complete_applicant("吴秀珍", number))
        ids.append(created["id"])
    assert client.post(f"{BASE}/{ids[0]}/submit", headers=first).status_code == 200

    monkeypatch.setattr(applications, "ensure_no_other_open_application", lambda *args, **kwargs: None)
    lost = client.post(f"{BASE}/{ids[1]}/submit", headers=second)
    assert lost.status_code == 409 and lost.json["code"] == "duplicate_open_application"
    # Nothing of the lost submission stayed: the draft is still a draft the resident can fix or withdraw.
    still = client.get(f"{BASE}/{ids[1]}", headers=second).json
    assert still["progress"]["stage"] == "draft" and still["progress"]["editable"] is True
    assert [e["stage"] for e in still["progress"]["timeline"]] == ["draft"]
