"""What a reviewer is shown for a record in conflict."""

from __future__ import annotations

from sync.conflicts import describe_conflicts
from tests.sync.builders import T0, apply_all, make_op

CREATED = make_op("clerk", 1, {"head_name": "张三", "monthly_income": 800}, user_id="u-clerk")


def test_a_field_conflict_lists_every_value_with_who_and_when_newest_first() -> None:
    state, _ = apply_all(
        [
            CREATED,
            make_op("dev-a", 1, {"head_name": "李四"}, seen={"clerk": 1}, ms=T0 + 5_000, user_id="u-li"),
            make_op("dev-b", 1, {"head_name": "王五"}, seen={"clerk": 1}, ms=T0 + 9_000),
        ]
    )
    assert describe_conflicts(state) == [
        {
            "field": "head_name",
            "kind": "hard",
            "default": "王五",
            "candidates": [
                {
                    "value": "王五",
                    "device_id": "dev-b",
                    "user_id": None,
                    "hlc": f"{T0 + 9_000}:00000:dev-b",
                    "op_id": "dev-b-1",
                    "is_default": True,
                },
                {
                    "value": "李四",
                    "device_id": "dev-a",
                    "user_id": "u-li",
                    "hlc": f"{T0 + 5_000}:00000:dev-a",
                    "op_id": "dev-a-1",
                    "is_default": False,
                },
            ],
        }
    ]


def test_delete_against_an_unseen_edit_defaults_to_keeping_the_record() -> None:
    state, _ = apply_all(
        [
            CREATED,
            make_op("dev-a", 1, {"monthly_income": 950}, seen={"clerk": 1}, ms=T0 + 5_000),
            make_op("dev-b", 1, op_type="delete", seen={"clerk": 1}, ms=T0 + 9_000),
        ]
    )
    [conflict] = describe_conflicts(state)
    assert conflict["field"] == "_deleted"
    assert conflict["default"] == "alive"
    assert [(c["value"], c["device_id"], c["is_default"]) for c in conflict["candidates"]] == [
        ("deleted", "dev-b", False),
        ("alive", "dev-a", True),
    ]


def test_soft_conflicts_are_shown_only_on_request() -> None:
    state, _ = apply_all(
        [
            make_op("dev-a", 1, {"head_name": "李四"}),
            make_op("dev-b", 1, {"head_name": "李四"}),
        ]
    )
    assert describe_conflicts(state) == []
    [soft] = describe_conflicts(state, include_soft=True)
    assert (soft["field"], soft["kind"], soft["default"]) == ("head_name", "soft", "李四")
    assert len(soft["candidates"]) == 2


def test_a_record_without_conflicts_describes_nothing() -> None:
    state, _ = apply_all([CREATED, make_op("clerk", 2, {"head_name": "张叁"})])
    assert describe_conflicts(state, include_soft=True) == []
