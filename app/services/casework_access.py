"""Finding casework subjects inside the staff member's area, and the casework clock.

Anything outside the caller's area is a 404 (never a 403), like everywhere else, so ids do not leak.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import select

from app.domain import stages
from app.domain.policy import AreaPolicy, HouseholdType
from app.errors import AppError, Conflict, NotFound
from app.extensions import db
from app.models import Application, Area, CaseFile, StaffUser
from app.services.actors import StaffActor
from app.services.policies import policy_for_area

CHINA = timezone(timedelta(hours=8))  # no daylight saving: a fixed offset needs no tz database
TOWNSHIP_ROLES = ("township_clerk", "township_reviewer")
CASE_READERS = ("village_assistant", "township_clerk", "township_reviewer", "county_officer")


def today() -> date:
    """Today in China; tests and demos pin it with the CASEWORK_TODAY setting (an ISO date)."""
    pinned = current_app.config.get("CASEWORK_TODAY")
    if pinned:
        return pinned if isinstance(pinned, date) else date.fromisoformat(str(pinned))
    return datetime.now(UTC).astimezone(CHINA).date()


def application_in_scope(actor: StaffActor, application_id: str) -> Application:
    """A submitted (non-draft) application in the caller's area, or 404."""
    application = db.session.get(Application, application_id) if len(application_id) <= 36 else None
    if (
        application is None
        or application.stage == "draft"
        or application.area is None
        or not actor.covers(application.area.path)
    ):
        raise NotFound("没有找到这份申请", code="application_not_found")
    return application


def case_file_of(application: Application) -> CaseFile | None:
    """The case file of an application (created at acceptance)."""
    return db.session.scalar(select(CaseFile).where(CaseFile.application_id == application.id))


def require_case_file(application: Application) -> CaseFile:
    """The case file, or 409 when the application has not been accepted yet."""
    case = case_file_of(application)
    if case is None:
        raise Conflict("申请尚未受理", code="not_accepted_yet")
    return case


def require_open(application: Application) -> None:
    """409 when the application is already closed."""
    if not stages.is_open(application.stage):
        raise Conflict(f"申请已{stages.STAGES[application.stage]}，不能再办理", code="application_closed")


def township_of(area: Area) -> Area:
    """The township an area belongs to (itself when it is one)."""
    node = area
    while node.level == "village" and node.parent is not None:
        node = node.parent
    if node.level != "township":
        raise AppError("这个地区不属于任何乡镇（街道）", code="not_in_a_township", status=422)
    return node


def area_in_scope(actor: StaffActor, code: str) -> Area:
    """An area by code inside the caller's area, or 404."""
    area = db.session.scalar(select(Area).where(Area.code == code[:12]))
    if area is None or not actor.covers(area.path):
        raise NotFound("没有找到这个地区", code="area_not_found")
    return area


def actor_area(actor: StaffActor) -> Area:
    """The caller's own area."""
    return db.session.get(Area, actor.area_id)


def policy_of(application: Application, on: date | None = None) -> AreaPolicy:
    """The policy in force for the application's area on a date (today by default)."""
    policy, _values = policy_for_area(application.area, on or today())
    return policy


def household_type_of(application: Application) -> HouseholdType:
    """Urban or rural (urban when not given)."""
    return HouseholdType(application.household.household_type or "urban")


def staff_in_scope_of(application: Application, staff_ids: list[str]) -> list[StaffUser]:
    """Active staff whose area contains the application's area or lies within its township."""
    township = township_of(application.area)
    found = list(db.session.scalars(select(StaffUser).where(StaffUser.id.in_(staff_ids), StaffUser.active)))
    usable = [
        s
        for s in found
        if s.role in ("village_assistant", *TOWNSHIP_ROLES)
        and (application.area.path.startswith(s.area.path) or s.area.path.startswith(township.path))
    ]
    if len(usable) != len(set(staff_ids)):
        raise AppError(
            "只能指派本乡镇（街道）及所属村（居）的工作人员",
            code="staff_not_in_area",
            status=422,
            errors={"staff_ids": ["包含不存在或不属于本辖区的工作人员"]},
        )
    return usable
