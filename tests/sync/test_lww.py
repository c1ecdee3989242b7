"""Last-write-wins, shown to break what the real merge keeps (it exists only for these tests)."""

from __future__ import annotations

from sync.lww import apply_op_lww
from sync.merge import apply_op
from tests.sync.builders import HOUR_MS, T0, apply_all, candidate_values, make_op

SEEN_THEN_EDITED_BEHIND = [
    make_op("dev-a", 1, {"head_name": "李四"}, ms=T0),
    # dev-b pulled 李四, then edited with a clock an hour slow and no server time folded in.
    make_op("dev-b", 1, {"head_name": "王五"}, seen={"dev-a": 1}, ms=T0 - HOUR_MS + 60_000),
]
CONCURRENT = [
    make_op("dev-a", 1, {"head_name": "李四"}, ms=T0 + 5_000),
    make_op("dev-b", 1, {"head_name": "王五"}, ms=T0 + 9_000),
]


def test_lww_lets_a_slow_clock_lose_an_edit_made_after_seeing_the_value() -> None:
    assert candidate_values(apply_all(SEEN_THEN_EDITED_BEHIND, apply_op_lww)[0], "head_name") == ["李四"]
    assert candidate_values(apply_all(SEEN_THEN_EDITED_BEHIND, apply_op)[0], "head_name") == ["王五"]


def test_lww_silently_drops_one_of_two_concurrent_edits() -> None:
    state, results = apply_all(CONCURRENT, apply_op_lww)
    assert candidate_values(state, "head_name") == ["王五"]
    assert state["open_conflicts"] == [] and results[1].conflicts == []
    assert candidate_values(apply_all(CONCURRENT, apply_op)[0], "head_name") == ["李四", "王五"]


def test_lww_lets_a_later_delete_win_over_an_edit_it_never_saw() -> None:
    later_delete = [
        make_op("dev-a", 1, {"monthly_income": 950}, ms=T0 + 9_000),
        make_op("dev-b", 1, op_type="delete", ms=T0 + 20_000),
    ]
    assert apply_all(later_delete, apply_op_lww)[0]["deleted"] is True
    assert apply_all(later_delete, apply_op)[0]["deleted"] is False
