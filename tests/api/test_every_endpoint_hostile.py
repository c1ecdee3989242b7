"""Every endpoint in the OpenAPI document, fed hostile input by every kind of caller: never a 500.

The document is the list of endpoints, so an endpoint added later is covered without touching this file.
Each operation gets hostile path values, malformed and mistyped bodies and query strings, as an anonymous
caller, a resident and staff of several roles; every answer must be below 500 and every error must be the
one body with a stable code and a Chinese message.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.support import sign_in, staff_headers

HOSTILE_PATH_VALUES = ("x" * 300, "00000000-0000-0000-0000-000000000000", "1 OR 1=1", "-1", "%00", "９", "..")
HUGE = "很" * 20_000
CODE = re.compile(r"^[a-z][a-z0-9_]*$")


def _operations(client) -> list[tuple[str, str, dict[str, Any]]]:  # noqa: ANN001
    spec = client.get("/api/openapi.json").json
    found = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                found.append((method.upper(), path, operation))
    return sorted(found, key=lambda t: (t[1], t[0]))


def _schema_of(spec: dict[str, Any], schema: dict[str, Any] | None) -> dict[str, Any]:
    while schema and "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema or {}


def _mistyped(value_schema: dict[str, Any]) -> Any:
    kind = value_schema.get("type")
    return {"string": 12345, "integer": "十二", "number": "很多", "boolean": "也许", "array": {"a": 1}}.get(
        kind, ["not", "an", "object"]
    )


def _bodies(spec: dict[str, Any], operation: dict[str, Any]) -> list[tuple[str, Any]]:
    """(content type, body) pairs: not JSON, the wrong JSON shape, each field mistyped or huge."""
    bodies: list[tuple[str, Any]] = [
        ("application/json", b"{not json"),
        ("application/json", b"[]"),
        ("application/json", b'"just a string"'),
        ("application/json", json.dumps({"\u0000": None, "a" * 200: HUGE}).encode()),
        (
            "multipart/form-data; boundary=xyz",
            b"--xyz\r\nContent-Disposition: form-data; name=file\r\n\r\n\xff\xd8",
        ),
    ]
    content = (operation.get("requestBody") or {}).get("content", {})
    schema = _schema_of(spec, (content.get("application/json") or {}).get("schema"))
    properties = schema.get("properties", {})
    if properties:
        bodies.append(
            (
                "application/json",
                json.dumps({k: _mistyped(_schema_of(spec, v)) for k, v in properties.items()}).encode(),
            )
        )
        bodies.append(("application/json", json.dumps(dict.fromkeys(properties, HUGE)).encode()))
        bodies.append(("application/json", json.dumps(dict.fromkeys(properties)).encode()))
    return bodies


def _query(spec: dict[str, Any], operation: dict[str, Any]) -> dict[str, str]:
    names = [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"]
    return dict.fromkeys(names, "x" * 3000)


def _assert_handled(response, what: str) -> None:  # noqa: ANN001
    assert response.status_code < 500, (
        f"{what} → {response.status_code}: {response.get_data(as_text=True)[:300]}"
    )
    if response.status_code >= 400 and response.mimetype == "application/json":
        body = response.json
        assert set(body) == {"status", "code", "message", "errors"}, f"{what}: {body}"
        assert body["status"] == response.status_code and CODE.match(body["code"]), f"{what}: {body}"
        assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"]), f"{what}: {body}"


@pytest.fixture
def callers(client, wechat_control) -> dict[str, dict[str, str]]:  # noqa: ANN001
    return {
        "anonymous": {},
        "resident": sign_in(client, wechat_control),
        "assistant": staff_headers(client, "assistant"),
        "clerk": staff_headers(client, "clerk"),
        "county": staff_headers(client, "county"),
        "admin": staff_headers(client, "admin"),
    }


def test_no_endpoint_answers_hostile_input_with_a_500(client, callers):
    spec = client.get("/api/openapi.json").json
    operations = _operations(client)
    assert len(operations) > 40  # the document really lists the API
    for method, path, operation in operations:
        filled = [re.sub(r"\{[^}]+\}", value, path) for value in HOSTILE_PATH_VALUES]
        plain = re.sub(r"\{[^}]+\}", "00000000-0000-0000-0000-000000000000", path)
        for who, headers in callers.items():
            for url in filled:
                _assert_handled(
                    client.open(url, method=method, headers=headers), f"{who} {method} {url[:80]}"
                )
            if method == "GET":
                response = client.get(plain, query_string=_query(spec, operation), headers=headers)
                _assert_handled(response, f"{who} GET {plain} with huge query values")
                continue
            for content_type, body in _bodies(spec, operation):
                response = client.open(
                    plain, method=method, data=body, content_type=content_type, headers=headers
                )
                _assert_handled(response, f"{who} {method} {plain} {content_type} {body[:60]!r}")
