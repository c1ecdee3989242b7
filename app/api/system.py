"""Liveness and readiness probes."""

from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import text

from app.errors import ServiceUnavailable
from app.extensions import db

blp = Blueprint("system", __name__, description="运行状态检查")


class HealthSchema(Schema):
    status = fields.String()
    checks = fields.Dict(keys=fields.String(), values=fields.String())


@blp.route("/healthz", methods=["GET"])
@blp.response(200, HealthSchema)
def healthz() -> dict:
    """The process is up (no dependency is touched)."""
    return {"status": "ok", "checks": {}}


@blp.route("/readyz", methods=["GET"])
@blp.response(200, HealthSchema)
def readyz() -> dict:
    """The database, and Redis when configured, answer; 503 with the failing check otherwise."""
    checks: dict[str, str] = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception:
        db.session.rollback()
        checks["database"] = "unreachable"
    queue = current_app.extensions["doudi_queue"]
    if hasattr(queue, "redis"):
        try:
            queue.redis.ping()
            checks["redis"] = "ok"
        except Exception:
            checks["redis"] = "unreachable"
    else:
        checks["jobs"] = "in-process"
    failing = [name for name, state in checks.items() if state == "unreachable"]
    if failing:
        raise ServiceUnavailable("服务暂时不可用：" + "、".join(failing), code="not_ready", errors={"checks": [checks]})
    return {"status": "ok", "checks": checks}
