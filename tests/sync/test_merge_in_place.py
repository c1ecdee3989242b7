"""`apply_op(..., in_place=True)`: the same result as the pure merge, without copying the caller's state."""

from __future__ import annotations

import copy

from sync.merge import apply_op
from tests.sync.builders import make_op


def _history() -> list[dict]:
    return [
        make_op("dev-a", 1, {"head_name": "张三", "monthly_income": 900}),
        make_op("dev-b", 1, {"head_name": "张山"}, seen={"dev-a": 1}),
        make_op("office", 1, {"head_name": "章三"}),
        make_op("dev-a", 2, op_type="delete"),
        make_op("dev-a", 2, op_type="delete"),  # a duplicate
    ]


def test_in_place_gives_the_same_states_and_results_as_the_pure_merge():
    pure_state = in_place_state = None
    for op in _history():
        pure_state, pure_result = apply_op(pure_state, op)
        in_place_state, in_place_result = apply_op(in_place_state, op, in_place=True)
        assert in_place_state == pure_state and in_place_result == pure_result


def test_in_place_updates_the_given_dict_and_the_pure_merge_never_does():
    state, _ = apply_op(None, _history()[0])
    before = copy.deepcopy(state)
    merged, _ = apply_op(state, _history()[1])
    assert state == before and merged is not state
    merged, _ = apply_op(state, _history()[1], in_place=True)
    assert merged is state and state != before
