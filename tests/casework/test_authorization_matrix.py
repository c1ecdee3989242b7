"""Every casework endpoint × every role × own and foreign area.

A role an endpoint is not for gets 403; a case (or area) outside the caller's area is 404, never 403,
so ids do not leak; inside the area the request gets past authorization (whatever the stage says).
Township staff own 城关镇; the county officer owns the demo county (古井镇 included) but not a second county.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.extensions import db
from app.services.areas import load_areas
from app.services.staff_accounts import create_staff
from tests.casework.conftest import CASES
from tests.support import OTHER_TOWNSHIP_VILLAGE, VILLAGE, complete_applicant

SECOND_COUNTY_VILLAGE = "341603100201"
ROLES = ("assistant", "clerk", "reviewer", "county", "admin")
READERS = {"assistant", "clerk", "reviewer", "county"}
TOWNSHIP = {"clerk", "reviewer"}
HEARING = {
    "held_on": "2026-09-29",
    "participants": [
        {"name": "甲", "role": "村委会"},
        {"name": "乙", "role": "村民代表"},
        {"name": "丙", "role": "村民代表"},
    ],
    "result": "support",
}
VISIT = {"visited_on": "2026-09-22", "visitor_ids": ["a", "b"], "findings": "属实"}

# (method, path under the case, body, roles allowed)
CASE_ENDPOINTS = [
    ("GET", "", None, READERS),
    ("POST", "/accept", {}, TOWNSHIP),
    ("POST", "/request-materials", {"missing": ["户口簿"]}, TOWNSHIP),
    ("POST", "/refuse", {"opinion": "不符合受理条件"}, TOWNSHIP),
    ("POST", "/investigation", {"investigator_ids": ["a", "b"]}, TOWNSHIP),
    ("POST", "/home-visits", VISIT, {"assistant", *TOWNSHIP}),
    ("POST", "/verification-reports", {"result": "pass", "reported_on": "2026-09-23"}, {"county", *TOWNSHIP}),
    ("POST", "/assessment", {}, TOWNSHIP),
    ("POST", "/finish-investigation", {}, TOWNSHIP),
    ("POST", "/hearing", {}, TOWNSHIP),
    ("POST", "/hearing-result", HEARING, TOWNSHIP),
    ("POST", "/send-back", {"opinion": "补充调查"}, TOWNSHIP),
    ("POST", "/approve", {}, {"reviewer"}),
    ("POST", "/reject", {"opinion": "不符合条件"}, {"reviewer"}),
    ("POST", "/refer-to-county", {"opinion": "金额较大", "amount": "5000.00"}, {"reviewer"}),
    ("POST", "/county-decision", {"approve": True}, {"county"}),
    ("POST", "/filing", {"opinion": "已备案"}, {"county"}),
    ("POST", "/extensions", {"working_days": 5, "reason": "需要补充核对"}, TOWNSHIP),
    ("POST", "/emergency-payment", {"amount": "500.00", "opinion": "火灾"}, TOWNSHIP),
]


# Township clerks reach these endpoints, but only reviewers may take the step: 403 at home, 404 abroad.
DECIDED_BY_REVIEWER = {"/approve", "/reject", "/refer-to-county"}


@pytest.fixture
def second_county(app, backend):  # noqa: ANN001, ANN201
    """A second county with its own officer; removed again afterwards on PostgreSQL (areas are seeded there)."""
    with app.app_context():
        load_areas(
            [
                {"code": "341603", "name": "邻县", "level": "county", "parent_code": ""},
                {"code": "341603100", "name": "邻县城关镇", "level": "township", "parent_code": "341603"},
                {
                    "code": SECOND_COUNTY_VILLAGE,
                    "name": "邻县某社区",
                    "level": "village",
                    "parent_code": "341603100",
                },
            ]
        )
        create_staff("county2", "邻县民政", "demo-pass-2024", "county_officer", "341603")
        db.session.commit()
    yield
    if backend == "postgresql":
        with app.app_context():
            kept = {"areas", "policies", "staff_users", "alembic_version"}
            tables = [t.name for t in db.metadata.sorted_tables if t.name not in kept]
            db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            db.session.execute(text("DELETE FROM staff_users WHERE username = 'county2'"))
            for code in (SECOND_COUNTY_VILLAGE, "341603100", "341603"):
                db.session.execute(text("DELETE FROM areas WHERE code = :code"), {"code": code})
            db.session.commit()


@pytest.fixture
def cases(second_county, client, submitted) -> dict[str, str]:  # noqa: ANN001
    """One submitted case in each of: 城关镇 (own), 古井镇 (other township), the second county."""
    return {
        "own": submitted(applicant=complete_applicant())[0],
        "other_township": submitted(applicant={**complete_applicant(), "area_code": OTHER_TOWNSHIP_VILLAGE})[
            0
        ],
        "other_county": submitted(applicant={**complete_applicant(), "area_code": SECOND_COUNTY_VILLAGE})[0],
    }


def _own_and_foreign(role: str, cases: dict[str, str]) -> tuple[str, str]:
    if role == "county":
        return cases["other_township"], cases["other_county"]
    return cases["own"], cases["other_township"]


def _call(client, method: str, path: str, headers: dict, body: dict | None):  # noqa: ANN001, ANN202
    return client.open(path, method=method, json=body if method != "GET" else None, headers=headers)


def test_every_case_endpoint_by_role_and_area(client, cases, staff):
    headers = {role: staff(role) for role in ROLES}
    wrong = []
    for method, suffix, body, allowed in CASE_ENDPOINTS:
        for role in ROLES:
            own, foreign = _own_and_foreign(role, cases)
            for where, case_id in (("own", own), ("foreign", foreign)):
                response = _call(client, method, f"{CASES}/{case_id}{suffix}", headers[role], body)
                status = response.status_code
                if role not in allowed and (role not in TOWNSHIP or suffix not in DECIDED_BY_REVIEWER):
                    expected_ok = status == 403  # the endpoint is not for this role at all
                elif where == "foreign":
                    expected_ok = status == 404
                elif role not in allowed:
                    expected_ok = status == 403 and response.json["code"] == "action_not_allowed_for_role"
                else:
                    expected_ok = status not in (401, 403, 404, 500)
                if not expected_ok:
                    wrong.append((method, suffix, role, where, status, response.json.get("code")))
    assert wrong == []


AREA_ENDPOINTS = [
    # (method, path with {own}/{foreign} area codes, body, roles allowed)
    (
        "GET",
        "/api/casework/relatives-register?township_code={township}",
        None,
        {"clerk", "reviewer", "county"},
    ),
    ("GET", "/api/casework/reserve-funds/{township}", None, {"clerk", "reviewer", "county"}),
    (
        "POST",
        "/api/casework/reserve-funds/{township}/entries",
        {"kind": "allocation", "amount": "10000.00"},
        {"county"},
    ),
    ("GET", "/api/casework/reports/summary?area={township}", None, {"clerk", "reviewer", "county"}),
    ("GET", "/api/casework/reports/summary.xlsx?area={township}", None, {"clerk", "reviewer", "county"}),
]
TOWNSHIPS = {"own": "341602100", "other_township": "341602101", "other_county": "341603100"}


def test_every_area_endpoint_by_role_and_area(second_county, client, staff):
    headers = {role: staff(role) for role in ROLES}
    wrong = []
    for method, template, body, allowed in AREA_ENDPOINTS:
        for role in ROLES:
            own, foreign = (
                ("other_township", "other_county") if role == "county" else ("own", "other_township")
            )
            for where, key in (("own", own), ("foreign", foreign)):
                response = _call(
                    client, method, template.format(township=TOWNSHIPS[key]), headers[role], body
                )
                status = response.status_code
                if role not in allowed:
                    ok = status == 403
                elif where == "foreign":
                    ok = status == 404
                else:
                    ok = status in (200, 201)
                if not ok:
                    wrong.append((method, template, role, where, status))
    assert wrong == []


LIST_AND_ID_ENDPOINTS = [
    ("GET", "/api/casework/cases", None, READERS, 200),
    ("GET", "/api/casework/overdue", None, {"clerk", "reviewer", "county"}, 200),
    ("POST", "/api/casework/notifications/retry", None, {"clerk", "reviewer", "county"}, 200),
    ("GET", "/api/casework/entitlements", None, {"clerk", "reviewer", "county"}, 200),
    ("POST", "/api/casework/entitlements/end-gradual-exits", None, {"reviewer"}, 200),
    ("GET", "/api/casework/dishonesty", None, {"clerk", "reviewer", "county"}, 200),
    (
        "POST",
        "/api/casework/relatives-register",
        {
            "township_code": "341602100",
            "name": "张三",
            "id_number": "11010519491231002X",
            "cadre_name": "张三",
            "position": "村委会主任",
            "relation_to_cadre": "self",
        },
        {"clerk", "reviewer"},
        201,
    ),
    # Unknown ids: allowed roles get past authorization to a 404, others a 403.
    (
        "GET",
        "/api/casework/entitlements/00000000-0000-0000-0000-000000000000",
        None,
        {"clerk", "reviewer", "county"},
        404,
    ),
    (
        "POST",
        "/api/casework/entitlements/00000000-0000-0000-0000-000000000000/suspend",
        {"reason": "外出"},
        {"reviewer"},
        404,
    ),
    (
        "POST",
        "/api/casework/entitlements/00000000-0000-0000-0000-000000000000/start-review",
        {"reason": "年度"},
        {"reviewer"},
        404,
    ),
    (
        "POST",
        "/api/casework/entitlements/00000000-0000-0000-0000-000000000000/resume",
        {"reason": "返回"},
        {"reviewer"},
        404,
    ),
    (
        "POST",
        "/api/casework/entitlements/00000000-0000-0000-0000-000000000000/terminate",
        {"reason": "死亡"},
        {"reviewer"},
        404,
    ),
    (
        "POST",
        "/api/casework/entitlements/00000000-0000-0000-0000-000000000000/review-result",
        {},
        {"reviewer"},
        404,
    ),
    (
        "DELETE",
        "/api/casework/relatives-register/00000000-0000-0000-0000-000000000000",
        None,
        {"clerk", "reviewer"},
        404,
    ),
    (
        "POST",
        "/api/casework/dishonesty",
        {
            "application_id": "00000000-0000-0000-0000-000000000000",
            "kind": "hidden_income",
            "description": "隐瞒收入",
        },
        {"clerk", "reviewer"},
        404,
    ),
    (
        "POST",
        "/api/casework/dishonesty/00000000-0000-0000-0000-000000000000/repayments",
        {"amount": "10.00"},
        {"clerk", "reviewer"},
        404,
    ),
]


def test_lists_and_other_endpoints_by_role(client, staff):
    headers = {role: staff(role) for role in ROLES}
    wrong = []
    for method, path, body, allowed, allowed_status in LIST_AND_ID_ENDPOINTS:
        for role in ROLES:
            status = _call(client, method, path, headers[role], body).status_code
            expected = allowed_status if role in allowed else 403
            if status != expected:
                wrong.append((method, path, role, status))
    assert wrong == []
    assert client.get("/api/casework/cases").status_code == 401  # not signed in at all


def test_a_village_assistant_sees_only_their_village(client, submitted, staff):
    own_village, _ = submitted()
    other_village, _ = submitted(applicant={**complete_applicant(), "area_code": "341602100202"})
    listed = {c["id"] for c in client.get(CASES, headers=staff("assistant")).json["items"]}
    assert own_village in listed and other_village not in listed
    assert client.get(f"{CASES}/{other_village}", headers=staff("assistant")).status_code == 404
    assert client.get(f"{CASES}/{other_village}", headers=staff("clerk")).status_code == 200


def test_the_county_lists_its_townships_only(client, cases, staff):
    listed = {c["id"] for c in client.get(CASES, headers=staff("county")).json["items"]}
    assert {cases["own"], cases["other_township"]} <= listed and cases["other_county"] not in listed
    assert VILLAGE.startswith("341602100")


def test_the_matrix_covers_every_casework_endpoint(app):
    adapter = app.url_map.bind("localhost")
    tried = [(method, f"{CASES}/some-id{suffix}") for method, suffix, _body, _roles in CASE_ENDPOINTS]
    tried += [
        (method, template.format(township="341602100")) for method, template, _body, _roles in AREA_ENDPOINTS
    ]
    tried += [(method, path) for method, path, _body, _roles, _status in LIST_AND_ID_ENDPOINTS]
    covered = {adapter.match(path.split("?")[0], method=method)[0] for method, path in tried}
    every = {rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/casework/")}
    assert every - covered == set()


def test_drafts_stay_with_the_resident(client, wechat_control, staff):
    from tests.support import sign_in

    resident = sign_in(client, wechat_control)
    draft = client.post("/api/resident/applications", json={"program": "dibao"}, headers=resident).json["id"]
    saved = client.put(
        f"/api/resident/applications/{draft}/applicant", json=complete_applicant(), headers=resident
    )
    assert saved.status_code == 200
    assert client.get(f"{CASES}?stage=draft", headers=staff("clerk")).json["items"] == []
    assert client.get(f"{CASES}/{draft}", headers=staff("clerk")).status_code == 404
    assert client.post(f"{CASES}/{draft}/accept", json={}, headers=staff("clerk")).status_code == 404
