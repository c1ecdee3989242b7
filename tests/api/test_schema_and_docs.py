"""The schema is built by migrations and matches the models; every endpoint is documented."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from app.extensions import db


def _diff(app) -> list:  # noqa: ANN001
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_models_and_migrations_agree(app):
    assert _diff(app) == []


def test_the_migrations_have_one_head_so_a_plain_upgrade_works():
    from pathlib import Path

    from alembic.config import Config
    from alembic.script import ScriptDirectory

    migrations = Path(__file__).resolve().parents[2] / "migrations"
    config = Config(str(migrations / "alembic.ini"))
    config.set_main_option("script_location", str(migrations))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"branches to merge: {heads}"


def test_migrations_downgrade_and_upgrade_cleanly(app, backend):
    with app.app_context():
        downgrade(revision="base")
        tables = db.session.execute(
            text(
                "SELECT name FROM sqlite_master WHERE type='table'"
                if backend == "sqlite"
                else "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
        ).scalars().all()
        db.session.commit()
        assert set(tables) <= {"alembic_version"}
        upgrade(revision="heads")
        from app.cli import seed_demo_data

        seed_demo_data("demo-pass-2024")
        db.session.commit()
    assert _diff(app) == []


def test_history_and_audit_log_refuse_changes(app):
    import pytest
    from sqlalchemy.exc import DatabaseError

    with app.app_context():
        db.session.execute(
            text(
                "INSERT INTO audit_log (at, actor_type, action, subject_type) "
                "VALUES (CURRENT_TIMESTAMP, 'system', 'test', 'test')"
            )
        )
        db.session.commit()
        for statement in ("UPDATE audit_log SET action = 'edited'", "DELETE FROM audit_log"):
            with pytest.raises(DatabaseError):
                db.session.execute(text(statement))
            db.session.rollback()
        assert db.session.execute(text("SELECT action FROM audit_log")).scalars().all() == ["test"]


def test_every_endpoint_is_in_the_openapi_document(client, app):
    spec = client.get("/api/openapi.json").json
    documented = set()
    for path, operations in spec["paths"].items():
        for method in operations:
            documented.add((path, method.upper()))
    undocumented = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("static",) or rule.endpoint.startswith(("api-docs", "docs_assets")):
            continue
        path = str(rule.rule).replace("<", "{").replace(">", "}")
        path = "".join(part.split(":")[-1] if "{" in part else part for part in path.split("{"))
        path = path.replace("}", "}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            candidates = {p for p, m in documented if m == method}
            if not any(_same(path, p) for p in candidates):
                undocumented.append((method, str(rule.rule)))
    assert undocumented == []
    assert "ErrorSchema" in str(spec["components"]) or "Error" in str(spec["components"])


def _same(flask_path: str, spec_path: str) -> bool:
    a, b = flask_path.strip("/").split("/"), spec_path.strip("/").split("/")
    return len(a) == len(b) and all(x == y or (x.startswith("{") and y.startswith("{")) or x.endswith("}") and y.startswith("{") for x, y in zip(a, b, strict=True))


def test_browsable_docs_work_offline(client):
    page = client.get("/api/docs")
    assert page.status_code == 200 and b"/api/docs/assets/swagger-ui-bundle.js" in page.data
    assert client.get("/api/docs/assets/swagger-ui-bundle.js").status_code == 200
