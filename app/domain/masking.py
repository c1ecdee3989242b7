"""Masking of personal data for people who do not need to see all of it. Pure."""

from __future__ import annotations

from app.domain.id_numbers import mask_id_number

__all__ = ["mask_account", "mask_id_number", "mask_name", "mask_phone"]


def mask_phone(phone: str | None) -> str | None:
    """138****1234: enough for a person to recognise their own number."""
    if not phone or len(phone) < 7:
        return phone
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_name(name: str | None) -> str | None:
    """张*三 / 李*: the first and (for 3+ characters) last character kept."""
    if not name:
        return name
    if len(name) == 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_account(account: str | None) -> str | None:
    """Bank account with only its last four digits shown."""
    if not account:
        return account
    return "*" * max(len(account) - 4, 0) + account[-4:]
