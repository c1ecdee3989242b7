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
