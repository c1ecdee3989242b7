"""Error translation, log redaction, masking and field encryption (no database)."""

from __future__ import annotations

import pytest

from app.domain.masking import mask_account, mask_name, mask_phone
from app.errors import chinese_field_message, translate_errors
from app.logging_setup import redact
from app.security.crypto import Keyring


def test_marshmallow_messages_become_chinese():
    errors = {"name": ["Missing data for required field."], "items": {"0": {"amount": ["Not a valid number."]}}}
    assert translate_errors(errors) == {"name": ["此项必填"], "items": {"0": {"amount": ["应填写数字"]}}}
    assert chinese_field_message("Longer than maximum length 50.") == "内容太长，最多50个字"
    assert chinese_field_message("Something new from a library.") == "填写不正确"
    assert chinese_field_message("请填写姓名") == "请填写姓名"


@pytest.mark.parametrize(
    "text,expected",
    [
        ("id 11010519491231002X here", "id 110105********002X here"),
        ("phone 13912345678.", "phone 139****5678."),
        ("order 1234567890123456789012", "order 1234567890123456789012"),
    ],
)
def test_redaction(text, expected):
    assert redact(text) == expected


def test_masks():
    assert mask_name("张三丰") == "张*丰"
    assert mask_name("李四") == "李*"
    assert mask_name("欧阳小明") == "欧**明"
    assert mask_phone("13912345678") == "139****5678"
    assert mask_account("6222020200112233445") == "***************3445"


def test_encryption_round_trip_is_randomised_and_rotatable():
    old = Keyring.from_config("k1:" + "A" * 43, "lookup")
    first, second = old.encrypt("11010519491231002X"), old.encrypt("11010519491231002X")
    assert first != second and "11010519491231002X" not in first
    rotated = Keyring.from_config("k2:" + "B" * 43 + ",k1:" + "A" * 43, "lookup")
    assert rotated.decrypt(first) == "11010519491231002X"
    assert rotated.encrypt("x").startswith("k2$")
    assert old.lookup_hash("x") == rotated.lookup_hash("x") != Keyring.from_config("k1:" + "A" * 43, "other").lookup_hash("x")


def test_bad_keys_are_refused():
    with pytest.raises(ValueError):
        Keyring.from_config("short:abc", "lookup")
