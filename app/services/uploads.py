"""Resumable uploads of photos from the field (tus 1.0: core, creation, checksum, expiration, termination).

A phone on slow 3G declares the file (length, SHA-256), then sends it in chunks, each with its own
SHA-256 (`Upload-Checksum`), and asks for the offset (HEAD) after a dropped connection. A file the
server already has is complete at once. Each PATCH takes a lease on the upload (a lock with an
expiry, renewed while bytes flow) so two connections never write at once, and a dead one cannot hold
the upload forever. The chunk is written to its own file and appended to the partial file only when
it is whole, its checksum matches, the lease is still ours and the offset still the expected one;
the partial file is cut back to the committed offset first, so bytes of a crashed append never
count. When the last chunk arrives the whole file's SHA-256 is checked, the image is checked, the
file is stored by hash and the records that were waiting for it get their attachment.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import shutil
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any

from flask import current_app
from sqlalchemy import delete, event, select, update
from werkzeug.exceptions import ClientDisconnected

from app.errors import AppError, NotFound, ValidationFailed
from app.extensions import db
from app.models import FieldUpload, StoredFile
from app.models.types import utcnow
from app.services import sync_attachments
from app.services.actors import StaffActor
from app.services.attachments import store_file
from app.services.sync_outbox import add_job, kick_relay
from app.services.sync_store import dialect
from app.services.transaction import transaction

TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = "creation,checksum,expiration,termination"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_READ = 64 * 1024


class UploadError(AppError):
    """An upload failure that also sets tus headers (the body is still the one error body)."""

    def __init__(
        self, message: str | None = None, *, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(message, **kwargs)
        self.headers = headers or {}


class OffsetMismatch(UploadError):
    status, code, message = 409, "upload_offset_mismatch", "上传位置不一致，请从服务器给出的位置继续上传"


class ChecksumMismatch(UploadError):
    status, code, message = 460, "checksum_mismatch", "这一段数据在传输中损坏了，请重新上传这一段"


class UploadLocked(UploadError):
    status, code, message = 423, "upload_locked", "这个文件正在另一个连接中上传，请稍后再试"


class UploadExpired(UploadError):
    status, code, message = 410, "upload_expired", "上传已过期，请重新开始上传"


class FileHashMismatch(UploadError):
    status, code, message = 422, "file_hash_mismatch", "整个文件的校验值与声明的不一致，请重新上传"


def _config(name: str, default: Any) -> Any:
    return current_app.config.get(name, default)


def _partial_dir() -> Path:
    folder = Path(current_app.config["STORAGE_DIR"]) / "partial"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def part_path(upload_id: str) -> Path:
    """Where the bytes received so far are kept."""
    return _partial_dir() / f"{upload_id}.part"


def _after_commit(action: Any) -> None:
    """Run `action` once the current transaction commits (forgotten if it rolls back)."""
    session = db.session()

    def run(_session: Any) -> None:
        action()

    def forget(_session: Any) -> None:
        if event.contains(session, "after_commit", run):
            event.remove(session, "after_commit", run)

    event.listen(session, "after_commit", run, once=True)
    event.listen(session, "after_rollback", forget, once=True)


def _expiry(now: datetime) -> datetime:
    return now + timedelta(seconds=_config("FIELD_UPLOAD_TTL_SECONDS", 24 * 3600))


def parse_metadata(header: str | None) -> dict[str, str]:
    """`Upload-Metadata: key base64,key2 base64` as a dict (values decoded as UTF-8)."""
    values: dict[str, str] = {}
    for pair in (header or "").split(","):
        key, _, encoded = pair.strip().partition(" ")
        if not key:
            continue
        try:
            values[key] = base64.b64decode(encoded.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise ValidationFailed(errors={"Upload-Metadata": [f"{key}: 不是有效的 base64"]}) from exc
    return values


def create_upload(actor: StaffActor, length: int, sha256: str) -> FieldUpload:
    """Start (or resume) an upload; a file already stored is complete at once."""
    limit = _config("FIELD_UPLOAD_MAX_BYTES", current_app.config["MAX_CONTENT_LENGTH"])
    if not 0 < length <= limit:
        raise AppError(f"文件不能超过{limit // (1024 * 1024)}MB", code="payload_too_large", status=413)
    if not _SHA256.match(sha256):
        raise ValidationFailed(errors={"Upload-Metadata": ["sha256: 应为64位小写十六进制"]})
    now = utcnow()
    if db.session.get(StoredFile, sha256) is not None:
        upload = FieldUpload(id=str(uuid.uuid4()), staff_id=actor.staff_id, sha256=sha256, length=length,
                             offset=length, expires_at=_expiry(now), completed_at=now)  # fmt: skip
        db.session.add(upload)
        db.session.flush()
        return upload
    existing = db.session.scalar(
        select(FieldUpload)
        .where(
            FieldUpload.staff_id == actor.staff_id, FieldUpload.sha256 == sha256, FieldUpload.length == length
        )
        .where(FieldUpload.completed_at.is_(None), FieldUpload.expires_at > now)
        .order_by(FieldUpload.created_at.desc())
        .limit(1)
    )
    if existing is not None:
        return existing
    upload = FieldUpload(
        id=str(uuid.uuid4()),
        staff_id=actor.staff_id,
        sha256=sha256,
        length=length,
        offset=0,
        expires_at=_expiry(now),
    )
    db.session.add(upload)
    add_job("clean_uploads", [], f"clean-uploads-{now:%Y%m%d%H}")
    db.session.flush()
    return upload


def upload_of(actor: StaffActor, upload_id: str, lock: bool = False) -> FieldUpload:
    """The actor's upload; someone else's or unknown → 404, expired and unfinished → 410."""
    query = select(FieldUpload).where(FieldUpload.id == upload_id)
    if lock and dialect() == "postgresql":
        query = query.with_for_update()
    upload = db.session.scalar(query) if len(upload_id) <= 36 else None
    if upload is None or upload.staff_id != actor.staff_id:
        raise NotFound("没有找到这个上传", code="upload_not_found")
    if upload.completed_at is None and upload.expires_at <= utcnow():
        raise UploadExpired()
    return upload


def parse_checksum(header: str | None) -> bytes:
    """`Upload-Checksum: sha256 <base64 digest>` → the digest; required for every chunk."""
    if not header:
        raise UploadError(
            "每一段数据都需要附带校验值（Upload-Checksum）", code="checksum_required", status=400
        )
    algorithm, _, encoded = header.strip().partition(" ")
    if algorithm.lower() != "sha256":
        raise UploadError("只支持 sha256 校验", code="checksum_algorithm_unsupported", status=400)
    try:
        digest = base64.b64decode(encoded.strip(), validate=True)
    except binascii.Error as exc:
        raise UploadError("校验值不是有效的 base64", code="checksum_invalid", status=400) from exc
    if len(digest) != 32:
        raise UploadError("校验值长度不对", code="checksum_invalid", status=400)
    return digest


def _acquire(actor: StaffActor, upload_id: str, offset: int, size: int) -> str:
    """Take the upload's lease if it is free (or its holder's lease ran out); returns our token."""
    upload = upload_of(actor, upload_id)
    if offset != upload.offset or upload.completed_at is not None:
        raise OffsetMismatch(headers={"Upload-Offset": str(upload.offset)})
    if offset + size > upload.length:
        raise AppError("这一段超出了文件的长度", code="upload_length_exceeded", status=413)
    token, now = str(uuid.uuid4()), utcnow()
    lease = timedelta(seconds=_config("FIELD_UPLOAD_LEASE_SECONDS", 60))
    free = (FieldUpload.lock_token.is_(None)) | (FieldUpload.locked_until < now)
    taken = db.session.execute(
        update(FieldUpload)
        .where(FieldUpload.id == upload_id, free)
        .values(lock_token=token, locked_until=now + lease)
    ).rowcount
    if not taken:
        raise UploadLocked()
    return token


def _renew(upload_id: str, token: str) -> None:
    lease = timedelta(seconds=_config("FIELD_UPLOAD_LEASE_SECONDS", 60))
    with transaction():
        renewed = db.session.execute(
            update(FieldUpload)
            .where(FieldUpload.id == upload_id, FieldUpload.lock_token == token)
            .values(locked_until=utcnow() + lease)
        ).rowcount
    if not renewed:
        raise UploadLocked("上传的锁已被另一个连接接管", code="upload_lock_lost")


def _release(upload_id: str, token: str) -> None:
    with transaction():
        db.session.execute(
            update(FieldUpload)
            .where(FieldUpload.id == upload_id, FieldUpload.lock_token == token)
            .values(lock_token=None, locked_until=None)
        )


def _receive(upload_id: str, token: str, stream: IO[bytes], size: int, digest: bytes) -> Path:
    """Stream the chunk into its own file, renewing the lease; check its length and checksum."""
    chunk = _partial_dir() / f"{upload_id}.{token}.chunk"
    hasher, received = hashlib.sha256(), 0
    lease = _config("FIELD_UPLOAD_LEASE_SECONDS", 60)
    renewed_at = time.monotonic()
    try:
        with chunk.open("wb") as handle:
            while received < size:
                data = stream.read(min(_READ, size - received))
                if not data:
                    break
                handle.write(data)
                hasher.update(data)
                received += len(data)
                if time.monotonic() - renewed_at > lease / 3:
                    _renew(upload_id, token)
                    renewed_at = time.monotonic()
        if received != size:
            raise ClientDisconnected()
        if hasher.digest() != digest:
            raise ChecksumMismatch()
    except BaseException:
        chunk.unlink(missing_ok=True)
        raise
    return chunk


def _append(upload: FieldUpload, chunk: Path) -> None:
    path = part_path(upload.id)
    with path.open("r+b" if path.exists() else "w+b") as target:
        target.truncate(upload.offset)  # bytes of an append that crashed before its commit never count
        target.seek(upload.offset)
        with chunk.open("rb") as source:
            shutil.copyfileobj(source, target, _READ)
        target.flush()
        os.fsync(target.fileno())


def _file_sha256(path: Path) -> str:
    hasher = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            hasher.update(block)
    return hasher.hexdigest()


def _commit(
    actor: StaffActor, upload_id: str, token: str, offset: int, chunk: Path
) -> tuple[FieldUpload, AppError | None]:
    """Append a checked chunk if the lease and offset are still ours; complete the file at its end."""
    upload = upload_of(actor, upload_id, lock=True)
    if upload.lock_token != token:
        raise UploadLocked("上传的锁已被另一个连接接管", code="upload_lock_lost")
    if upload.offset != offset:
        raise OffsetMismatch(headers={"Upload-Offset": str(upload.offset)})
    _append(upload, chunk)
    upload.offset += chunk.stat().st_size
    upload.lock_token, upload.locked_until = None, None
    upload.expires_at = _expiry(utcnow())
    problem = _complete(upload) if upload.offset == upload.length else None
    db.session.flush()
    return upload, problem


def _complete(upload: FieldUpload) -> AppError | None:
    """Check the whole file and store it by hash; a wrong file is discarded and the upload starts over."""
    path = part_path(upload.id)
    if _file_sha256(path) != upload.sha256:
        upload.offset = 0
        path.unlink(missing_ok=True)
        return FileHashMismatch(headers={"Upload-Offset": "0"})
    try:
        with db.session.begin_nested():
            stored = store_file(path.read_bytes())
    except AppError as problem:  # not an image we accept: nothing to resume
        upload.offset = 0
        path.unlink(missing_ok=True)
        return problem
    upload.completed_at = utcnow()
    upload.content_type = stored.content_type
    sync_attachments.file_arrived(stored.sha256)
    _after_commit(lambda: path.unlink(missing_ok=True))
    return None


def patch_upload(
    actor: StaffActor, upload_id: str, offset: int, size: int, checksum: str | None, stream: IO[bytes]
) -> FieldUpload:
    """Receive one chunk: lease, stream, check, append (three short transactions; the lease spans them)."""
    digest = parse_checksum(checksum)
    with transaction():
        token = _acquire(actor, upload_id, offset, size)
    try:
        chunk = _receive(upload_id, token, stream, size, digest)
    except BaseException:
        _release(upload_id, token)
        raise
    try:
        with transaction():
            upload, problem = _commit(actor, upload_id, token, offset, chunk)
    except BaseException:
        _release(upload_id, token)
        raise
    finally:
        chunk.unlink(missing_ok=True)
    kick_relay()
    if problem is not None:
        raise problem
    return upload


def terminate_upload(actor: StaffActor, upload_id: str) -> None:
    """Cancel an upload and free its space (refused while another connection holds the lease)."""
    upload = upload_of(actor, upload_id, lock=True)
    if upload.lock_token and upload.locked_until and upload.locked_until > utcnow():
        raise UploadLocked()
    db.session.delete(upload)
    db.session.flush()
    _after_commit(lambda: part_path(upload_id).unlink(missing_ok=True))


def clean_expired_uploads(now: datetime | None = None) -> int:
    """Delete unfinished uploads past their expiry (and their bytes), and old finished rows; returns how many."""
    now = now or utcnow()
    free = (FieldUpload.locked_until.is_(None)) | (FieldUpload.locked_until < now)
    expired = list(db.session.scalars(select(FieldUpload.id).where(FieldUpload.expires_at < now, free)))
    if expired:
        db.session.execute(delete(FieldUpload).where(FieldUpload.id.in_(expired)))
    folder = _partial_dir()
    ids = set(expired)

    def remove_files() -> None:
        for path in folder.iterdir():
            upload_id = path.name.split(".", 1)[0]
            stale_chunk = path.suffix == ".chunk" and path.stat().st_mtime < now.timestamp() - 3600
            if upload_id in ids or stale_chunk:
                path.unlink(missing_ok=True)

    _after_commit(remove_files)
    db.session.flush()
    return len(expired)
