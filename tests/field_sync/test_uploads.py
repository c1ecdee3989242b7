"""Resumable uploads (tus 1.0): chunks with checksums, cuts at random offsets, leases, expiry, missing markers."""

from __future__ import annotations

import base64
import hashlib
import io
import random
import threading
import time
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from app.extensions import db
from app.models import Attachment, FieldUpload, StoredFile
from app.models.types import utcnow
from tests.field_sync.helpers import new_id
from tests.support import VILLAGE

CHUNK = 64 * 1024
BASE = "/api/field/uploads"


def noise_png(side: int = 300, seed: int = 1) -> bytes:
    """A PNG of random pixels (it does not compress, so its size is about side² × 3 bytes)."""
    rng = random.Random(seed)
    image = Image.frombytes("RGB", (side, side), bytes(rng.getrandbits(8) for _ in range(side * side * 3)))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def b64(text: str | bytes) -> str:
    return base64.b64encode(text.encode() if isinstance(text, str) else text).decode()


def tus(headers: dict[str, str], **extra: str) -> dict[str, str]:
    return {**headers, "Tus-Resumable": "1.0.0", **extra}


class Uploader:
    """The phone's side of tus: create, HEAD, PATCH chunks with checksums."""

    def __init__(self, client, headers: dict[str, str], data: bytes) -> None:  # noqa: ANN001
        self.client, self.headers, self.data = client, headers, data
        self.sha256 = hashlib.sha256(data).hexdigest()
        self.url: str | None = None
        self.chunks_sent = 0

    def create(self, declared: str | None = None):  # noqa: ANN201
        metadata = f"sha256 {b64(declared or self.sha256)},filename {b64('门牌.png')}"
        response = self.client.post(
            BASE,
            headers=tus(self.headers, **{"Upload-Length": str(len(self.data)), "Upload-Metadata": metadata}),
        )
        self.url = response.headers.get("Location")
        return response

    def offset(self) -> int:
        response = self.client.head(self.url, headers=tus(self.headers))
        assert response.status_code == 200, response.status_code
        return int(response.headers["Upload-Offset"])

    def patch(self, offset: int, chunk: bytes, stream=None, checksum: bytes | None = None):  # noqa: ANN001, ANN201
        self.chunks_sent += 1
        headers = tus(self.headers, **{
            "Upload-Offset": str(offset),
            "Upload-Checksum": "sha256 " + b64(checksum or hashlib.sha256(chunk).digest()),
            "Content-Type": "application/offset+octet-stream",
        })  # fmt: skip
        if stream is None:
            return self.client.patch(self.url, data=chunk, headers=headers)
        return self.client.patch(
            self.url, input_stream=stream, headers={**headers, "Content-Length": str(len(chunk))}
        )

    def send_from(self, offset: int, size: int = CHUNK) -> int:
        while offset < len(self.data):
            response = self.patch(offset, self.data[offset : offset + size])
            assert response.status_code == 204, response.json
            offset = int(response.headers["Upload-Offset"])
        return offset


class CutStream(io.RawIOBase):
    """A request body whose connection drops after `limit` bytes."""

    def __init__(self, data: bytes, limit: int) -> None:
        self.data, self.limit, self.position = data, limit, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True  # werkzeug measures the body by seeking to its end and back

    def seek(self, offset: int, whence: int = 0) -> int:
        self.position = len(self.data) + offset if whence == 2 else offset
        return self.position

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer) -> int:  # noqa: ANN001
        if self.position >= self.limit:
            return 0
        size = min(len(buffer), self.limit - self.position)
        buffer[:size] = self.data[self.position : self.position + size]
        self.position += size
        return size


class StallingStream(CutStream):
    """A body that sends `limit` bytes, then hangs until released (a dead or very slow connection)."""

    def __init__(self, data: bytes, limit: int) -> None:
        super().__init__(data, len(data))
        self.stall_at, self.release = limit, threading.Event()

    def readinto(self, buffer) -> int:  # noqa: ANN001
        if self.position >= self.stall_at:
            self.release.wait(10)
            self.stall_at = len(self.data)
        size = min(len(buffer), self.stall_at - self.position)
        return super().readinto(memoryview(buffer)[:size]) if size else super().readinto(buffer)


@pytest.fixture
def uploader(field_client, headers_of):  # noqa: ANN001, ANN201
    return lambda data: Uploader(field_client, headers_of("assistant"), data)


def test_a_photo_arrives_in_chunks_and_is_stored_by_its_hash(field_app, uploader):
    photo = uploader(noise_png())
    created = photo.create()
    assert (
        created.status_code == 201
        and created.headers["Upload-Offset"] == "0"
        and created.headers["Tus-Resumable"] == "1.0.0"
    )
    assert photo.send_from(0) == len(photo.data)
    status = photo.client.get(photo.url, headers=tus(photo.headers)).json
    assert status["complete"] is True and status["offset"] == len(photo.data)
    with field_app.app_context():
        assert db.session.get(StoredFile, photo.sha256).content_type == "image/png"
    again = uploader(photo.data).create()
    assert again.status_code == 201 and again.headers["Upload-Offset"] == str(len(photo.data))


def test_uploads_cut_at_random_offsets_resume_and_end_with_the_right_hash(field_app, uploader):
    rng = random.Random(20260501)
    photo = uploader(noise_png(seed=2))
    photo.create()
    offset, cuts = 0, 0
    while offset < len(photo.data):
        chunk = photo.data[offset : offset + CHUNK]
        if cuts < 6 and rng.random() < 0.6:
            cut_at = rng.randrange(0, len(chunk))
            response = photo.patch(offset, chunk, stream=CutStream(chunk, cut_at))
            assert response.status_code == 400 and response.json["code"] == "bad_request"
            cuts += 1
            assert photo.offset() == offset  # a cut chunk never counts, so it is the only one re-sent
            continue
        response = photo.patch(offset, chunk)
        assert response.status_code == 204
        offset = int(response.headers["Upload-Offset"])
    assert cuts == 6 and photo.chunks_sent == -(-len(photo.data) // CHUNK) + cuts
    with field_app.app_context():
        stored = db.session.get(StoredFile, photo.sha256)
        from app.services.storage import read_bytes

        assert hashlib.sha256(read_bytes(stored.storage_key)).hexdigest() == photo.sha256


def test_wrong_offsets_and_checksums_are_refused_with_the_servers_offset(uploader):
    photo = uploader(noise_png(seed=3))
    photo.create()
    photo.patch(0, photo.data[:CHUNK])
    ahead = photo.patch(2 * CHUNK, photo.data[2 * CHUNK : 3 * CHUNK])
    assert (ahead.status_code, ahead.json["code"], ahead.headers["Upload-Offset"]) == (
        409,
        "upload_offset_mismatch",
        str(CHUNK),
    )
    corrupt = photo.patch(CHUNK, photo.data[CHUNK : 2 * CHUNK], checksum=hashlib.sha256(b"other").digest())
    assert (corrupt.status_code, corrupt.json["code"]) == (460, "checksum_mismatch")
    assert photo.offset() == CHUNK
    no_checksum = photo.client.patch(photo.url, data=b"x", headers=tus(photo.headers, **{
        "Upload-Offset": str(CHUNK), "Content-Type": "application/offset+octet-stream"}))  # fmt: skip
    assert no_checksum.status_code == 400
    old_client = photo.client.patch(
        photo.url, data=b"x", headers={**photo.headers, "Upload-Offset": str(CHUNK)}
    )
    assert old_client.status_code == 412 and old_client.headers["Tus-Version"] == "1.0.0"


def test_a_file_that_is_not_what_was_declared_is_discarded(uploader):
    photo = uploader(noise_png(side=100, seed=4))
    photo.create(declared=hashlib.sha256(b"another file").hexdigest())
    response = photo.patch(0, photo.data)
    assert (response.status_code, response.json["code"]) == (422, "file_hash_mismatch")
    assert photo.offset() == 0


def test_a_dead_connection_cannot_hold_the_upload(make_app, headers_of, field_client):  # noqa: ARG001
    app = field_client.application
    app.config["FIELD_UPLOAD_LEASE_SECONDS"] = 1
    photo = Uploader(field_client, headers_of("assistant"), noise_png(side=120, seed=5))
    photo.create()
    stalled = StallingStream(photo.data, 1000)
    outcome = {}
    zombie = threading.Thread(
        target=lambda: outcome.update(response=photo.patch(0, photo.data, stream=stalled))
    )
    zombie.start()
    time.sleep(0.3)
    busy = photo.patch(0, photo.data)
    assert (busy.status_code, busy.json["code"]) == (423, "upload_locked")
    time.sleep(1.1)  # the zombie's lease runs out
    taken_over = photo.patch(0, photo.data)
    assert taken_over.status_code == 204 and taken_over.headers["Upload-Offset"] == str(len(photo.data))
    stalled.release.set()
    zombie.join(10)
    assert outcome["response"].status_code in (409, 423)
    assert photo.offset() == len(photo.data)


def test_expired_uploads_are_cleaned_by_the_job_and_terminated_ones_are_gone(field_app, uploader):
    stale, cancelled = uploader(noise_png(side=90, seed=6)), uploader(noise_png(side=90, seed=7))
    stale.create()
    stale.patch(0, stale.data[:1000])
    cancelled.create()
    assert cancelled.client.delete(cancelled.url, headers=tus(cancelled.headers)).status_code == 204
    assert cancelled.client.head(cancelled.url, headers=tus(cancelled.headers)).status_code == 404
    upload_id = stale.url.rsplit("/", 1)[1]
    with field_app.app_context():
        from app.jobs.sync_jobs import clean_expired_uploads
        from app.services.uploads import part_path

        assert part_path(upload_id).exists()
        db.session.get(FieldUpload, upload_id).expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert stale.client.head(stale.url, headers=tus(stale.headers)).status_code == 410
    with field_app.app_context():
        assert clean_expired_uploads() == 1
        assert db.session.get(FieldUpload, upload_id) is None and not part_path(upload_id).exists()


def test_a_record_shows_a_missing_attachment_until_its_photo_arrives(
    field_app, field_client, device_for, headers_of, uploader
):
    photo = uploader(noise_png(side=80, seed=8))
    phone = device_for("assistant")
    household = new_id()
    ref = {"sha256": photo.sha256, "kind": "house_photo"}
    phone.push([phone.op("household", household, {"village_code": VILLAGE}, attachments=[ref])])
    view = field_client.get(f"/api/field/records/household/{household}", headers=headers_of("reviewer")).json
    assert view["attachments"] == [{**ref, "missing": True}] and view["missing_attachments"] == 1
    photo.create()
    photo.send_from(0)
    view = field_client.get(f"/api/field/records/household/{household}", headers=headers_of("reviewer")).json
    assert view["attachments"] == [{**ref, "missing": False}] and view["missing_attachments"] == 0
    with field_app.app_context():
        attachment = db.session.scalar(select(Attachment).where(Attachment.sha256 == photo.sha256))
        assert (attachment.household_id, attachment.source, attachment.kind) == (
            household,
            "field",
            "house_photo",
        )
