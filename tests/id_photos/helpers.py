"""Helpers for the ID-photo tests: a resident with a draft, uploads, polling, hostile files."""

from __future__ import annotations

import io
import os
import struct
import time
import uuid
import zlib
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import TEST_KEYS
from tests.support import sign_in

APPLICATIONS = "/api/resident/applications"
ROOT = Path(__file__).resolve().parents[2]


def process_env(app: Flask, **extra: str) -> dict[str, str]:
    """Environment for a worker or server process working on the same database and files as `app`."""
    return {
        **os.environ,
        **TEST_KEYS,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "STORAGE_DIR": app.config["STORAGE_DIR"],
        "PYTHONPATH": str(ROOT),
        **extra,
    }


def resident_draft(
    client: FlaskClient, control: Any, applicant: dict | None = None
) -> tuple[str, dict[str, str]]:
    """Sign a new resident in and start a 低保 draft (optionally with an applicant part typed)."""
    headers = sign_in(client, control)
    created = client.post(APPLICATIONS, json={"program": "dibao"}, headers=headers)
    assert created.status_code == 201, created.json
    application_id = created.json["id"]
    if applicant:
        saved = client.put(f"{APPLICATIONS}/{application_id}/applicant", json=applicant, headers=headers)
        assert saved.status_code == 200, saved.json
    return application_id, headers


def upload(
    client: FlaskClient, headers: dict, application_id: str, data: bytes, kind: str = "id_card_portrait"
):  # noqa: ANN201
    """POST a photo as multipart/form-data; returns the response."""
    return client.post(
        f"{APPLICATIONS}/{application_id}/attachments",
        data={"kind": kind, "file": (io.BytesIO(data), "card.jpg")},
        headers=headers,
        content_type="multipart/form-data",
    )


def reading_url(application_id: str, attachment_id: str) -> str:
    """The resident's poll URL for one photo."""
    return f"{APPLICATIONS}/{application_id}/attachments/{attachment_id}/id-card-reading"


def poll(
    client: FlaskClient,
    headers: dict,
    url: str,
    until: tuple[str, ...] = ("done", "failed"),
    timeout: float = 60,
) -> dict:
    """Poll until the reading reaches one of `until`; returns the last body."""
    deadline = time.monotonic() + timeout
    while True:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.json
        if response.json["status"] in until or time.monotonic() > deadline:
            return response.json
        time.sleep(0.2)


def unique_jpeg(data: bytes) -> bytes:
    """The same JPEG with a random comment segment: the same pixels under a SHA-256 (and so RQ job
    ids) no other test run shares, since Redis outlives the test databases."""
    assert data[:2] == b"\xff\xd8"
    comment = f"doudi-test-{uuid.uuid4().hex}".encode()
    return data[:2] + b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + data[2:]


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return (
        struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    )


def png_declaring(width: int, height: int, *, full_data: bool) -> bytes:
    """A grey PNG of the given size, small on disk: all its rows (zeros compress ~1000:1), or only one."""
    compressor = zlib.compressobj(9)
    row = b"\x00" * (width + 1)
    parts = [compressor.compress(row) for _ in range(height if full_data else 1)]
    parts.append(compressor.flush())
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", b"".join(parts))
        + _png_chunk(b"IEND", b"")
    )
