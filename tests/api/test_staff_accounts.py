"""Staff sign-in, throttling of password guessing, and accounts scoped to an area."""

from __future__ import annotations

from tests.support import staff_headers


def test_sign_in_and_me(client):
    headers = staff_headers(client, "reviewer")
    me = client.get("/api/staff/me", headers=headers)
    assert me.status_code == 200
    assert me.json["role"] == "township_reviewer" and me.json["area_code"] == "341602100"
    assert "password_hash" not in me.json


def test_wrong_password_and_unknown_user_look_the_same(client):
    wrong = client.post("/api/staff/login", json={"username": "clerk", "password": "nope-nope-1"})
    unknown = client.post("/api/staff/login", json={"username": "ghost", "password": "nope-nope-1"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json == unknown.json


def test_repeated_failures_are_throttled_even_with_the_right_password(make_app):
    client = make_app(LOGIN_ATTEMPTS_PER_WINDOW=3).test_client()
    for _ in range(3):
        assert client.post("/api/staff/login", json={"username": "clerk", "password": "guess-123456"}).status_code == 401
    blocked = client.post("/api/staff/login", json={"username": "clerk", "password": "demo-pass-2024"})
    assert blocked.status_code == 429 and blocked.json["code"] == "login_throttled"
    # Another account from another address is not affected.
    other = client.post(
        "/api/staff/login",
        json={"username": "reviewer", "password": "demo-pass-2024"},
        environ_base={"REMOTE_ADDR": "10.1.2.3"},
    )
    assert other.status_code == 200


def test_admin_creates_staff_only_in_own_area_and_with_a_strong_password(client):
    admin = staff_headers(client, "admin")
    weak = client.post(
        "/api/staff/users",
        json={"username": "new_clerk", "display_name": "新经办", "password": "123", "role": "township_clerk", "area_code": "341602100"},
        headers=admin,
    )
    assert weak.status_code == 422 and "password" in weak.json["errors"]
    wrong_level = client.post(
        "/api/staff/users",
        json={"username": "new_clerk", "display_name": "新经办", "password": "str0ng-passw0rd", "role": "township_clerk", "area_code": "341602100201"},
        headers=admin,
    )
    assert wrong_level.status_code == 422 and "area_code" in wrong_level.json["errors"]
    created = client.post(
        "/api/staff/users",
        json={"username": "new_clerk", "display_name": "新经办", "password": "str0ng-passw0rd", "role": "township_clerk", "area_code": "341602100"},
        headers=admin,
    )
    assert created.status_code == 201
    assert staff_headers(client, "new_clerk", "str0ng-passw0rd")


def test_only_admins_create_staff(client):
    clerk = staff_headers(client, "clerk")
    response = client.post(
        "/api/staff/users",
        json={"username": "x_user", "display_name": "x", "password": "str0ng-passw0rd", "role": "admin", "area_code": "341602"},
        headers=clerk,
    )
    assert response.status_code == 403 and response.json["code"] == "forbidden"
