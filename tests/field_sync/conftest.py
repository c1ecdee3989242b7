"""Fixtures for the field-sync API tests: signed-in workers, their devices, and an op factory.

Every test runs on SQLite and PostgreSQL (the `app` fixture of tests/conftest.py). The outbox is
relayed by hand here (`SYNC_OUTBOX_RELAY=manual`) so tests see exactly what was queued.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from app.extensions import db
from tests.field_sync.helpers import T0, FieldDevice, new_id
from tests.support import VILLAGE

FIELD_CONFIG = {"SYNC_OUTBOX_RELAY": "manual"}


_PASSWORD_HASH: list[str] = []


def _demo_password_hash() -> str:
    """Argon2 is slow on purpose: hash the demo password once per run."""
    if not _PASSWORD_HASH:
        from app.security.passwords import hash_password

        _PASSWORD_HASH.append(hash_password("demo-pass-2024"))
    return _PASSWORD_HASH[0]


@pytest.fixture
def field_app(make_app):  # noqa: ANN001, ANN201
    """The app with a third village assistant of 东关社区 (assistant3) besides the demo staff."""
    app = make_app(**FIELD_CONFIG)
    with app.app_context():
        from sqlalchemy import select

        from app.models import Area, StaffUser

        # PostgreSQL keeps staff accounts between tests (only the data tables are emptied).
        if db.session.scalar(select(StaffUser.id).where(StaffUser.username == "assistant3")) is None:
            village = db.session.scalar(select(Area).where(Area.code == VILLAGE))
            db.session.add(StaffUser(username="assistant3", display_name="东关社区协理员 钱进", role="village_assistant",
                                     area=village, password_hash=_demo_password_hash()))  # fmt: skip
            db.session.commit()
    return app


@pytest.fixture
def field_client(field_app):  # noqa: ANN001, ANN201
    """A test client of the field app."""
    return field_app.test_client()


@pytest.fixture
def headers_of(field_app) -> Callable[[str], dict[str, str]]:  # noqa: ANN001
    """A bearer token for a staff member, issued directly (sign-in itself is tested in tests/api)."""
    from sqlalchemy import select

    from app.models import StaffUser
    from app.security.tokens import STAFF, issue_token

    cache: dict[str, dict[str, str]] = {}

    def get(username: str) -> dict[str, str]:
        if username not in cache:
            with field_app.app_context():
                user = db.session.scalar(select(StaffUser).where(StaffUser.username == username))
                token = issue_token(
                    field_app.config["SECRET_KEY"], STAFF, {"s": user.id, "v": user.token_version}
                )
            cache[username] = {"Authorization": f"Bearer {token}"}
        return cache[username]

    return get


@pytest.fixture
def device_for(field_client, headers_of) -> Callable[..., FieldDevice]:  # noqa: ANN001
    """Make (and register) a device of a staff member."""
    clock = {"now": T0}

    def make(username: str, device_id: str | None = None, register: bool = True, **extra: Any) -> FieldDevice:
        device = FieldDevice(
            field_client, headers_of(username), device_id or f"phone-{new_id()}", lambda: clock["now"]
        )
        if register:
            response = device.register(**extra)
            assert response.status_code == 200, response.json
        return device

    return make


@pytest.fixture
def household_ops() -> Callable[..., list[dict[str, Any]]]:
    """The ops a worker makes for a new household with one member (and an income)."""

    def make(
        device: FieldDevice, *, village: str = VILLAGE, id_number: str | None = None
    ) -> list[dict[str, Any]]:
        household_id, member_id = new_id(), new_id()
        member_fields = {
            "household_id": household_id,
            "name": "张秀兰",
            "relation": "self",
            "co_resident": True,
        }
        if id_number:
            member_fields["id_number"] = id_number
        return [
            device.op(
                "household",
                household_id,
                {"village_code": village, "household_type": "rural", "current_address": "东大街3号"},
            ),
            device.op("member", member_id, member_fields),
            device.op(
                "income",
                new_id(),
                {
                    "household_id": household_id,
                    "member_id": member_id,
                    "category": "pension",
                    "amount": "300",
                    "period": "monthly",
                },
            ),
        ]

    return make


@pytest.fixture
def other_township_clerk(field_app) -> str:  # noqa: ANN001
    """The username of a clerk of 古井镇, the demo's other township."""
    from tests.support import other_township_clerk as make

    return make(field_app)
