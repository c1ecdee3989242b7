"""Casework fixtures: an app whose "today" is pinned, submitted applications, staff sessions by name."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.support import complete_applicant, fill_complete_draft, sign_in, staff_headers

# Accepted on Friday 18 Sep 2026, a 20-working-day deadline runs over Mid-Autumn (25 Sep), National Day
# (1–7 Oct) and two adjusted working days (Sunday 20 Sep, Saturday 10 Oct): due Thursday 22 Oct 2026.
ACCEPTED_ON = "2026-09-18"
DUE_ON = "2026-10-22"
RESIDENTS = "/api/resident/applications"
CASES = "/api/casework/cases"


@pytest.fixture
def app(make_app):  # noqa: ANN001, ANN201
    """The app with casework's clock pinned to ACCEPTED_ON (tests move it with `app.config`)."""
    return make_app(CASEWORK_TODAY=ACCEPTED_ON)


# Staff sign-in verifies an Argon2id hash (~0.4 s); the demo accounts and the test secret are the same in
# every test of a backend, so a token is reused for the whole run.
_TOKENS: dict[tuple[str, str], dict[str, str]] = {}


@pytest.fixture
def staff(client, backend) -> Callable[[str], dict[str, str]]:  # noqa: ANN001
    """Authorization headers of a demo staff member by username."""

    def headers(username: str) -> dict[str, str]:
        key = (backend, username)
        if key not in _TOKENS:
            _TOKENS[key] = staff_headers(client, username)
        return _TOKENS[key]

    return headers


@pytest.fixture
def staff_ids(client, staff) -> Callable[[str], str]:  # noqa: ANN001
    """The id of a demo staff member by username."""

    def staff_id(username: str) -> str:
        return client.get("/api/staff/me", headers=staff(username)).json["id"]

    return staff_id


@pytest.fixture
def submitted(client, wechat_control):  # noqa: ANN001, ANN201
    """A factory: a resident fills and submits an application; returns (application id, resident headers)."""

    def submit(program: str = "dibao", applicant: dict | None = None) -> tuple[str, dict[str, str]]:
        headers = sign_in(client, wechat_control)
        created = client.post(RESIDENTS, json={"program": program}, headers=headers)
        assert created.status_code == 201, created.json
        application_id = created.json["id"]
        fill_complete_draft(client, headers, application_id, applicant or complete_applicant())
        response = client.post(f"{RESIDENTS}/{application_id}/submit", headers=headers)
        assert response.status_code == 200, response.json
        return application_id, headers

    return submit


def post(client, path: str, headers: dict, body: dict | None = None, status: int = 200) -> dict:  # noqa: ANN001
    """POST JSON and assert the status; returns the JSON body."""
    response = client.post(path, json=body or {}, headers=headers)
    assert response.status_code == status, (path, response.status_code, response.json)
    return response.json


def investigate(client, staff, staff_ids, application_id: str, warning: bool = False) -> None:  # noqa: ANN001
    """Accept → investigation with two staff → home visit → verification report → means test."""
    clerk = staff("clerk")
    case = f"{CASES}/{application_id}"
    post(client, f"{case}/accept", clerk, {"opinion": "材料齐全，予以受理"})
    two = [staff_ids("clerk"), staff_ids("assistant")]
    post(client, f"{case}/investigation", clerk, {"investigator_ids": two})
    visit = {
        "visited_on": "2026-09-22",
        "visitor_ids": [staff_ids("assistant"), staff_ids("assistant2")],
        "findings": "家中无大额财产，申请人患慢性病，孩子在读",
        "living_conditions": "自住平房两间",
        "recommendation": "support",
    }
    post(client, f"{case}/home-visits", staff("assistant"), visit, status=201)
    report = {
        "result": "pass",
        "warnings": ["名下有一辆摩托车"] if warning else [],
        "reported_on": "2026-09-23",
    }
    post(client, f"{case}/verification-reports", staff("county"), report, status=201)
    post(client, f"{case}/assessment", clerk, {})


def approve(client, staff, staff_ids, submitted, applicant: dict | None = None) -> tuple[str, dict[str, str]]:  # noqa: ANN001
    """A 低保 application taken all the way to approval; returns (application id, resident headers)."""
    application_id, resident = submitted(applicant=applicant)
    investigate(client, staff, staff_ids, application_id)
    post(client, f"{CASES}/{application_id}/finish-investigation", staff("clerk"))
    post(client, f"{CASES}/{application_id}/approve", staff("reviewer"))
    return application_id, resident
