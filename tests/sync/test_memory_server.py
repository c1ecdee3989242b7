"""The reference server's push and pull rules: idempotency, device_seq, quarantine, clamping, cursors."""

from __future__ import annotations

from typing import Any

import pytest

from sync.hlc import parse_hlc
from sync.memory_server import InMemorySyncServer
from tests.sync.builders import HOUR_MS, T0, make_op


@pytest.fixture
def server() -> InMemorySyncServer:
    server = InMemorySyncServer(lambda: T0 + 60_000)
    for device in ("dev-a", "dev-b", "office"):
        server.register_device(device)
    return server


def statuses(response: dict[str, Any]) -> list[str]:
    return [result["status"] for result in response["results"]]


def test_a_duplicate_inside_a_batch_is_applied_once(server: InMemorySyncServer) -> None:
    op = make_op("dev-a", 1, {"head_name": "李四"})
    response = server.push("dev-a", "batch-1", [op, op])
    assert statuses(response) == ["applied", "duplicate"]
    assert response["expected_device_seq"] == 2
    assert server.records[("household", "household-1")]["record_version"] == 1


def test_resending_after_a_lost_response_replays_the_stored_results(server: InMemorySyncServer) -> None:
    ops = [make_op("dev-a", 1, {"head_name": "李四"}), make_op("dev-a", 2, {"monthly_income": 900})]
    first = server.push("dev-a", "batch-1", ops)
    state = server.pull("office")["changes"][0]["state"]
    again = server.push("dev-a", "batch-1", ops)
    assert statuses(again) == ["duplicate", "duplicate"]
    assert [r["record_version"] for r in again["results"]] == [r["record_version"] for r in first["results"]]
    assert [r["hlc"] for r in again["results"]] == [r["hlc"] for r in first["results"]]
    assert server.pull("office")["changes"][0]["state"] == state


def test_ops_are_applied_in_device_seq_order_whatever_the_request_order(server: InMemorySyncServer) -> None:
    ops = [make_op("dev-a", 2, {"head_name": "张叁"}), make_op("dev-a", 1, {"head_name": "张三"})]
    response = server.push("dev-a", "batch-1", ops)
    assert [r["op_id"] for r in response["results"]] == ["dev-a-2", "dev-a-1"]
    assert [r["record_version"] for r in response["results"]] == [2, 1]
    assert server.records[("household", "household-1")]["fields"]["head_name"]["writes"][0]["value"] == "张叁"


def test_a_gap_in_device_seq_refuses_the_whole_batch(server: InMemorySyncServer) -> None:
    server.push("dev-a", "batch-1", [make_op("dev-a", 1, {"head_name": "李四"})])
    response = server.push("dev-a", "batch-2", [make_op("dev-a", 2, {"a": 1}), make_op("dev-a", 4, {"b": 2})])
    assert (response["status"], response["code"], response["expected_device_seq"]) == (
        409,
        "device_seq_gap",
        2,
    )
    assert server.records[("household", "household-1")]["record_version"] == 1


def test_the_same_op_id_with_another_payload_is_refused(server: InMemorySyncServer) -> None:
    server.push("dev-a", "batch-1", [make_op("dev-a", 1, {"head_name": "李四"})])
    response = server.push("dev-a", "batch-2", [make_op("dev-a", 1, {"head_name": "王五"})])
    assert (response["status"], response["code"]) == (422, "op_id_reused")


def test_an_invalid_op_is_quarantined_and_does_not_block_the_queue(server: InMemorySyncServer) -> None:
    bad = {**make_op("dev-a", 1), "fields": {"_deleted": True}}
    response = server.push("dev-a", "batch-1", [bad, make_op("dev-a", 2, {"head_name": "李四"})])
    assert response["status"] == 200
    assert statuses(response) == ["quarantined", "applied"]
    assert "reserved" in response["results"][0]["errors"][0]
    assert server.quarantine[0]["op"]["op_id"] == "dev-a-1"
    assert server.push("dev-a", "batch-1", [bad])["results"][0]["original_status"] == "quarantined"


def test_a_base_naming_ops_the_server_never_received_is_quarantined(server: InMemorySyncServer) -> None:
    response = server.push(
        "dev-a", "batch-1", [make_op("dev-a", 1, {"head_name": "李四"}, seen={"dev-b": 5})]
    )
    assert statuses(response) == ["quarantined"]
    assert "not received" in response["results"][0]["errors"][0]


def test_a_clock_far_ahead_is_clamped_and_flagged_never_refused(server: InMemorySyncServer) -> None:
    response = server.push(
        "dev-a", "batch-1", [make_op("dev-a", 1, {"head_name": "李四"}, ms=T0 + 48 * HOUR_MS)]
    )
    [result] = response["results"]
    assert result["status"] == "applied" and result["hlc_clamped"] is True
    assert parse_hlc(result["hlc"]).ms == T0 + 60_000 + HOUR_MS
    assert parse_hlc(response["server_hlc"]).ms <= T0 + 60_000 + HOUR_MS
    assert server.accepted_ops()[0]["hlc"] == result["hlc"]


def test_pull_pages_through_every_change_without_skipping(server: InMemorySyncServer) -> None:
    for seq, record in enumerate(["r1", "r2", "r3"], start=1):
        server.push("dev-a", f"b{seq}", [make_op("dev-a", seq, {"n": seq}, record_id=record)])
    first = server.pull("dev-b", None, limit=2)
    assert [c["record_id"] for c in first["changes"]] == ["r1", "r2"] and first["has_more"]
    server.push("dev-a", "b4", [make_op("dev-a", 4, {"n": 4}, record_id="r1")])
    second = server.pull("dev-b", first["next_cursor"], limit=2)
    assert [c["record_id"] for c in second["changes"]] == ["r3", "r1"] and not second["has_more"]
    assert second["changes"][1]["state"]["record_version"] == 2
    assert server.pull("dev-b", second["next_cursor"], limit=2)["changes"] == []


def test_unknown_devices_are_refused(server: InMemorySyncServer) -> None:
    assert server.push("dev-x", "b", [make_op("dev-x", 1)])["status"] == 404
    assert server.pull("dev-x")["status"] == 404
    assert server.push("dev-b", "b", [make_op("dev-a", 1)])["status"] == 422
