"""The application lifecycle state machine (no database)."""

from __future__ import annotations

import pytest

from app.domain import stages
from app.domain.stages import TransitionRefused, next_stage


@pytest.mark.parametrize(
    "current,action,role,expected",
    [
        ("draft", "submit", stages.RESIDENT, "submitted"),
        ("needs_materials", "submit", stages.RESIDENT, "submitted"),
        ("draft", "withdraw", stages.RESIDENT, "withdrawn"),
        ("investigating", "withdraw", stages.RESIDENT, "withdrawn"),
        ("submitted", "accept", "township_clerk", "accepted"),
        ("reviewing", "approve", "township_reviewer", "approved"),
    ],
)
def test_allowed_moves(current, action, role, expected):
    assert next_stage(current, action, role, "意见") == expected


@pytest.mark.parametrize(
    "current,action,role,code",
    [
        ("approved", "withdraw", stages.RESIDENT, "action_not_allowed_in_stage"),
        ("withdrawn", "submit", stages.RESIDENT, "action_not_allowed_in_stage"),
        ("submitted", "submit", stages.RESIDENT, "action_not_allowed_in_stage"),
        ("reviewing", "approve", "village_assistant", "action_not_allowed_for_role"),
        ("submitted", "accept", stages.RESIDENT, "action_not_allowed_for_role"),
        ("submitted", "fly", "admin", "unknown_action"),
    ],
)
def test_refused_moves_say_why(current, action, role, code):
    with pytest.raises(TransitionRefused) as caught:
        next_stage(current, action, role)
    assert caught.value.code == code


def test_rejection_needs_a_reason():
    with pytest.raises(TransitionRefused) as caught:
        next_stage("reviewing", "reject", "township_reviewer", "  ")
    assert caught.value.code == "opinion_required"


def test_every_open_stage_says_who_acts_next_and_final_stages_are_closed():
    assert set(stages.NEXT_ACTOR) == set(stages.OPEN_STAGES)
    assert not any(stages.is_open(s) for s in stages.FINAL_STAGES)
    targets = {t.target for t in stages.TRANSITIONS.values()}
    assert targets <= set(stages.STAGES)
