"""Liveness and readiness, with and without Redis."""

from __future__ import annotations


def test_healthz(client):
    assert client.get("/healthz").json == {"status": "ok", "checks": {}}


def test_readyz_without_redis_reports_in_process_jobs(client):
    body = client.get("/readyz").json
    assert body["checks"] == {"database": "ok", "jobs": "in-process"}


def test_readyz_with_real_redis(make_app):
    client = make_app(REDIS_URL="redis://127.0.0.1:6379/0").test_client()
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json["checks"]["redis"] == "ok"


def test_readyz_with_unreachable_redis_is_503(make_app):
    client = make_app(REDIS_URL="redis://127.0.0.1:9/0").test_client()
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json["code"] == "not_ready"
    assert response.json["errors"]["checks"][0]["redis"] == "unreachable"


def test_behind_a_trusted_proxy_the_client_address_comes_from_x_forwarded_for(make_app):
    from app.extensions import db
    from app.models import AuditEntry

    for proxies, expected in ((0, "127.0.0.1"), (1, "203.0.113.9")):
        app = make_app(TRUSTED_PROXIES=proxies)
        client = app.test_client()
        headers = {"X-Forwarded-For": "203.0.113.9"}
        client.post("/api/staff/login", json={"username": "clerk", "password": "demo-pass-2024"}, headers=headers)
        with app.app_context():
            entry = db.session.query(AuditEntry).order_by(AuditEntry.id.desc()).first()
            assert entry is not None and entry.ip == expected
