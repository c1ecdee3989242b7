"""Attaching photos to an application: direct upload or a WeChat serverId, stored by SHA-256."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from app.errors import AppError, NotFound, ServiceUnavailable
from app.extensions import db
from app.models import Application, Attachment, StoredFile
from app.services.actors import ResidentActor
from app.services.applications import application_for_resident, editable_application
from app.services.id_photo_reads import read_if_id_card
from app.services.images import inspect_image
from app.services.storage import put_bytes, read_bytes, sha256_hex
from app.services.transaction import add_unless_duplicate
from app.wechat.errors import GatewayError, MediaInvalid, MediaTooLarge, WeChatUnavailable
from app.wechat_client import wechat


def store_file(data: bytes) -> StoredFile:
    """Check the image and store it once by hash; the same bytes again return the same row."""
    sha = sha256_hex(data)
    stored = db.session.get(StoredFile, sha)
    if stored is not None:
        return stored
    config = current_app.config
    info = inspect_image(data, config["MAX_IMAGE_PIXELS"], config["MAX_IMAGE_SIDE"])
    key = put_bytes(data, sha)
    stored = StoredFile(
        sha256=sha, size=len(data), content_type=info.content_type, storage_key=key, width=info.width, height=info.height
    )
    if not add_unless_duplicate(stored):  # the same photo arrived twice at once: the other request stored it
        return db.session.get(StoredFile, sha)
    return stored


def attach_upload(actor: ResidentActor, application_id: str, kind: str, data: bytes, source: str = "upload") -> Attachment:
    """Attach uploaded bytes to an editable application (the same photo twice is attached once).

    ID-card photos are also read by OCR in the background, once per photo (see `id_photo_reads`).
    """
    application = editable_application(actor, application_id)
    stored = store_file(data)
    existing = db.session.scalar(
        select(Attachment).where(
            Attachment.application_id == application.id, Attachment.kind == kind, Attachment.sha256 == stored.sha256
        )
    )
    if existing is not None:
        read_if_id_card(existing)
        return existing
    attachment = Attachment(
        application_id=application.id,
        household_id=application.household_id,
        kind=kind,
        sha256=stored.sha256,
        size=stored.size,
        source=source,
        uploaded_by_account_id=actor.account_id,
    )
    db.session.add(attachment)
    db.session.flush()
    read_if_id_card(attachment)
    return attachment


def download_wechat_photo(server_id: str) -> bytes:
    """The bytes of a wx.uploadImage serverId, fetched now (WeChat keeps it 3 days); errors in plain words."""
    try:
        return wechat().download_media(server_id)
    except MediaInvalid as exc:
        raise AppError("照片已过期或无效，请重新选择照片上传", code="wechat_media_invalid", status=422) from exc
    except MediaTooLarge as exc:
        raise AppError("照片太大了，请换一张小一些的照片", code="payload_too_large", status=413) from exc
    except (WeChatUnavailable, GatewayError) as exc:
        raise ServiceUnavailable("暂时无法从微信取回照片，请稍后再试", code="wechat_unavailable") from exc


def attach_wechat_media(actor: ResidentActor, application_id: str, kind: str, server_id: str) -> Attachment:
    """Download a wx.uploadImage serverId from WeChat now (it expires in 3 days) and attach it."""
    editable_application(actor, application_id)
    return attach_upload(actor, application_id, kind, download_wechat_photo(server_id), source="wechat")


def attachments_of(actor: ResidentActor, application_id: str) -> list[Attachment]:
    """The attachments of an application the resident may see."""
    application = application_for_resident(actor, application_id)
    return list(
        db.session.scalars(
            select(Attachment).where(Attachment.application_id == application.id).order_by(Attachment.created_at)
        )
    )


def attachment_content(actor: ResidentActor, application_id: str, attachment_id: str) -> tuple[bytes, str]:
    """The bytes and content type of one attachment of a visible application."""
    application: Application = application_for_resident(actor, application_id)
    attachment = db.session.get(Attachment, attachment_id) if len(attachment_id) <= 36 else None
    if attachment is None or attachment.application_id != application.id:
        raise NotFound("没有找到这个附件", code="attachment_not_found")
    stored = db.session.get(StoredFile, attachment.sha256)
    return read_bytes(stored.storage_key), stored.content_type


def remove_attachment(actor: ResidentActor, application_id: str, attachment_id: str) -> None:
    """Detach a photo from a draft (the stored file stays: others may share it)."""
    application = editable_application(actor, application_id)
    attachment = db.session.get(Attachment, attachment_id) if len(attachment_id) <= 36 else None
    if attachment is None or attachment.application_id != application.id:
        raise NotFound("没有找到这个附件", code="attachment_not_found")
    db.session.delete(attachment)
    db.session.flush()
