"""The yardstick for the resident API bench: a bare Flask app returning a small JSON body.

Served by gunicorn with exactly the settings the real app gets (`gunicorn bench.bare_wsgi:app`), so
the ratio between the two measures what the app itself costs per request, not the server.
"""

from __future__ import annotations

import os
import threading

import psycopg
from flask import Flask

app = Flask(__name__)
_local = threading.local()


@app.get("/ping")
def ping() -> dict:
    """A small JSON answer, no database, no auth."""
    return {"status": "ok", "service": "bare"}


@app.get("/ping-db")
def ping_db() -> dict:
    """The same, after one round trip to PostgreSQL (`SELECT 1` on this thread's own connection, no ORM,
    no pool, no transaction): the ceiling of any endpoint that touches the database at all."""
    connection = getattr(_local, "connection", None)
    if connection is None:
        url = os.environ["DATABASE_URL"]
        connection = _local.connection = psycopg.connect(url, autocommit=True)
    connection.execute("SELECT 1").fetchone()
    return {"status": "ok", "service": "bare"}
