"""The upload part of the sync bench: a 5 MB photo in 1 MB tus chunks, the connection cut once, resumed."""

from __future__ import annotations

import base64
import hashlib
import http.client
import io
import json
import os
import random
import socket
import time


def noise_png(size_bytes: int) -> bytes:
    """A PNG of random pixels of about `size_bytes` (noise does not compress)."""
    from PIL import Image

    side = int((size_bytes / 3) ** 0.5)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


def upload_with_cut(host: str, token: str, chunk: int = 1024 * 1024) -> tuple[float, int, bool]:
    """A 5 MB photo in 1 MB chunks, the connection cut inside the third chunk; returns seconds, chunks re-sent, hash ok."""
    data = noise_png(5 * 1024 * 1024)
    sha = hashlib.sha256(data).hexdigest()
    client = _Client(host, token)
    tus = {"Tus-Resumable": "1.0.0"}
    started = time.perf_counter()
    meta = "sha256 " + base64.b64encode(sha.encode()).decode()
    status, headers, _ = client.call(
        "POST",
        "/api/field/uploads",
        headers={**tus, "Upload-Length": str(len(data)), "Upload-Metadata": meta},
    )
    url, offset, sent, cut_done = headers["Location"], 0, 0, False
    while offset < len(data):
        piece = data[offset : offset + chunk]
        patch = {**tus, "Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream",
                 "Upload-Checksum": "sha256 " + base64.b64encode(hashlib.sha256(piece).digest()).decode()}  # fmt: skip
        sent += 1
        if not cut_done and offset >= 2 * chunk:
            cut_done = True
            _cut_patch(host, token, url, patch, piece, random.randrange(1, len(piece)))
            _, head, _ = client.call("HEAD", url, headers=tus)
            offset = int(head["Upload-Offset"])
            continue
        status, headers, raw = client.call("PATCH", url, body=piece, headers=patch)
        assert status == 204, raw[:300]
        offset = int(headers["Upload-Offset"])
    seconds = time.perf_counter() - started
    _, _, raw = client.call("GET", url, headers=tus)
    return (
        seconds,
        sent - -(-len(data) // chunk),
        json.loads(raw)["complete"] and json.loads(raw)["sha256"] == sha,
    )


def _cut_patch(host: str, token: str, url: str, headers: dict, piece: bytes, cut_at: int) -> None:
    """Send a PATCH whose connection drops after `cut_at` bytes of the body."""
    lines = [f"PATCH {url} HTTP/1.1", f"Host: {host}", f"Authorization: Bearer {token}", f"Content-Length: {len(piece)}",
             *(f"{k}: {v}" for k, v in headers.items()), "", ""]  # fmt: skip
    with socket.create_connection(tuple(host.split(":"))) as raw:
        raw.sendall("\r\n".join(lines).encode() + piece[:cut_at])
    time.sleep(0.3)


class _Client:
    """One keep-alive HTTP connection with a staff token."""

    def __init__(self, host: str, token: str) -> None:
        self.host, self.token = host, token
        self.connection = http.client.HTTPConnection(*host.split(":"), timeout=300)

    def call(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, dict, bytes]:
        """Send a request; returns status, headers and the raw body."""
        self.connection.request(
            method, path, body=body, headers={"Authorization": f"Bearer {self.token}", **(headers or {})}
        )
        response = self.connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
