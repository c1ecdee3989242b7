"""One JSON error body everywhere: {"status", "code", "message", "errors"}.

`code` is a stable snake_case key clients branch on; `message` is plain Chinese a resident can read.
Services raise AppError subclasses; routing, body parsing and validation errors from Flask, webargs
and marshmallow are turned into the same shape here, and anything unexpected becomes a 500 whose
body says nothing about the internals.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

import marshmallow as ma
from flask import Flask, has_request_context, jsonify, request
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class AppError(Exception):
    """A failure the client should be told about."""

    status = 400
    code = "bad_request"
    message = "请求有误"

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        status: int | None = None,
        errors: dict[str, Any] | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message or self.message)
        self.message = message or self.message
        self.code = code or self.code
        self.status = status or self.status
        self.errors = errors or {}
        self.detail = detail


class NotSignedIn(AppError):
    status, code, message = 401, "not_signed_in", "请先登录"


class Forbidden(AppError):
    status, code, message = 403, "forbidden", "您没有权限进行这个操作"


class NotFound(AppError):
    status, code, message = 404, "not_found", "没有找到您要的内容"


class Conflict(AppError):
    status, code, message = 409, "conflict", "当前状态下不能这样操作"


class ValidationFailed(AppError):
    status, code, message = 422, "validation_failed", "填写的内容有问题，请按提示修改"


class TooManyRequests(AppError):
    status, code, message = 429, "too_many_requests", "操作太频繁了，请稍后再试"


class ServiceUnavailable(AppError):
    status, code, message = 503, "service_unavailable", "服务暂时不可用，请稍后再试"


_HTTP_CODES: dict[int, tuple[str, str]] = {
    400: ("bad_request", "请求格式不正确"),
    401: ("not_signed_in", "请先登录"),
    403: ("forbidden", "您没有权限进行这个操作"),
    404: ("not_found", "没有找到您要的页面或内容"),
    405: ("method_not_allowed", "不支持这种操作方式"),
    406: ("not_acceptable", "无法提供这种格式的内容"),
    409: ("conflict", "当前状态下不能这样操作"),
    411: ("length_required", "请求缺少长度信息"),
    413: ("payload_too_large", "提交的内容太大了；照片请不要超过10MB"),
    415: ("unsupported_media_type", "不支持这种内容格式"),
    422: ("validation_failed", "填写的内容有问题，请按提示修改"),
    429: ("too_many_requests", "操作太频繁了，请稍后再试"),
    500: ("internal_error", "系统暂时出了点问题，请稍后再试"),
}

# marshmallow's English messages, as a resident should read them.
_FIELD_MESSAGES = {
    "Missing data for required field.": "此项必填",
    "Unknown field.": "不认识这一项，请不要提交它",
    "Field may not be null.": "此项不能为空",
    "Not a valid string.": "应填写文字",
    "Not a valid integer.": "应填写整数",
    "Not a valid number.": "应填写数字",
    "Not a valid decimal.": "应填写金额数字",
    "Not a valid boolean.": "应选择是或否",
    "Not a valid date.": "日期格式应为 年-月-日，例如 2024-05-01",
    "Not a valid datetime.": "时间格式不正确",
    "Not a valid list.": "应为一组内容",
    "Not a valid mapping type.": "数据格式不正确",
    "Invalid input type.": "数据格式不正确",
    "Invalid value.": "填写不正确",
    "Special numeric values (nan or infinity) are not permitted.": "应填写普通数字",
}
_PATTERNS = [
    (re.compile(r"^Longer than maximum length (\d+)\.$"), "内容太长，最多{0}个字"),
    (re.compile(r"^Shorter than minimum length (\d+)\.$"), "内容太短，至少{0}个字"),
    (re.compile(r"^Length must be between (\d+) and (\d+)\.$"), "长度应在{0}到{1}之间"),
    (re.compile(r"^Must be one of: .*\.$"), "请从可选项中选择"),
    (re.compile(r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$"), "应在{0}到{1}之间"),
    (re.compile(r"^Must be greater than or equal to (\S+)\.$"), "不能小于{0}"),
    (re.compile(r"^Must be less than or equal to (\S+)\.$"), "不能大于{0}"),
    (re.compile(r"^Must be greater than (\S+)\.$"), "应大于{0}"),
]


def chinese_field_message(message: str) -> str:
    """Translate one marshmallow message; our own messages (already Chinese) pass through."""
    if message in _FIELD_MESSAGES:
        return _FIELD_MESSAGES[message]
    for pattern, template in _PATTERNS:
        match = pattern.match(message)
        if match:
            return template.format(*match.groups())
    return message if not message.isascii() else "填写不正确"


def translate_errors(errors: Any) -> Any:
    """Translate a marshmallow error structure (nested dicts and lists) message by message."""
    if isinstance(errors, dict):
        return {str(key): translate_errors(value) for key, value in errors.items()}
    if isinstance(errors, list):
        return [translate_errors(item) for item in errors]
    if isinstance(errors, str):
        return chinese_field_message(errors)
    return errors


def flatten_errors(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """Nested marshmallow errors as flat dotted paths: {"items": {0: {"amount": [...]}}} → {"items.0.amount": [...]}."""
    if isinstance(errors, dict):
        flat: dict[str, list[str]] = {}
        for key, value in errors.items():
            path = prefix if key == "_schema" and prefix else f"{prefix}.{key}" if prefix else str(key)
            for inner_path, messages in flatten_errors(value, path).items():
                flat.setdefault(inner_path, []).extend(messages)
        return flat
    if isinstance(errors, list) and all(isinstance(item, str) for item in errors):
        return {prefix or "_schema": list(errors)}
    if isinstance(errors, list):
        return flatten_errors(dict(enumerate(errors)), prefix)
    return {prefix or "_schema": [str(errors)]}


# Endpoints whose body is one section of a larger form register how their paths read in that form.
_ERROR_PATHS: dict[str, Callable[[str], str]] = {}


def register_error_paths(endpoint: str, to_form_path: Callable[[str], str]) -> None:
    """Report validation errors of `endpoint` under the form's absolute paths (as the submit check does)."""
    _ERROR_PATHS[endpoint] = to_form_path


def _form_paths(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    mapper = _ERROR_PATHS.get(request.endpoint or "") if has_request_context() else None
    return {mapper(path): messages for path, messages in errors.items()} if mapper else errors


def error_body(status: int, code: str, message: str, errors: dict[str, Any] | None = None) -> dict[str, Any]:
    """The one error body."""
    return {"status": status, "code": code, "message": message, "errors": errors or {}}


def _respond(status: int, code: str, message: str, errors: dict[str, Any] | None = None, headers=None):  # noqa: ANN001, ANN202
    response = jsonify(error_body(status, code, message, errors))
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def handle_app_error(error: AppError):  # noqa: ANN201
    """Render a service-raised AppError."""
    errors = dict(error.errors)
    if error.detail:
        errors["detail"] = error.detail
    return _respond(error.status, error.code, error.message, errors)


def handle_http_exception(error: HTTPException):  # noqa: ANN201
    """Render routing, parsing and webargs validation errors in the one body."""
    status = error.code or 500
    code, message = _HTTP_CODES.get(status, ("http_error", "请求没有成功"))
    data = getattr(error, "data", None) or {}
    errors: dict[str, Any] = {}
    messages = data.get("messages") or data.get("errors")
    if isinstance(messages, dict):
        if set(messages) == {"json"} and messages["json"] == ["Invalid JSON body."]:
            code, message = "malformed_json", "提交的数据不是有效的 JSON 格式"
        else:
            # webargs nests by location ("json", "query", "files"); one location is the common case.
            nested = next(iter(messages.values())) if len(messages) == 1 else messages
            errors = _form_paths(flatten_errors(translate_errors(nested)))
    headers = {k: v for k, v in (data.get("headers") or {}).items()}
    valid_methods = getattr(error, "valid_methods", None)
    if status == 405 and valid_methods:
        headers["Allow"] = ", ".join(valid_methods)
    return _respond(status, code, message, errors, headers)


def handle_validation_error(error: ma.ValidationError):  # noqa: ANN201
    """A schema used directly in a service raised: same 422 body."""
    return _respond(422, "validation_failed", _HTTP_CODES[422][1], flatten_errors(translate_errors(error.messages)))


def handle_stale_data(error: Exception):  # noqa: ANN201
    """Two saves of the same record crossed (optimistic version check): ask to reload, lose nothing silently."""
    return _respond(409, "changed_meanwhile", "内容刚刚被修改过，请刷新后再试")


def handle_unexpected(error: Exception):  # noqa: ANN201
    """Log the failure with its traceback and answer without revealing internals."""
    log.exception("unhandled error: %s", type(error).__name__)
    return _respond(500, *_HTTP_CODES[500])


def register_error_handlers(app: Flask) -> None:
    """Install the handlers on an app (after flask-smorest, so ours win)."""
    app.register_error_handler(AppError, handle_app_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(ma.ValidationError, handle_validation_error)
    app.register_error_handler(StaleDataError, handle_stale_data)
    app.register_error_handler(Exception, handle_unexpected)
