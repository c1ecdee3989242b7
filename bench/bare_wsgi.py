"""The yardstick for the resident API bench: a bare Flask app returning a small JSON body.

Served by gunicorn with exactly the settings the real app gets (`gunicorn bench.bare_wsgi:app`), so
the ratio between the two measures what the app itself costs per request, not the server.
"""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/ping")
def ping() -> dict:
    """A small JSON answer, no database, no auth."""
    return {"status": "ok", "service": "bare"}
