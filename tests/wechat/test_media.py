"""Downloading wx.uploadImage media: success, invalid or expired media_id, size limit."""

from __future__ import annotations

import hashlib

import pytest

from app.wechat.errors import MediaInvalid, MediaTooLarge

JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40 + b"\xff\xd9"


def test_download_returns_the_uploaded_bytes(gateway, control):
    media_id = control.put_media(JPEG, "image/jpeg")

    assert gateway.download_media(media_id) == JPEG
    media = gateway.fetch_media(media_id)
    assert media.content_type == "image/jpeg"
    assert media.filename == f"{media_id}.jpg"
    assert media.sha256 == hashlib.sha256(JPEG).hexdigest()


def test_invalid_media_id_is_an_error(gateway):
    with pytest.raises(MediaInvalid) as caught:
        gateway.download_media("no-such-media")
    assert caught.value.errcode == 40007


def test_media_is_kept_three_days(gateway, control, clock):
    media_id = control.put_media(JPEG)
    clock.advance(3 * 24 * 3600 - 1)
    assert gateway.download_media(media_id) == JPEG

    clock.advance(1)
    with pytest.raises(MediaInvalid):
        gateway.download_media(media_id)


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_oversize_media_is_refused(make_gateway, control, chunked):
    gateway = make_gateway(max_media_bytes=64 * 1024)
    media_id = control.put_media(b"\xff\xd8" + b"\0" * 300_000, "image/jpeg", chunked=chunked)

    with pytest.raises(MediaTooLarge):
        gateway.download_media(media_id)


def test_media_at_the_limit_is_accepted(make_gateway, control):
    gateway = make_gateway(max_media_bytes=len(JPEG))
    media_id = control.put_media(JPEG, chunked=True)

    assert gateway.download_media(media_id) == JPEG


def test_rejected_token_during_download_is_refreshed(gateway, control):
    media_id = control.put_media(JPEG)
    gateway.access_token()
    control.revoke_tokens()

    assert gateway.download_media(media_id) == JPEG
    assert control.request_count("cgi-bin/stable_token") == 2


def test_json_error_with_an_image_content_type_is_still_an_error(gateway, control):
    media_id = control.put_media(b'{"errcode":40007,"errmsg":"invalid media_id"}', "image/jpeg")

    with pytest.raises(MediaInvalid):
        gateway.download_media(media_id)
