"""Table-driven tests of the per-field merge: what a worker and a reviewer would see."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import pytest

from sync.merge import apply_op, displayed_values, has_open_conflicts
from sync.ops import InvalidOpError
from tests.sync.builders import HOUR_MS, T0, apply_all, candidate_values, device_order_interleavings, make_op

# The office has pulled everything, so its clock (folded from server_hlc) is past every edit.
REVIEW_MS = T0 + 60_000
ALL_SEEN = {"clerk": 1, "dev-a": 1, "dev-b": 1}
CREATED = make_op("clerk", 1, {"head_name": "张三", "monthly_income": 800})
CONCURRENT_NAMES = [
    make_op("dev-a", 1, {"head_name": "李四"}, seen={"clerk": 1}, ms=T0 + 5_000),
    make_op("dev-b", 1, {"head_name": "王五"}, seen={"clerk": 1}, ms=T0 + 9_000),
]
EDIT_UNSEEN_BY_DELETE = [
    make_op("dev-a", 1, {"monthly_income": 950}, seen={"clerk": 1}),
    make_op("dev-b", 1, op_type="delete", seen={"clerk": 1}),
]


@dataclass
class Case:
    name: str
    ops: list[dict[str, Any]]
    shown: dict[str, Any]
    kept: dict[str, list[Any]] = field(default_factory=dict)
    open_conflicts: list[str] = field(default_factory=list)
    deleted: bool = False


CASES = [
    Case(
        "a device's later edit replaces its earlier one",
        [CREATED, make_op("clerk", 2, {"head_name": "张叁"})],
        shown={"head_name": "张叁", "monthly_income": 800},
    ),
    Case(
        "an edit made after seeing another device's value replaces it",
        [CREATED, make_op("dev-a", 1, {"head_name": "李四"}, seen={"clerk": 1})],
        shown={"head_name": "李四", "monthly_income": 800},
    ),
    Case(
        "concurrent edits of the same field keep both; the later hlc is shown",
        [CREATED, *CONCURRENT_NAMES],
        shown={"head_name": "王五", "monthly_income": 800},
        kept={"head_name": ["李四", "王五"]},
        open_conflicts=["head_name"],
    ),
    Case(
        "concurrent edits of different fields both apply without conflict",
        [
            CREATED,
            make_op("dev-a", 1, {"head_name": "李四"}, seen={"clerk": 1}),
            make_op("dev-b", 1, {"monthly_income": 1200}, seen={"clerk": 1}),
        ],
        shown={"head_name": "李四", "monthly_income": 1200},
    ),
    Case(
        "concurrent equal values are a soft conflict, kept but not open",
        [
            CREATED,
            make_op("dev-a", 1, {"head_name": "李四"}, seen={"clerk": 1}),
            make_op("dev-b", 1, {"head_name": "李四"}, seen={"clerk": 1}),
        ],
        shown={"head_name": "李四", "monthly_income": 800},
        kept={"head_name": ["李四", "李四"]},
    ),
    Case(
        "a value that differs only in JSON type is a hard conflict",
        [CREATED, make_op("dev-a", 1, {"monthly_income": 1}), make_op("dev-b", 1, {"monthly_income": True})],
        shown={"head_name": "张三", "monthly_income": True},
        kept={"monthly_income": [800, 1, True]},
        open_conflicts=["monthly_income"],
    ),
    Case(
        "a delete that had not seen an edit leaves the record alive and flagged",
        [CREATED, *EDIT_UNSEEN_BY_DELETE],
        shown={"head_name": "张三", "monthly_income": 950},
        open_conflicts=["_deleted"],
    ),
    Case(
        "a delete that had seen the edit deletes the record",
        [
            CREATED,
            make_op("dev-a", 1, {"monthly_income": 950}, seen={"clerk": 1}),
            make_op("dev-b", 1, op_type="delete", seen={"clerk": 1, "dev-a": 1}),
        ],
        shown={"head_name": "张三", "monthly_income": 950},
        deleted=True,
    ),
    Case(
        "concurrent deletes agree",
        [
            CREATED,
            make_op("dev-a", 1, op_type="delete", seen={"clerk": 1}),
            make_op("dev-b", 1, op_type="delete", seen={"clerk": 1}),
        ],
        shown={"head_name": "张三", "monthly_income": 800},
        deleted=True,
    ),
    Case(
        "an edit made after seeing the delete brings the record back",
        [
            CREATED,
            make_op("dev-a", 1, op_type="delete", seen={"clerk": 1}),
            make_op("dev-b", 1, {"head_name": "赵六"}, seen={"clerk": 1, "dev-a": 1}),
        ],
        shown={"head_name": "赵六", "monthly_income": 800},
    ),
    Case(
        "a reviewer resolves a conflict with an op whose base covers both siblings",
        [
            CREATED,
            *CONCURRENT_NAMES,
            make_op("office", 1, {"head_name": "李四"}, seen=ALL_SEEN, ms=REVIEW_MS),
        ],
        shown={"head_name": "李四", "monthly_income": 800},
        kept={"head_name": ["李四"]},
    ),
    Case(
        "a resolution that saw only one sibling leaves the other in conflict",
        [
            CREATED,
            *CONCURRENT_NAMES,
            make_op("office", 1, {"head_name": "李四"}, seen={"clerk": 1, "dev-a": 1}, ms=REVIEW_MS),
        ],
        shown={"head_name": "李四", "monthly_income": 800},
        kept={"head_name": ["王五", "李四"]},
        open_conflicts=["head_name"],
    ),
    Case(
        "a reviewer restores a record deleted while it was being edited",
        [CREATED, *EDIT_UNSEEN_BY_DELETE, make_op("office", 1, seen=ALL_SEEN, ms=REVIEW_MS)],
        shown={"head_name": "张三", "monthly_income": 950},
    ),
    Case(
        "a reviewer confirms the delete",
        [
            CREATED,
            *EDIT_UNSEEN_BY_DELETE,
            make_op("office", 1, op_type="delete", seen=ALL_SEEN, ms=REVIEW_MS),
        ],
        shown={"head_name": "张三", "monthly_income": 950},
        deleted=True,
    ),
    Case(
        "a device an hour behind keeps the write it made after seeing the value",
        [
            make_op("dev-a", 1, {"head_name": "李四"}, ms=T0),
            make_op("dev-b", 1, {"head_name": "王五"}, seen={"dev-a": 1}, ms=T0 - HOUR_MS + 60_000),
        ],
        shown={"head_name": "王五"},
        kept={"head_name": ["王五"]},
    ),
    Case(
        "writing one field does not supersede the other fields it had seen",
        [
            CREATED,
            make_op("dev-a", 1, {"head_name": "李四"}, seen={"clerk": 1}),
            make_op("dev-b", 1, {"monthly_income": 0}),
        ],
        shown={"head_name": "李四", "monthly_income": 0},
        kept={"monthly_income": [800, 0]},
        open_conflicts=["monthly_income"],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_merge_outcome(case: Case) -> None:
    state, _ = apply_all(case.ops)
    assert displayed_values(state) == case.shown
    for field_name, values in case.kept.items():
        assert candidate_values(state, field_name) == values
    assert state["open_conflicts"] == case.open_conflicts
    assert has_open_conflicts(state) == bool(case.open_conflicts)
    assert state["deleted"] is case.deleted
    assert state["record_version"] == len(case.ops)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_every_arrival_order_gives_the_same_state(case: Case) -> None:
    expected, _ = apply_all(case.ops)
    for order in device_order_interleavings(case.ops):
        assert apply_all(order)[0] == expected


def test_reapplying_an_op_changes_nothing() -> None:
    state, _ = apply_all([CREATED, *CONCURRENT_NAMES])
    again, result = apply_op(state, CONCURRENT_NAMES[0])
    assert again == state
    assert result.status == "duplicate"
    assert result.record_version == 3
    assert result.conflicts == [{"field": "head_name", "kind": "hard", "candidates": 2}]


def test_applying_reports_the_conflicts_the_op_is_part_of() -> None:
    state, results = apply_all([CREATED, *EDIT_UNSEEN_BY_DELETE])
    assert [r.status for r in results] == ["applied"] * 3
    assert results[1].conflicts == []
    assert results[2].to_dict() == {
        "status": "applied",
        "record_version": 3,
        "conflicts": [{"field": "_deleted", "kind": "hard", "candidates": 2}],
    }


def test_apply_op_does_not_touch_the_state_it_is_given() -> None:
    state, _ = apply_all([CREATED])
    snapshot = copy.deepcopy(state)
    apply_op(state, CONCURRENT_NAMES[0])
    assert state == snapshot


def test_a_write_arriving_after_an_op_that_had_seen_it_is_superseded_on_arrival() -> None:
    later = make_op("dev-b", 1, {"head_name": "王五"}, seen={"dev-a": 1})
    state, results = apply_all([later, make_op("dev-a", 1, {"head_name": "李四"})])
    assert candidate_values(state, "head_name") == ["王五"]
    assert results[1].status == "applied"
    assert state["record_version"] == 2


INVALID_OPS = [
    ("no op id", {"op_id": ""}, "op_id"),
    ("device_seq zero", {"device_seq": 0}, "device_seq"),
    ("device_seq a boolean", {"device_seq": True}, "device_seq"),
    ("unknown type", {"type": "patch"}, "type"),
    ("hlc not parseable", {"hlc": "yesterday"}, "not an hlc"),
    ("hlc of another device", {"hlc": f"{T0:013d}:00000:dev-z"}, "hlc must end"),
    ("base as an integer", {"base_version": 3}, "base_version"),
    ("base claiming the op itself", {"base_version": {"dev-a": 1}}, "op itself"),
    ("negative base", {"base_version": {"dev-b": -1}}, "non-negative"),
    ("reserved field name", {"fields": {"_deleted": True}}, "reserved"),
    ("value that is not JSON", {"fields": {"income": float("nan")}}, "not JSON"),
    ("delete carrying fields", {"type": "delete", "fields": {"head_name": "x"}}, "no fields"),
    ("user id not a string", {"user_id": 7}, "user_id"),
]


@pytest.mark.parametrize(
    ("change", "message"), [(c, m) for _, c, m in INVALID_OPS], ids=[n for n, _, _ in INVALID_OPS]
)
def test_invalid_ops_are_refused_with_the_reason(change: dict[str, Any], message: str) -> None:
    op = {**make_op("dev-a", 1, {"head_name": "李四"}), **change}
    with pytest.raises(InvalidOpError) as raised:
        apply_op(None, op)
    assert any(message in error for error in raised.value.errors)
