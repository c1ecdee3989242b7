"""Field helpers with limits and Chinese messages, so every schema bounds what it accepts."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from marshmallow import ValidationError, fields, validate

from app.domain.id_numbers import InvalidIdNumber, parse_id_number

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
_BANK_ACCOUNT = re.compile(r"^\d{12,30}$")


def text(max_length: int, **kwargs: Any) -> fields.String:
    """A trimmed string of at most `max_length` characters (plus any extra validators given)."""
    extra = kwargs.pop("validate", None)
    validators = [validate.Length(max=max_length, error=f"内容太长，最多{max_length}个字")]
    if extra is not None:
        validators.extend(extra if isinstance(extra, list) else [extra])
    return TrimmedString(validate=validators, **kwargs)


def choice(vocabulary: dict[Any, str], **kwargs: Any) -> fields.Field:
    """One key of a vocabulary."""
    keys = list(vocabulary)
    field_cls = fields.Integer if keys and isinstance(keys[0], int) else fields.String
    return field_cls(validate=validate.OneOf(keys, error="请从可选项中选择"), **kwargs)


def money(**kwargs: Any) -> fields.Decimal:
    """A non-negative amount in yuan with at most two decimals, sent and returned as a string."""
    metadata = {"type": "string", "example": "300.00", **kwargs.pop("metadata", {})}
    return Money(
        as_string=True,
        validate=validate.Range(min=0, max=100_000_000, error="金额应在0到1亿元之间"),
        metadata=metadata,
        **kwargs,
    )


class Money(fields.Decimal):
    """Yuan and fen: more than two decimals is a typing mistake to point out, not something to round away."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Decimal:
        amount = super()._deserialize(value, attr, data, **kwargs)
        if amount.as_tuple().exponent < -2 and amount != amount.quantize(_FEN):
            raise ValidationError("金额最多保留两位小数（到分）")
        return amount.quantize(_FEN)


_FEN = Decimal("0.01")


class TrimmedString(fields.String):
    """A string with surrounding white space removed and control characters refused."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        result = super()._deserialize(value, attr, data, **kwargs).strip()
        if any(ord(c) < 32 and c not in "\n\t" for c in result):
            raise ValidationError("含有不能识别的字符")
        return result


class IdNumber(fields.String):
    """A GB 11643 ID number: validated, normalised (full-width digits, lower-case x)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        raw = super()._deserialize(value, attr, data, **kwargs)
        if len(raw) > 40:
            raise ValidationError("身份证号码应为18位")
        try:
            return parse_id_number(raw).number
        except InvalidIdNumber as exc:
            raise ValidationError(exc.message) from exc


class Phone(fields.String):
    """A mainland mobile number or a landline with area code."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        raw = "".join(super()._deserialize(value, attr, data, **kwargs).split())
        raw = raw.removeprefix("+86")
        if not (_MOBILE.match(raw) or _LANDLINE.match(raw)):
            raise ValidationError("请填写11位手机号，或带区号的固定电话")
        return raw


class BankAccount(fields.String):
    """A bank card or account number: 12 to 30 digits (spaces allowed while typing)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        raw = "".join(super()._deserialize(value, attr, data, **kwargs).split())
        if not _BANK_ACCOUNT.match(raw):
            raise ValidationError("银行卡号应为12到30位数字")
        return raw
