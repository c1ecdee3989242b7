"""Hostile files sent as ID-card photos: a clear 4xx in the one error body, nothing queued, bounded memory.

The uploads go to a server in its own process, so its peak RSS (VmHWM) measures only the server.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
import requests
from sqlalchemy import func, select

from app.extensions import db
from app.models import IdPhotoRead, StoredFile
from tests.id_photos.helpers import APPLICATIONS, ROOT, png_declaring, process_env, resident_draft
from tests.support import jpeg_bytes

MEMORY_BOUND_MB = 60


def _peak_rss_mb(pid: int) -> float:
    """The process's peak resident set size so far (VmHWM), in MB."""
    with open(f"/proc/{pid}/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def test_hostile_photos_are_refused_with_a_clear_4xx_and_bounded_memory(make_app, wechat_control, backend):
    if backend != "sqlite":
        pytest.skip("refused before anything reaches the database: once, on SQLite, is enough")
    app = make_app()
    application_id, headers = resident_draft(app.test_client(), wechat_control)
    whole = jpeg_bytes(800, 600)
    hostile = {
        "not_an_image": (b"%PDF-1.4\n" + b"x" * 5000, 422, "not_an_image"),
        "truncated_jpeg": (whole[: len(whole) // 2], 422, "not_an_image"),
        "fifty_mb": (b"\xff\xd8\xff\xe0" + b"\x00" * (50 * 1024 * 1024), 413, "payload_too_large"),
        "decompression_bomb": (png_declaring(60000, 60000, full_data=False), 422, "image_too_large"),
        "png_20000_square": (png_declaring(20000, 20000, full_data=True), 422, "image_too_large"),
    }
    assert len(hostile["png_20000_square"][0]) < 1_000_000  # 400 MB of pixels in under 1 MB

    server = subprocess.Popen(
        [sys.executable, "-m", "tests.id_photos.serve_api"],
        cwd=ROOT, env=process_env(app), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        base = server.stdout.readline().strip()
        url = f"{base}{APPLICATIONS}/{application_id}/attachments"

        def send(data: bytes, kind: str = "id_card_portrait") -> requests.Response:
            files = {"file": ("card.jpg", data, "image/jpeg")}
            return requests.post(url, data={"kind": kind}, files=files, headers=headers, timeout=60)

        # Warm up imports and connections with a photo OCR does not read (a read would load the engine
        # and raise the high-water mark the hostile uploads are measured against).
        assert send(jpeg_bytes(300, 200), "household_register").status_code == 201
        baseline = _peak_rss_mb(server.pid)
        for name, (data, status, code) in hostile.items():
            response = send(data)
            assert response.status_code == status, (name, response.text[:300])
            body = response.json()
            assert set(body) == {"status", "code", "message", "errors"} and body["code"] == code, name
            assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"]), name
        growth = _peak_rss_mb(server.pid) - baseline
    finally:
        server.stdin.close()
        server.wait(timeout=30)
    print(f"server peak RSS growth over the hostile uploads: {growth:.1f} MB")
    assert growth < MEMORY_BOUND_MB
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 1  # the warm-up photo only
        assert db.session.scalar(select(func.count()).select_from(IdPhotoRead)) == 0
