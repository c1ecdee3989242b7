"""Check-in fixtures: approved beneficiaries made through the real casework flow, reference faces from
synthetic ID cards (a face pasted on a card-like image: `ocr.synthetic` draws a silhouette, not a face),
selfies from scikit-image's sample faces, and a field device for the village assistant."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from app.extensions import db
from tests.casework.conftest import CASES, RESIDENTS, investigate, post
from tests.casework.conftest import staff as staff  # noqa: F401  (fixture)
from tests.casework.conftest import staff_ids as staff_ids  # noqa: F401  (fixture)
from tests.face import samples
from tests.field_sync.helpers import FieldDevice, new_id
from tests.support import complete_applicant, id_number, sign_in

APPROVED_ON = "2026-09-18"
QUARTER = "2026Q4"  # entitlements approved in September start in October


@pytest.fixture
def app(make_app):  # noqa: ANN001, ANN201
    """The app with casework's clock pinned and the field outbox relayed by hand."""
    return make_app(CASEWORK_TODAY=APPROVED_ON, SYNC_OUTBOX_RELAY="manual")


@dataclass
class Beneficiary:
    """An approved 低保 applicant: their application, resident headers and person id."""

    application_id: str
    headers: dict[str, str]
    person_id: str
    household_id: str
    name: str


@pytest.fixture
def beneficiary(app, client, wechat_control, staff, staff_ids) -> Callable[..., Beneficiary]:  # noqa: ANN001, F811
    """A factory: a one-person household applies, is investigated and approved."""

    def make(name: str = "王秀英", birth: str = "19500314") -> Beneficiary:
        app.config["CASEWORK_TODAY"] = APPROVED_ON
        headers = sign_in(client, wechat_control)
        created = client.post(RESIDENTS, json={"program": "dibao"}, headers=headers)
        application_id = created.json["id"]
        base = f"{RESIDENTS}/{application_id}"
        steps = [
            (
                "applicant",
                {**complete_applicant(name, id_number(birth, male=False)), "work_capacity": "none"},
            ),
            ("members", {"members": []}),
            ("income", {"items": [{"category": "pension", "amount": "100.00", "period": "monthly"}]}),
            ("assets", {"items": []}),
            ("expenses", {"items": []}),
            ("bank", {"bank_name": "农村商业银行", "account": "6222020200112233445", "holder": name}),
            ("reason", {"reason": "年老体弱，无固定收入"}),
            ("consent", {"consent_to_verification": True}),
        ]
        for part, body in steps:
            response = client.put(f"{base}/{part}", json=body, headers=headers)
            assert response.status_code == 200, (part, response.json)
        assert client.post(f"{base}/submit", headers=headers).status_code == 200
        investigate(client, staff, staff_ids, application_id)
        post(client, f"{CASES}/{application_id}/finish-investigation", staff("clerk"))
        post(client, f"{CASES}/{application_id}/approve", staff("reviewer"))
        with app.app_context():
            from app.models import Application

            application = db.session.get(Application, application_id)
            return Beneficiary(
                application_id, headers, application.applicant_id, application.household_id, name
            )

    return make


def card_photo(face=None) -> bytes:  # noqa: ANN001
    """A synthetic ID card with a portrait (the astronaut unless another face is given)."""
    return samples.encode(samples.id_card(portrait=face))


def selfie(face=None) -> bytes:  # noqa: ANN001
    """A 1280-px selfie of the astronaut, or an edited copy of another sample face."""
    if face is None:
        return samples.encode(samples.selfie_1280())
    return samples.encode(samples.jpeg_roundtrip(samples.resized(face, 1.5), 70))


def enroll_reference(client, staff_headers: dict, person_id: str, photo: bytes) -> dict:  # noqa: ANN001
    """POST a reference face (an ID-card portrait) for a person."""
    response = client.post(
        "/api/checkins/references",
        data={
            "person_id": person_id,
            "source": "id_card_portrait",
            "photo": (__import__("io").BytesIO(photo), "card.jpg"),
        },
        headers=staff_headers,
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.json
    return response.json


def upload_checkin(client, headers: dict, window_id: str, photo: bytes, **form) -> object:  # noqa: ANN001, ANN003
    """POST a check-in with an uploaded selfie."""
    import io

    return client.post(
        f"/api/resident/checkins/windows/{window_id}/checkins/upload",
        data={**{k: str(v) for k, v in form.items()}, "selfie": (io.BytesIO(photo), "selfie.jpg")},
        headers=headers,
        content_type="multipart/form-data",
    )


def run_cli(app, *args: str) -> str:  # noqa: ANN001
    """Run a `flask doudi …` command and return its output."""
    result = app.test_cli_runner().invoke(args=["doudi", *args])
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


@pytest.fixture
def field_device(app, client):  # noqa: ANN001, ANN201
    """The village assistant's phone, registered."""
    from app.models import StaffUser
    from app.security.tokens import STAFF, issue_token

    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.username == "assistant"))
        token = issue_token(app.config["SECRET_KEY"], STAFF, {"s": user.id, "v": user.token_version})
    clock = iter(range(1_790_000_000_000, 1_800_000_000_000, 1000))
    device = FieldDevice(
        client, {"Authorization": f"Bearer {token}"}, f"phone-{new_id()}", lambda: next(clock)
    )
    assert device.register().status_code == 200
    return device
