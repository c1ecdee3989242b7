"""Who may change an application's parts once the township sends it back for materials, and who may not."""

from __future__ import annotations

from sqlalchemy import text

from app.extensions import db
from tests.casework.conftest import CASES, RESIDENTS, post
from tests.support import complete_applicant, fill_complete_draft, id_number, sign_in


def test_proxy_and_later_bound_applicant_both_edit_a_returned_application_strangers_never(
    app, client, staff, wechat_control
):
    proxy = sign_in(client, wechat_control)
    proxy_details = {"name": "赵村干", "relation": "village_cadre", "phone": "13912345678"}
    created = post(client, RESIDENTS, proxy, {"program": "dibao", "on_behalf": True, "proxy": proxy_details}, 201)
    application_id, version = created["id"], created["version"]
    number = id_number("19470311", male=False)
    fill_complete_draft(client, proxy, application_id, complete_applicant("何翠英", number))
    post(client, f"{RESIDENTS}/{application_id}/submit", proxy)
    applicant = sign_in(client, wechat_control)
    bound = {"name": "何翠英", "id_number": number, "phone": "13700002222"}
    post(client, "/api/resident/me/identity", applicant, bound)
    stranger = sign_in(client, wechat_control)

    # Submitted: nobody changes it, and a stranger still learns nothing.
    reason = f"{RESIDENTS}/{application_id}/reason"
    for who in (proxy, applicant):
        refused = client.put(reason, json={"reason": "再补充几句"}, headers=who)
        assert refused.status_code == 409 and refused.json["code"] == "application_not_editable"
    assert client.put(reason, json={"reason": "x"}, headers=stranger).status_code == 404

    # Sent back for materials: the proxy who made it and the applicant who bound since may both change it.
    post(client, f"{CASES}/{application_id}/request-materials", staff("clerk"), {"missing": ["户口簿复印件"]})
    current = client.get(f"{RESIDENTS}/{application_id}", headers=proxy).json["version"]
    by_applicant = client.put(reason, json={"reason": "本人补充：老伴去年去世"}, headers=applicant)
    assert by_applicant.status_code == 200 and by_applicant.json["version"] == current + 1
    bank = {"bank_name": "邮储银行", "account": "6221881234567890123", "holder": "何翠英"}
    by_proxy = client.put(f"{RESIDENTS}/{application_id}/bank", json=bank, headers=proxy)
    assert by_proxy.status_code == 200 and by_proxy.json["version"] == current + 2
    assert client.put(reason, json={"reason": "x"}, headers=stranger).status_code == 404

    seen = client.get(f"{RESIDENTS}/{application_id}", headers=applicant).json
    assert seen["reason"] == "本人补充：老伴去年去世" and seen["bank"]["bank_name"] == "邮储银行"
    assert version < seen["version"] == current + 2
    with app.app_context():  # saved in one statement, still encrypted at rest
        stored = db.session.execute(
            text("SELECT bank_account FROM applications WHERE id = :id"), {"id": application_id}
        ).scalar()
    assert "6221881234567890123" not in stored
    post(client, f"{RESIDENTS}/{application_id}/submit", applicant)
