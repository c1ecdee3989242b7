"""A real server process for the kill tests: the app on a loopback port, able to stall a push at a chosen point.

    python -m tests.field_sync.fault_server PORT

Configuration comes from the environment (DATABASE_URL, STORAGE_DIR, the test keys). With
FAULT_STALL=before_commit (or after_commit) the first commit of a push writes FAULT_MARKER and then
sleeps, so the test can SIGKILL the process at exactly that point: with the batch applied but not
committed, or committed but with its response never sent.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from app import create_app


def _stall(point: str) -> None:
    marker = Path(os.environ["FAULT_MARKER"])

    def pause(_session: Session) -> None:
        if has_request_context() and request.path == "/api/field/push" and not marker.exists():
            marker.write_text(point)
            time.sleep(60)

    event.listen(Session, point, pause)


def main(port: int) -> None:
    """Serve the app until killed."""
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": os.environ["DATABASE_URL"],
            "STORAGE_DIR": os.environ["STORAGE_DIR"],
            "SECRET_KEY": os.environ["SECRET_KEY"],
            "DATA_KEYS": os.environ["DATA_KEYS"],
            "LOOKUP_HASH_KEY": os.environ["LOOKUP_HASH_KEY"],
            "REDIS_URL": None,
            "SYNC_OUTBOX_RELAY": "manual",
        }
    )
    if os.environ.get("FAULT_STALL"):
        _stall(os.environ["FAULT_STALL"])
    server = make_server("127.0.0.1", port, app, threaded=True)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(int(sys.argv[1]))
