"""Configuration classes read from the environment.

Defaults give a working service with nothing configured: a SQLite file under `var/`, jobs run
in-process, keys for development only. Production sets `DOUDI_ENV=production`, which refuses to
start without real secrets.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("DOUDI_VAR_DIR", BASE_DIR / "var"))


def database_url(raw: str | None) -> str:
    """Normalise DATABASE_URL so SQLAlchemy uses psycopg 3 for PostgreSQL."""
    if not raw:
        return f"sqlite:///{VAR_DIR / 'doudi.sqlite3'}"
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


def _dev_key(purpose: str) -> str:
    """A fixed development key, derived so each purpose gets its own; never used in production."""
    return base64.urlsafe_b64encode(hashlib.sha256(f"doudi-dev-{purpose}".encode()).digest()).decode()


class Config:
    """Settings shared by every environment; each can be overridden by an environment variable."""

    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY") or _dev_key("secret")
    # 32-byte keys, URL-safe base64. DATA_KEYS may hold several "kid:key" pairs (comma separated)
    # so old ciphertexts stay readable after a rotation; the first one encrypts.
    DATA_KEYS = os.environ.get("DATA_KEYS") or f"dev1:{_dev_key('data')}"
    LOOKUP_HASH_KEY = os.environ.get("LOOKUP_HASH_KEY") or _dev_key("lookup")

    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL"))
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    REDIS_URL = os.environ.get("REDIS_URL") or None
    RQ_QUEUE = os.environ.get("RQ_QUEUE", "doudi")

    STORAGE_DIR = os.environ.get("STORAGE_DIR") or str(VAR_DIR / "files")
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_BYTES", 10 * 1024 * 1024))
    MAX_JSON_BYTES = 256 * 1024
    # Reverse proxies in front of the app (nginx: 1). Their X-Forwarded-For then names the client, which the
    # login and objection throttles count by; with 0 the header is ignored (it could be forged).
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    MAX_IMAGE_PIXELS = 40_000_000
    MAX_IMAGE_SIDE = 12_000

    # ID-card photos read by OCR (issue 4): "paddleocr" or "rapidocr", loaded once per worker process.
    OCR_ENGINE = os.environ.get("OCR_ENGINE") or "paddleocr"
    # A read not finished this long after a worker claimed it is presumed dead and enqueued again.
    ID_PHOTO_LEASE_SECONDS = float(os.environ.get("ID_PHOTO_LEASE_SECONDS", 60))
    FIELD_ID_PHOTO_HANDLER = os.environ.get("FIELD_ID_PHOTO_HANDLER", "app.jobs.id_photo_jobs:read_field_id_photo")

    RESIDENT_TOKEN_TTL = int(os.environ.get("RESIDENT_TOKEN_TTL", 7 * 24 * 3600))
    STAFF_TOKEN_TTL = int(os.environ.get("STAFF_TOKEN_TTL", 12 * 3600))
    OAUTH_CODE_MEMORY_SECONDS = 300
    LOGIN_ATTEMPTS_PER_WINDOW = int(os.environ.get("LOGIN_ATTEMPTS_PER_WINDOW", 5))
    LOGIN_WINDOW_SECONDS = int(os.environ.get("LOGIN_WINDOW_SECONDS", 15 * 60))

    WECHAT_APPID = os.environ.get("WECHAT_APPID", "wxdoudidemo0000001")
    WECHAT_SECRET = os.environ.get("WECHAT_SECRET", "doudi-demo-secret")
    WECHAT_API_BASE = os.environ.get("WECHAT_API_BASE", "https://api.weixin.qq.com/")
    WECHAT_OPEN_BASE = os.environ.get("WECHAT_OPEN_BASE", "https://open.weixin.qq.com/connect/")
    WECHAT_TIMEOUT = float(os.environ.get("WECHAT_TIMEOUT", 10))
    # Where the H5 pages live: WeChat sends the browser back here with ?code=...
    RESIDENT_H5_URL = os.environ.get("RESIDENT_H5_URL", "http://127.0.0.1:5000/h5/")

    DEMO_PAGES = False  # the resident H5 demo pages, on in `python -m app.demo` only

    API_TITLE = "Doudi 兜底 — social assistance self-service API"
    API_VERSION = "1.0"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    OPENAPI_SWAGGER_UI_URL = "/api/docs/assets/"
    JSON_AS_ASCII = False


class DevelopmentConfig(Config):
    """Local development and the demo."""


class TestingConfig(Config):
    """The test suite: fixed keys, no Redis unless a test asks for it."""

    ENV_NAME = "testing"
    TESTING = True
    REDIS_URL = None
    LOGIN_ATTEMPTS_PER_WINDOW = 5


class ProductionConfig(Config):
    """Production: secrets must come from the environment."""

    ENV_NAME = "production"

    @classmethod
    def check(cls) -> None:
        """Refuse to run with development keys."""
        missing = [k for k in ("SECRET_KEY", "DATA_KEYS", "LOOKUP_HASH_KEY", "DATABASE_URL") if not os.environ.get(k)]
        if missing:
            raise RuntimeError(f"production needs these environment variables: {', '.join(missing)}")


CONFIGS = {"development": DevelopmentConfig, "testing": TestingConfig, "production": ProductionConfig}


def config_from_env() -> type[Config]:
    """The config class named by DOUDI_ENV (development by default)."""
    name = os.environ.get("DOUDI_ENV", "development")
    cls = CONFIGS.get(name)
    if cls is None:
        raise RuntimeError(f"DOUDI_ENV must be one of {sorted(CONFIGS)}, not {name!r}")
    if cls is ProductionConfig:
        cls.check()
    return cls
