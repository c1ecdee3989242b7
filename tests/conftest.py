"""Shared fixtures: the app on SQLite and on PostgreSQL, built by the migrations, and the WeChat stand-in.

API tests take the `app`/`client` fixtures and run once per backend. PostgreSQL is required (CI starts
it); set DOUDI_TEST_SKIP_PG=1 to run only the SQLite half on a machine without it.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import create_app
from app.extensions import db
from app.wechat.clock import FakeClock
from app.wechat.serving import RunningServer
from app.wechat.standin import DEFAULT_APPID, DEFAULT_SECRET, create_standin_app, serve_in_thread
from app.wechat.testing import StandinControl

PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
BACKENDS = ["sqlite"] if os.environ.get("DOUDI_TEST_SKIP_PG") == "1" else ["sqlite", "postgresql"]
TEST_KEYS = {
    "SECRET_KEY": "test-secret-key",
    "DATA_KEYS": "t1:" + "A" * 43,
    "LOOKUP_HASH_KEY": "test-lookup-key",
}
DEMO_PASSWORD = "demo-pass-2024"


def _pg_admin():  # noqa: ANN202
    import psycopg

    return psycopg.connect(PG_ADMIN_URL, autocommit=True)


@pytest.fixture(scope="session")
def standin() -> Iterator[RunningServer]:
    """The local WeChat stand-in on a free loopback port, for the whole run."""
    server = serve_in_thread(create_standin_app(clock=FakeClock(start=time.time())))
    yield server
    server.shutdown()


@pytest.fixture
def wechat_control(standin: RunningServer) -> StandinControl:
    """The stand-in's control surface, reset for each test."""
    control = StandinControl(standin.base_url)
    control.reset()
    return control


def _config(database_url: str, tmp: Path, standin: RunningServer, **extra: object) -> dict:
    return {
        **TEST_KEYS,
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "STORAGE_DIR": str(tmp / "files"),
        "REDIS_URL": None,
        "WECHAT_APPID": DEFAULT_APPID,
        "WECHAT_SECRET": DEFAULT_SECRET,
        "WECHAT_API_BASE": standin.api_base,
        "WECHAT_OPEN_BASE": standin.open_base,
        "RESIDENT_H5_URL": "http://127.0.0.1/h5/",
        **extra,
    }


def _migrate(app) -> None:  # noqa: ANN001
    from flask_migrate import upgrade

    with app.app_context():
        upgrade(revision="heads")
        from app.cli import seed_demo_data

        seed_demo_data(DEMO_PASSWORD)
        db.session.commit()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory, standin: RunningServer) -> Path:
    """A SQLite file built by the migrations and seeded with the demo areas and staff, copied per test."""
    folder = tmp_path_factory.mktemp("sqlite-template")
    path = folder / "template.sqlite3"
    _migrate(create_app(_config(f"sqlite:///{path}", folder, standin)))
    return path


@pytest.fixture(scope="session")
def pg_database(standin: RunningServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh PostgreSQL database for this run, built by the migrations and seeded; dropped at the end."""
    name = f"doudi_test_{uuid.uuid4().hex[:10]}"
    with _pg_admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}"
    _migrate(create_app(_config(url, tmp_path_factory.mktemp("pg"), standin)))
    yield url
    with _pg_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


_SEEDED_TABLES = ("areas", "policies", "staff_users", "alembic_version")


def _reset_pg(app) -> None:  # noqa: ANN001
    """Empty every table the tests write to (TRUNCATE skips the append-only row triggers)."""
    with app.app_context():
        tables = [t.name for t in db.metadata.sorted_tables if t.name not in _SEEDED_TABLES]
        db.session.execute(db.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        db.session.commit()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Which database this test runs on."""
    return request.param


@pytest.fixture
def make_app(request: pytest.FixtureRequest, backend: str, tmp_path: Path, standin: RunningServer, wechat_control):  # noqa: ANN001, ANN201
    """Build an app on this test's backend, with config overrides; the database starts seeded and clean."""
    built = []

    def build(**overrides: object):  # noqa: ANN202
        if backend == "sqlite":
            template = request.getfixturevalue("sqlite_template")
            path = tmp_path / "test.sqlite3"
            if not path.exists():
                shutil.copy(template, path)
            url = f"sqlite:///{path}"
        else:
            url = request.getfixturevalue("pg_database")
        app = create_app(_config(url, tmp_path, standin, **overrides))
        if backend == "postgresql" and not built:
            _reset_pg(app)
        built.append(app)
        return app

    yield build
    for app in built:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def app(make_app):  # noqa: ANN001, ANN201
    """The app on this test's backend with default test settings."""
    return make_app()


@pytest.fixture
def client(app):  # noqa: ANN001, ANN201
    """A test client of the app."""
    return app.test_client()
