"""The application factory: extensions, blueprints, error handlers, CLI commands; nothing else."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask, request
from flask_smorest import Api

from app.errors import AppError, register_error_handlers
from app.extensions import db, migrate
from app.logging_setup import configure_logging
from app.queue import init_queue
from app.security.crypto import Keyring, configure_keyring
from config import BASE_DIR, Config, config_from_env

log = logging.getLogger(__name__)


class DoudiApi(Api):
    """flask-smorest's Api with our one error body in the spec and in responses."""

    def _register_error_handlers(self) -> None:
        register_error_handlers(self._app)


def _load_config(app: Flask, config: Any) -> None:
    app.config.from_object(config_from_env() if config is None else Config)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)


def build_app(config: Any = None) -> Flask:
    """Create the Flask app; `config` is a config class/object, a dict of overrides, or None (environment)."""
    configure_logging()
    app = Flask(__name__, static_folder=None)
    _load_config(app, config)
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    configure_keyring(Keyring.from_config(app.config["DATA_KEYS"], app.config["LOOKUP_HASH_KEY"]))
    import app.models as _models  # noqa: F401  - registers every table on the metadata

    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"))
    _prepare_sqlite(app)
    init_queue(app)

    from app.api import register_blueprints
    from app.api.docs import docs_blueprint
    from app.api.schemas_common import ErrorSchema
    from app.wechat_client import init_wechat

    DoudiApi.ERROR_SCHEMA = ErrorSchema
    api = DoudiApi(app, spec_kwargs=_spec_kwargs())
    register_blueprints(api)
    app.register_blueprint(docs_blueprint)
    if app.config.get("DEMO_PAGES"):
        from app.demo_pages import demo_pages

        app.register_blueprint(demo_pages)
    register_error_handlers(app)
    init_wechat(app)
    _guard_json_size(app)
    _guard_nul_characters(app)
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    from app.cli import register_cli

    register_cli(app)
    return app


def _spec_kwargs() -> dict[str, Any]:
    return {
        "info": {"description": "兜底：社会救助自助申请与经办服务。错误一律返回 {status, code, message, errors}。"},
        "components": {
            "securitySchemes": {
                "resident": {"type": "http", "scheme": "bearer", "description": "微信登录后获得的居民令牌"},
                "staff": {"type": "http", "scheme": "bearer", "description": "工作人员登录令牌"},
            }
        },
    }


def _prepare_sqlite(app: Flask) -> None:
    """Make the SQLite file's folder, and turn on foreign keys and WAL for SQLite connections."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if not uri.startswith("sqlite"):
        return
    if uri.startswith("sqlite:///") and uri != "sqlite:///:memory:":
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    if not event.contains(Engine, "connect", _sqlite_pragmas):
        event.listen(Engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def _guard_json_size(app: Flask) -> None:
    """Refuse JSON bodies over MAX_JSON_BYTES before anything parses them (uploads have their own limit)."""
    limit = app.config["MAX_JSON_BYTES"]

    @app.before_request
    def _check_json_size() -> None:
        if request.mimetype == "application/json" and (request.content_length or 0) > limit:
            raise AppError("提交的内容太长了", code="payload_too_large", status=413)


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


def _guard_nul_characters(app: Flask) -> None:
    """Refuse a NUL character anywhere in the address, query, form or JSON: no column can hold one
    (PostgreSQL refuses it outright), and no person types one."""

    @app.before_request
    def _check_nul() -> None:
        found = "\x00" in request.path or _holds_nul(request.args.to_dict(flat=False))  # keys, repeats too
        if not found and request.mimetype == "application/json":
            # Valid JSON can only carry a NUL escaped, so the body is parsed here only when it holds the
            # escape (every other request's JSON is parsed once, by the view's schema).
            found = b"\\u0000" in request.get_data(cache=True) and _holds_nul(request.get_json(silent=True))
        elif not found and request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
            found = _holds_nul(request.form.to_dict(flat=False))
        if found:
            raise AppError("提交的内容里有无法识别的字符，请检查后重新提交", code="invalid_characters", status=400)
