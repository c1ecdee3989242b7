"""Which villages a staff member's devices sync: assignments of field workers to villages.

A village assistant syncs the villages assigned to them; until anyone assigns them (no assignment
row, ended or not, exists), the village their account is in. Township and county staff sync every
village under their area. Assignments are changed by township or county staff (or admins) inside
their own area; ended rows stay as history, and a worker whose villages changed is told at their
next pull (records of a village they lost are revoked, a village they gained is sent in full).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.errors import Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.models import Area, FieldAssignment, StaffUser
from app.models.types import utcnow
from app.services.actors import StaffActor
from app.services.audit import record_audit

FIELD_WORKER = "village_assistant"
ASSIGNING_ROLES = ("township_clerk", "township_reviewer", "county_officer", "admin")


def villages_of_staff(staff: StaffUser) -> list[int]:
    """Area ids of the villages whose households this staff member's devices sync (sorted)."""
    if staff.role == FIELD_WORKER:
        rows = db.session.execute(
            select(FieldAssignment.area_id, FieldAssignment.ended_at).where(
                FieldAssignment.staff_id == staff.id
            )
        ).all()
        if rows:
            return sorted({area_id for area_id, ended in rows if ended is None})
        return [staff.area_id] if staff.area.level == "village" else []
    return sorted(
        db.session.scalars(
            select(Area.id).where(Area.path.startswith(staff.area.path), Area.level == "village")
        )
    )


def villages_of_actor(actor: StaffActor) -> list[int]:
    """The villages of the signed-in staff member."""
    return villages_of_staff(db.session.get(StaffUser, actor.staff_id))


def staff_in_area(actor: StaffActor) -> Any:
    """A subquery of the ids of staff whose area lies in the actor's (their phones and ops are the actor's to review)."""
    return select(StaffUser.id).join(Area, Area.id == StaffUser.area_id).where(Area.path.startswith(actor.area_path))


def areas_by_id(area_ids: list[int]) -> dict[int, Area]:
    """Area rows by id."""
    if not area_ids:
        return {}
    return {
        area.id: area for area in db.session.scalars(select(Area).where(Area.id.in_(sorted(set(area_ids)))))
    }


def village_summaries(area_ids: list[int]) -> list[dict[str, Any]]:
    """Code and name of each village, for responses."""
    found = areas_by_id(area_ids)
    return [{"code": found[i].code, "name": found[i].name} for i in sorted(found)]


def _assignable_worker(actor: StaffActor, staff_id: str) -> StaffUser:
    worker = db.session.get(StaffUser, staff_id) if len(staff_id) <= 36 else None
    if worker is None or not actor.covers(worker.area.path):
        raise NotFound("没有找到这名工作人员", code="staff_not_found")
    if worker.role != FIELD_WORKER:
        raise ValidationFailed("只能给村（居）协理员分配村（社区）", code="not_a_field_worker")
    return worker


def assignments_view(actor: StaffActor, staff_id: str) -> dict[str, Any]:
    """A field worker's villages now, and whether they are the default (their own village)."""
    worker = _assignable_worker(actor, staff_id)
    explicit = db.session.scalar(
        select(FieldAssignment.id).where(FieldAssignment.staff_id == worker.id).limit(1)
    )
    return {
        "staff_id": worker.id,
        "villages": village_summaries(villages_of_staff(worker)),
        "is_default": explicit is None,
    }


def set_assignments(actor: StaffActor, staff_id: str, village_codes: list[str]) -> dict[str, Any]:
    """Replace a field worker's villages; each must be a village inside the actor's area."""
    worker = _assignable_worker(actor, staff_id)
    codes = sorted(set(village_codes))
    villages = list(db.session.scalars(select(Area).where(Area.code.in_(codes)))) if codes else []
    problems = [
        f"{area.code}: 不是村（社区）" if area.level != "village" else f"{area.code}: 不在您管辖的地区内"
        for area in villages
        if area.level != "village" or not actor.covers(area.path)
    ]
    problems += [f"{code}: 没有这个村（社区）" for code in sorted(set(codes) - {a.code for a in villages})]
    if problems:
        raise ValidationFailed(errors={"village_codes": problems})
    wanted = {area.id for area in villages}
    current_rows = list(
        db.session.scalars(
            select(FieldAssignment).where(
                FieldAssignment.staff_id == worker.id, FieldAssignment.ended_at.is_(None)
            )
        )
    )
    current_ids = {row.area_id for row in current_rows}
    has_history = db.session.scalar(
        select(FieldAssignment.id).where(FieldAssignment.staff_id == worker.id).limit(1)
    )
    now = utcnow()
    for row in current_rows:
        if row.area_id not in wanted:
            row.ended_at = now
    db.session.add_all(
        FieldAssignment(
            staff_id=worker.id, area_id=area_id, assigned_by_staff_id=actor.staff_id, assigned_at=now
        )
        for area_id in sorted(wanted - current_ids)
    )
    if not wanted and has_history is None:
        # An explicit "no villages" must outlive the default: keep an ended row as the marker.
        db.session.add(
            FieldAssignment(
                staff_id=worker.id,
                area_id=worker.area_id,
                assigned_by_staff_id=actor.staff_id,
                assigned_at=now,
                ended_at=now,
            )
        )
    record_audit(actor, "field.assignments_set", "staff_user", worker.id, {"villages": codes})
    db.session.flush()
    return assignments_view(actor, staff_id)


def require_field_roles(actor: StaffActor, roles: tuple[str, ...]) -> None:
    """Forbidden unless the actor has one of `roles`."""
    if actor.role not in roles:
        raise Forbidden()
