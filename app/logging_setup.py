"""Logging that cannot leak ID numbers or phone numbers, whatever a message contains."""

from __future__ import annotations

import logging
import re

_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def redact(text: str) -> str:
    """Mask anything shaped like an ID number or a mobile number."""
    return _PHONE.sub(r"\1****\2", _ID_NUMBER.sub(r"\1********\2", text))


class RedactingFilter(logging.Filter):
    """Rewrites each record's final message with `redact`, so arguments are covered too."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def configure_logging(level: int = logging.INFO) -> None:
    """Install one stream handler with the redacting filter on the root logger (once)."""
    root = logging.getLogger()
    if any(isinstance(f, RedactingFilter) for h in root.handlers for f in h.filters):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root.addHandler(handler)
    if root.level == logging.WARNING or root.level == logging.NOTSET:
        root.setLevel(level)
