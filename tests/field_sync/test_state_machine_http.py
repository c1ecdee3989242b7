"""The sync state machine of tests/sync, driven through the HTTP API on SQLite and PostgreSQL.

Three village assistants' phones and the township office edit, delete, resolve, push partial
batches with duplicates, lose acknowledgements, re-send old batches, try sequence gaps and pull
page by page; at the end the six guarantees are checked against what the API returns, and the
accepted ops are replayed into an emptied server in another causal order (guarantee 3).

The driver writes free-form fields (`head_name` may be 0, `monthly_income` a name): the adapter
sends them as app extension fields (`x_head_name`), which the server merges and stores like any
field without type checks, and maps the names back in pulled states.

CI runs a bounded number of examples; a longer soak:
`FIELD_SYNC_EXAMPLES=300 FIELD_SYNC_STEPS=50 .venv/bin/python -m pytest tests/field_sync/test_state_machine_http.py`.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test
from sqlalchemy import text

from app.extensions import db
from tests.support import VILLAGE
from tests.sync.devices import stable_id
from tests.sync.machine import WRITERS, sync_machine_for

EXAMPLES = int(os.environ.get("FIELD_SYNC_EXAMPLES", "12"))
STEPS = int(os.environ.get("FIELD_SYNC_STEPS", "30"))
USERS = {"dev-a": "assistant", "dev-b": "assistant2", "dev-c": "assistant3", "office": "clerk"}
SYNC_TABLES = (
    "sync_ops", "sync_records", "sync_scope_exits", "sync_attachment_refs", "sync_sealed_values",
    "sync_outbox", "sync_counters", "sync_devices", "households",
)  # fmt: skip


def _outgoing(op: dict[str, Any]) -> dict[str, Any]:
    return {**op, "fields": {f"x_{name}": value for name, value in op["fields"].items()}}


def _incoming(state: dict[str, Any]) -> dict[str, Any]:
    state = copy.deepcopy(state)
    state["fields"] = {name.removeprefix("x_"): register for name, register in state["fields"].items()}
    state["open_conflicts"] = sorted(name.removeprefix("x_") for name in state["open_conflicts"])
    return state


class HttpSyncServer:
    """The machine's server adapter over the Flask test client (one emptied database per instance)."""

    def __init__(self, client: Any, headers: dict[str, dict[str, str]]) -> None:
        self.client, self.headers = client, headers

    def register_device(self, device_id: str) -> dict[str, Any]:
        extra = {"default_village_code": VILLAGE} if device_id == stable_id("device/office") else {}
        response = self.client.post(
            "/api/field/devices", json={"device_id": device_id, **extra}, headers=self.headers[device_id]
        )
        assert response.status_code == 200, response.json
        return response.json

    def push(self, device_id: str, batch_id: str, ops: list[dict[str, Any]]) -> dict[str, Any]:
        body = {"device_id": device_id, "batch_id": batch_id, "ops": [_outgoing(op) for op in ops]}
        response = self.client.post("/api/field/push", json=body, headers=self.headers[device_id])
        result = {**response.json, "status": response.status_code}
        if response.status_code == 409:
            result["expected_device_seq"] = response.json["errors"]["detail"]["expected_device_seq"]
        return result

    def pull(self, device_id: str, cursor: str | None, limit: int) -> dict[str, Any]:
        query = {"device_id": device_id, "limit": limit, **({"cursor": cursor} if cursor else {})}
        response = self.client.get("/api/field/pull", query_string=query, headers=self.headers[device_id])
        body = {**response.json, "status": response.status_code}
        if response.status_code == 200:
            body["changes"] = [
                {"entity": c["entity"], "record_id": c["record_id"], "state": _incoming(c["state"])}
                for c in body["changes"]
            ]
        return body


def empty_sync_tables(app: Any) -> None:
    """Forget every synced record, op and device (staff accounts and areas stay)."""
    with app.app_context():
        for table in SYNC_TABLES:  # small tables: DELETE is quicker than TRUNCATE … CASCADE
            db.session.execute(text(f"DELETE FROM {table}"))
        db.session.commit()


def http_server_factory(
    app: Any, client: Any, headers: dict[str, dict[str, str]]
) -> Callable[..., HttpSyncServer]:
    """A factory of fresh servers for the machine: empties the tables and installs the simulated clock."""

    def factory(now_ms: Callable[[], int]) -> HttpSyncServer:
        empty_sync_tables(app)
        app.config["SYNC_NOW_MS"] = now_ms
        app.extensions.pop("doudi_sync_clock", None)
        return HttpSyncServer(client, headers)

    return factory


def test_guarantees_hold_through_the_http_api(field_app, field_client, headers_of):
    headers = {stable_id(f"device/{name}"): headers_of(USERS[name]) for name in WRITERS}
    machine = sync_machine_for(http_server_factory(field_app, field_client, headers), "HttpSyncMachine")
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
