"""Malformed, oversized and hostile input: always a 4xx with the one error body, never a 500."""

from __future__ import annotations

import io
import zlib

import pytest
from PIL import Image

from tests.support import id_number, jpeg_bytes, sign_in

BASE = "/api/resident/applications"


def assert_error_body(response, status: int, code: str | None = None) -> dict:  # noqa: ANN001
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    body = response.json
    assert set(body) == {"status", "code", "message", "errors"}
    assert body["status"] == status
    assert body["code"].replace("_", "").isalpha() and body["code"].islower()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"]), body["message"]
    if code:
        assert body["code"] == code
    return body


@pytest.fixture
def draft(client, wechat_control):  # noqa: ANN001, ANN201
    headers = sign_in(client, wechat_control)
    application_id = client.post(BASE, json={"program": "dibao"}, headers=headers).json["id"]
    return headers, f"{BASE}/{application_id}"


def test_routing_errors_use_the_one_body(client):
    assert_error_body(client.get("/api/no-such-thing"), 404, "not_found")
    assert_error_body(client.delete("/api/public/areas"), 405, "method_not_allowed")


def test_malformed_json(client, draft):
    headers, url = draft
    response = client.put(f"{url}/reason", data='{"reason": "x"', content_type="application/json", headers=headers)
    assert_error_body(response, 400, "malformed_json")


@pytest.mark.parametrize(
    "part,body,field",
    [
        ("reason", {"reason": 12345}, "reason"),
        ("consent", {"consent_to_verification": "maybe"}, "consent_to_verification"),
        ("income", {"items": "lots"}, "income"),
        ("income", {"items": [{"category": "wages", "amount": "-5"}]}, "income.0.amount"),
        ("income", {"items": [{"category": "wages", "amount": "5.555"}]}, "income.0.amount"),
        ("income", {"items": [{"category": "lottery", "amount": "5"}]}, "income.0.category"),
        ("applicant", {"phone": "12345"}, "applicant.phone"),
        ("applicant", {"household_type": "martian"}, "applicant.household_type"),
        ("applicant", {"area_code": "999999999999"}, "applicant.area_code"),
        ("bank", {"account": "abc"}, "bank.account"),
    ],
)
def test_wrong_types_and_values_are_named_by_their_form_path(client, draft, part, body, field):
    """Paths are absolute, as the submit check reports them, so a client shows each message at its field."""
    headers, url = draft
    errors = assert_error_body(client.put(f"{url}/{part}", json=body, headers=headers), 422, "validation_failed")["errors"]
    assert field in errors
    text = str(errors)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text), text


def test_a_json_array_instead_of_an_object(client, draft):
    headers, url = draft
    assert_error_body(client.put(f"{url}/reason", json=["reason"], headers=headers), 422)


def test_unknown_fields_are_refused(client, draft):
    headers, url = draft
    errors = assert_error_body(
        client.put(f"{url}/reason", json={"reason": "x", "is_admin": True}, headers=headers), 422
    )["errors"]
    assert "is_admin" in errors


def test_huge_strings_are_refused_not_truncated(client, draft):
    headers, url = draft
    errors = assert_error_body(client.put(f"{url}/reason", json={"reason": "穷" * 5000}, headers=headers), 422)["errors"]
    assert errors["reason"] == ["内容太长，最多1000个字"]


def test_a_body_over_the_json_limit_is_413(client, draft):
    headers, url = draft
    response = client.put(f"{url}/reason", data='{"reason": "' + "x" * 400_000 + '"}', content_type="application/json", headers=headers)
    assert_error_body(response, 413, "payload_too_large")


@pytest.mark.parametrize(
    "value,code_word",
    [
        ("34160219580314001", "18位"),  # 17 characters
        ("3416021958031400XX", "前17位"),
        ("991602195803140012", "地区代码"),
        ("341602195802300010", "出生日期"),  # 30 February
        ("341602209901010010", "出生日期"),  # in the future
    ],
)
def test_bad_id_numbers_say_what_is_wrong(client, draft, value, code_word):
    headers, url = draft
    errors = assert_error_body(client.put(f"{url}/applicant", json={"id_number": value}, headers=headers), 422)["errors"]
    assert code_word in errors["applicant.id_number"][0]


def test_one_wrong_digit_fails_the_check_digit(client, draft):
    headers, url = draft
    good = id_number()
    bad = good[:15] + str((int(good[15]) + 1) % 10) + good[16:]
    errors = assert_error_body(client.put(f"{url}/applicant", json={"id_number": bad}, headers=headers), 422)["errors"]
    assert "校验位" in errors["applicant.id_number"][0]
    fine = client.put(f"{url}/applicant", json={"id_number": good.lower()}, headers=headers)
    assert fine.status_code == 200


def _upload(client, url, headers, payload: bytes, name: str = "photo.jpg"):  # noqa: ANN001, ANN202
    return client.post(
        f"{url}/attachments",
        data={"kind": "id_card_portrait", "file": (io.BytesIO(payload), name)},
        headers=headers,
        content_type="multipart/form-data",
    )


def test_non_image_upload(client, draft):
    headers, url = draft
    body = assert_error_body(_upload(client, url, headers, b"%PDF-1.4 not a photo", "x.jpg"), 422, "not_an_image")
    assert "照片" in body["message"]


def test_truncated_jpeg(client, draft):
    headers, url = draft
    whole = jpeg_bytes(800, 600)
    assert_error_body(_upload(client, url, headers, whole[: len(whole) // 2]), 422, "not_an_image")


def test_oversized_upload_is_413(make_app, wechat_control):
    client = make_app(MAX_CONTENT_LENGTH=2 * 1024 * 1024).test_client()
    headers = sign_in(client, wechat_control)
    url = f"{BASE}/" + client.post(BASE, json={"program": "dibao"}, headers=headers).json["id"]
    assert_error_body(_upload(client, url, headers, b"\xff" * (3 * 1024 * 1024)), 413, "payload_too_large")


def _png_bomb(width: int, height: int) -> bytes:
    """A PNG header claiming huge dimensions with a tiny, highly compressed body."""
    import struct

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\x00" * width
    body = b"".join(compressor.compress(row) for _ in range(50)) + compressor.flush()
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def test_decompression_bomb_and_giant_png_are_refused_without_decoding(client, draft):
    headers, url = draft
    bomb = _png_bomb(20000, 20000)
    assert len(bomb) < 100_000
    assert_error_body(_upload(client, url, headers, bomb, "bomb.png"), 422, "image_too_large")


def test_gif_is_not_accepted(client, draft):
    headers, url = draft
    buffer = io.BytesIO()
    Image.new("P", (10, 10)).save(buffer, "GIF")
    assert_error_body(_upload(client, url, headers, buffer.getvalue(), "x.gif"), 422, "unsupported_image_type")


def test_missing_file_and_bad_kind(client, draft):
    headers, url = draft
    no_file = client.post(f"{url}/attachments", data={"kind": "id_card_portrait"}, headers=headers, content_type="multipart/form-data")
    assert_error_body(no_file, 422)
    bad_kind = client.post(
        f"{url}/attachments",
        data={"kind": "selfie_with_cat", "file": (io.BytesIO(jpeg_bytes()), "a.jpg")},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert "kind" in assert_error_body(bad_kind, 422)["errors"]


def test_wechat_server_id_download_and_failures(client, draft, wechat_control):
    headers, url = draft
    media_id = wechat_control.put_media(jpeg_bytes(120, 90))
    fetched = client.post(f"{url}/attachments/wechat", json={"kind": "id_card_portrait", "server_id": media_id}, headers=headers)
    assert fetched.status_code == 201 and fetched.json["source"] == "wechat"
    content = client.get(f"{url}/attachments/{fetched.json['id']}/content", headers=headers)
    assert content.status_code == 200 and content.mimetype == "image/jpeg"

    stale = client.post(f"{url}/attachments/wechat", json={"kind": "id_card_portrait", "server_id": "no-such-media"}, headers=headers)
    assert_error_body(stale, 422, "wechat_media_invalid")
    not_image = wechat_control.put_media(b"hello, not an image", content_type="image/jpeg")
    response = client.post(f"{url}/attachments/wechat", json={"kind": "other", "server_id": not_image}, headers=headers)
    assert_error_body(response, 422, "not_an_image")


def test_the_same_photo_twice_is_kept_once(client, draft):
    headers, url = draft
    photo = jpeg_bytes(100, 100)
    first = _upload(client, url, headers, photo)
    second = _upload(client, url, headers, photo)
    assert first.json["id"] == second.json["id"]
    assert len(client.get(f"{url}/attachments", headers=headers).json["items"]) == 1


def test_hostile_path_ids_are_plain_404s(client, draft):
    headers, _ = draft
    for bad in ("../../etc/passwd", "' OR 1=1 --", "x" * 500):
        response = client.get(f"{BASE}/{bad}", headers=headers)
        assert response.status_code == 404, bad


def test_a_nul_character_anywhere_is_refused_before_it_reaches_the_database(client, draft):
    headers, url = draft
    for response in (
        client.put(f"{url}/reason", json={"reason": "生活\u0000困难"}, headers=headers),
        client.put(f"{url}/members", json={"members": [{"name": "李\u0000四"}]}, headers=headers),
        client.get(url + "%00", headers=headers),
        client.get("/api/public/areas", query_string={"parent": "3416\u000002"}),
        client.get("/api/public/areas?parent=341602&parent=3416%0002"),  # in a repeated parameter
        client.get("/api/public/areas?par%00ent=341602"),  # in a parameter's name
        client.post(f"{url}/attachments", data={"kind": "other", "kind\u0000": "x"}, headers=headers),
    ):
        assert_error_body(response, 400, "invalid_characters")
    assert client.get(url, headers=headers).json["reason"] is None
