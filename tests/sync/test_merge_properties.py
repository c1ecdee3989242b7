"""Properties of the merge over generated histories, in arrival orders no real server would see.

The reference server only lets an op in after everything its base names, but the merge itself is
stronger: its result depends only on the set of ops, so any order that keeps each device's own
order, causal or not, gives the same state, and every op can be applied twice.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.merge import apply_op
from tests.sync.builders import T0, apply_all, make_op
from tests.sync.guarantees import check_records

DEVICES = ("dev-a", "dev-b", "office")


@st.composite
def histories(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Ops of three devices on one record, each having seen an arbitrary part of the others."""
    steps = draw(st.lists(st.sampled_from(DEVICES), min_size=1, max_size=12))
    totals = {device: steps.count(device) for device in DEVICES}
    made = dict.fromkeys(DEVICES, 0)
    ops = []
    for device in steps:
        made[device] += 1
        seen = {
            other: draw(st.integers(0, totals[other]))
            for other in DEVICES
            if other != device and totals[other] and draw(st.booleans())
        }
        ms = T0 + draw(st.integers(-3_600_000, 3_600_000))
        if draw(st.integers(0, 5)) == 0:
            ops.append(make_op(device, made[device], op_type="delete", seen=seen, ms=ms))
        else:
            fields = draw(
                st.dictionaries(
                    st.sampled_from(["name", "income"]), st.sampled_from(["甲", "乙", 0]), min_size=1
                )
            )
            ops.append(make_op(device, made[device], fields, seen=seen, ms=ms))
    return ops


@st.composite
def history_and_reordering(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A history and another arrival order of it that keeps each device's order."""
    ops = draw(histories())
    queues = {device: [op for op in ops if op["device_id"] == device] for device in DEVICES}
    reordered = []
    while any(queues.values()):
        device = draw(st.sampled_from([d for d in DEVICES if queues[d]]))
        reordered.append(queues[device].pop(0))
    return ops, reordered


@settings(max_examples=300, deadline=None)
@given(history_and_reordering())
def test_any_per_device_order_gives_the_same_state(
    pair: tuple[list[dict[str, Any]], list[dict[str, Any]]],
) -> None:
    ops, reordered = pair
    assert apply_all(ops)[0] == apply_all(reordered)[0]


@settings(max_examples=200, deadline=None)
@given(histories(), st.data())
def test_applying_ops_again_at_any_point_changes_nothing(
    ops: list[dict[str, Any]], data: st.DataObject
) -> None:
    expected, _ = apply_all(ops)
    state = None
    for op in ops:
        state, _ = apply_op(state, op)
        earlier = data.draw(st.sampled_from(ops[: ops.index(op) + 1]))
        replayed, result = apply_op(state, earlier)
        assert replayed == state and result.status == "duplicate"
    assert state == expected


@settings(max_examples=200, deadline=None)
@given(histories())
def test_every_write_is_kept_or_superseded_by_one_that_had_seen_it(ops: list[dict[str, Any]]) -> None:
    state, _ = apply_all(ops)
    check_records(ops, {("household", "household-1"): state})
