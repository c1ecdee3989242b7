"""What a check-in (or its absence) leads to: window states, home-visit tasks, referrals, cleared flags.

- window + grace passed with no valid check-in → the window is `missed` and a home-visit task goes to
  the village assistants' pull (`checkin_field.publish_task`);
- `checkin_missed_limit` missed windows in a row, or a visit that finds the person absent → a referral
  to the township, which decides on suspension (casework's entitlement states; never automatic);
- a valid check-in (a match with no anomaly, an accepted review, or a person seen at a visit) marks its
  window checked in and clears the flags: open visit tasks closed, open miss referrals withdrawn.
A face no-match never suspends anyone: it puts the check-in in a person's review queue.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from app.domain import checkin_schedule as schedule
from app.extensions import db
from app.models import Area, Checkin, CheckinReferral, CheckinVisitTask, CheckinWindow
from app.services.checkin_field import close_task, publish_task
from app.services.policies import policy_for_area
from app.services.transaction import add_unless_duplicate

REFERRAL_REASONS = {"repeated_misses": "连续多个季度未打卡", "absent_at_visit": "上门核实本人不在"}


def refer(
    window: CheckinWindow, reason: str, event_key: str, detail: dict[str, Any]
) -> CheckinReferral | None:
    """Send the case to the township once per event (a second run or a concurrent one adds nothing)."""
    found = db.session.scalar(
        select(CheckinReferral).where(
            CheckinReferral.entitlement_id == window.entitlement_id,
            CheckinReferral.person_id == window.person_id,
            CheckinReferral.event_key == event_key,
        )
    )
    if found is not None:
        return None
    referral = CheckinReferral(
        entitlement_id=window.entitlement_id, person_id=window.person_id, area_id=window.area_id,
        reason=reason, event_key=event_key, detail=detail, status="open",
    )  # fmt: skip
    return referral if add_unless_duplicate(referral) else None


def mark_valid(checkin: Checkin, window: CheckinWindow) -> None:
    """A valid check-in: its window is done and earlier flags of the person are cleared."""
    checkin.valid = True
    window.status, window.valid_checkin_id = "checked_in", checkin.id
    clear_flags(checkin)


def clear_flags(checkin: Checkin) -> None:
    """Close the person's open visit tasks and withdraw open referrals for missed check-ins."""
    tasks = db.session.scalars(
        select(CheckinVisitTask)
        .join(CheckinWindow, CheckinWindow.id == CheckinVisitTask.window_id)
        .where(CheckinWindow.person_id == checkin.person_id, CheckinVisitTask.status == "open")
    ).all()
    for task in tasks:
        close_task(task, "checked_in", checkin.id)
    referrals = db.session.scalars(
        select(CheckinReferral).where(
            CheckinReferral.person_id == checkin.person_id,
            CheckinReferral.status == "open",
            CheckinReferral.reason == "repeated_misses",
        )
    ).all()
    for referral in referrals:
        referral.status, referral.note = "cleared", f"之后已有效打卡（{checkin.id}）"


def apply_assisted(checkin: Checkin, window: CheckinWindow, task: CheckinVisitTask) -> None:
    """A visit's answer to a task: the person seen → valid; absent → closed task and a referral."""
    if checkin.visit_outcome == "present":
        close_task(task, "present", checkin.id)
        mark_valid(checkin, window)
        return
    close_task(task, "absent", checkin.id)
    refer(
        window,
        "absent_at_visit",
        f"absent:{window.quarter}",
        {"quarter": window.quarter, "checkin_id": checkin.id},
    )


def apply_face_result(checkin: Checkin) -> None:
    """After the face job: valid, a retake, or a person's review. Assisted check-ins were settled at sync."""
    window = db.session.get(CheckinWindow, checkin.window_id)
    needs_person = checkin.face_decision in ("no_match", "review") or bool(checkin.anomalies)
    if checkin.mode == "assisted":
        checkin.status = "done"
        checkin.review_status = "pending" if needs_person else "none"
        return
    if checkin.face_decision == "rejected":
        checkin.status = "rejected"
        return
    if needs_person:
        checkin.status, checkin.review_status = "review", "pending"
        if window.status != "checked_in":
            window.status = "review"
        return
    checkin.status = "done"
    if window.status != "checked_in":
        mark_valid(checkin, window)


def accept_after_review(checkin: Checkin) -> None:
    """A reviewer confirmed the person: the check-in counts."""
    window = db.session.get(CheckinWindow, checkin.window_id)
    checkin.status = "done"
    if window.status != "checked_in":
        mark_valid(checkin, window)


def reject_after_review(checkin: Checkin) -> None:
    """A reviewer did not accept it: the window is open again (and missed once its grace has passed)."""
    window = db.session.get(CheckinWindow, checkin.window_id)
    checkin.status, checkin.valid = "not_accepted", False
    if window.status == "review":
        window.status = "open"


def sweep(on: date) -> dict[str, int]:
    """Windows whose grace has passed without a valid check-in: missed, a visit task, maybe a referral."""
    due = db.session.scalars(
        select(CheckinWindow)
        .where(CheckinWindow.status == "open", CheckinWindow.grace_until < on)
        .order_by(CheckinWindow.grace_until, CheckinWindow.id)
    ).all()
    counts = {"missed": 0, "tasks": 0, "referrals": 0}
    for window in due:
        window.status = "missed"
        counts["missed"] += 1
        if (
            db.session.scalar(select(CheckinVisitTask.id).where(CheckinVisitTask.window_id == window.id))
            is None
        ):
            task = CheckinVisitTask(
                window_id=window.id, household_id=window.household_id, area_id=window.area_id
            )
            if not add_unless_duplicate(task):  # a concurrent sweep made it
                continue
            publish_task(task)
            counts["tasks"] += 1
        if _repeated_misses(window):
            counts["referrals"] += 1
    db.session.flush()
    return counts


def _repeated_misses(window: CheckinWindow) -> bool:
    policy, _ = policy_for_area(db.session.get(Area, window.area_id), window.opens_on)
    statuses = db.session.scalars(
        select(CheckinWindow.status)
        .where(
            CheckinWindow.entitlement_id == window.entitlement_id, CheckinWindow.person_id == window.person_id
        )
        .order_by(CheckinWindow.opens_on.desc())
        .limit(policy.checkin_missed_limit)
    ).all()
    misses = schedule.consecutive_misses(list(statuses))
    if misses < policy.checkin_missed_limit:
        return False
    detail = {"quarter": window.quarter, "consecutive_misses": misses}
    return refer(window, "repeated_misses", f"misses:{window.quarter}", detail) is not None
