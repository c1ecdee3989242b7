"""Check-in windows: opening a quarter for every covered person of every active entitlement, the one
reminder per window, and what a resident may see of their windows.

Idempotency: a window is unique per (entitlement, person, quarter), so running `open_windows` twice,
or twice at once, makes each window once (a concurrent insert loses on the constraint inside a
savepoint and is skipped). A reminder is a `notifications` row whose `event_key` names the window
and the account (unique), so it is queued once however often or concurrently the command runs, and
its `client_msg_id` comes from that key, so WeChat drops a duplicate send as well.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import or_, select

from app.domain import checkin_schedule as schedule
from app.domain.entitlements import PAYING_STATES
from app.errors import NotFound
from app.extensions import db
from app.models import (
    Application,
    Area,
    CheckinWindow,
    Decision,
    Entitlement,
    Notification,
    Person,
    ResidentAccount,
)
from app.queue import enqueue_after_commit
from app.services.actors import ResidentActor
from app.services.casework_notifications import client_msg_id
from app.services.policies import policy_for_area
from app.services.transaction import add_unless_duplicate

REMINDER_TEMPLATE = ("WECHAT_TEMPLATE_CHECKIN", "TPL_CHECKIN_REMINDER")
WINDOW_STATUSES = {
    "open": "待打卡",
    "processing": "正在核验",
    "checked_in": "已完成打卡",
    "review": "工作人员核实中",
    "missed": "未按时打卡，工作人员将上门",
}


def covered_person_ids(entitlement: Entitlement) -> list[str]:
    """The persons an entitlement covers: the covered members of its decision, else the applicant."""
    application = entitlement.application
    decision = db.session.scalar(select(Decision).where(Decision.application_id == application.id))
    covered = set((decision.assessment or {}).get("covered_member_ids") or []) if decision else set()
    persons = [m.person_id for m in application.household.members if m.id in covered]
    return persons or [application.applicant_id]


def open_windows(quarter: str) -> int:
    """Make the quarter's window for every covered person of every paying entitlement; returns how many new."""
    start = schedule.quarter_start(quarter)
    entitlements = db.session.scalars(
        select(Entitlement).where(
            Entitlement.state.in_(sorted(PAYING_STATES)), Entitlement.start_month <= start
        )
    ).unique()
    existing = set(
        db.session.execute(
            select(CheckinWindow.entitlement_id, CheckinWindow.person_id).where(
                CheckinWindow.quarter == quarter
            )
        ).all()
    )
    created = 0
    for entitlement in entitlements:
        area = db.session.get(Area, entitlement.area_id)
        policy, _ = policy_for_area(area, start)
        dates = schedule.window_dates(quarter, policy.checkin_window_days, policy.checkin_grace_days)
        for person_id in covered_person_ids(entitlement):
            if (entitlement.id, person_id) in existing:
                continue
            window = CheckinWindow(
                entitlement_id=entitlement.id, person_id=person_id, household_id=entitlement.household_id,
                area_id=entitlement.area_id, quarter=quarter, opens_on=dates.opens_on,
                closes_on=dates.closes_on, grace_until=dates.grace_until, status="open",
            )  # fmt: skip
            if add_unless_duplicate(window):  # else another run made it at the same moment
                created += 1
    db.session.flush()
    return created


def reminder_recipients(window: CheckinWindow, entitlement: Entitlement) -> list[ResidentAccount]:
    """The person's own bound account(s) and the account that applied for them (guardian, proxy)."""
    person = db.session.get(Person, window.person_id)
    condition = ResidentAccount.id == entitlement.application.created_by_account_id
    if person.id_number_hash:
        bound = select(Person.id).where(Person.id_number_hash == person.id_number_hash)
        condition = or_(condition, ResidentAccount.person_id.in_(bound))
    return list(db.session.scalars(select(ResidentAccount).where(condition).order_by(ResidentAccount.id)))


def send_reminders(on: date) -> list[str]:
    """Queue one reminder per open window closing soon and per recipient; returns the notification ids."""
    from app.jobs.notifications import send_notification

    windows = db.session.scalars(
        select(CheckinWindow).where(CheckinWindow.status == "open", CheckinWindow.closes_on >= on)
    ).all()
    setting, default = REMINDER_TEMPLATE
    template = current_app.config.get(setting) or default
    base_url = current_app.config.get("RESIDENT_H5_URL") or ""
    queued = []
    for window in windows:
        policy, _ = policy_for_area(db.session.get(Area, window.area_id), window.opens_on)
        dates = schedule.WindowDates(window.opens_on, window.closes_on, window.grace_until)
        if not schedule.reminder_due(on, dates, policy.checkin_reminder_days):
            continue
        entitlement = db.session.get(Entitlement, window.entitlement_id)
        for account in reminder_recipients(window, entitlement):
            key = f"checkin-reminder:{window.id}:{account.id}"
            if db.session.scalar(select(Notification.id).where(Notification.event_key == key)):
                continue
            notification = Notification(
                # Linked to the entitlement's application, so the township's retry of failed messages
                # (`retry_failed`, by area) covers reminders too.
                event_key=key, application_id=entitlement.application_id, account_id=account.id,
                template_id=template,
                data={"first": "请完成本季度的打卡签到", "keyword1": window.quarter,
                      "keyword2": f"{window.closes_on.isoformat()}前", "remark": "打开“我的保障”拍一张正面照片即可完成。"},
                url=f"{base_url}#/checkins" if base_url else None, client_msg_id=client_msg_id(key),
            )  # fmt: skip
            if not add_unless_duplicate(notification):  # a concurrent run queued it
                continue
            queued.append(notification.id)
            enqueue_after_commit(send_notification, notification.id, job_id=f"notify-{notification.id}")
    return queued


def _resident_condition(actor: ResidentActor) -> Any:
    applied = select(Application.id).where(Application.created_by_account_id == actor.account_id)
    condition = Entitlement.application_id.in_(applied)
    if actor.id_hash:
        own = select(Person.id).where(Person.id_number_hash == actor.id_hash)
        condition = or_(condition, CheckinWindow.person_id.in_(own))
    return condition


def windows_of_resident(actor: ResidentActor) -> list[CheckinWindow]:
    """The windows of the persons this resident is or applied for, newest first."""
    query = (
        select(CheckinWindow)
        .join(Entitlement, Entitlement.id == CheckinWindow.entitlement_id)
        .where(_resident_condition(actor))
        .order_by(CheckinWindow.opens_on.desc(), CheckinWindow.id)
    )
    return list(db.session.scalars(query))


def window_for_resident(actor: ResidentActor, window_id: str) -> CheckinWindow:
    """One window this resident may see and submit to, or 404."""
    query = (
        select(CheckinWindow)
        .join(Entitlement, Entitlement.id == CheckinWindow.entitlement_id)
        .where(CheckinWindow.id == window_id[:36], _resident_condition(actor))
    )
    window = db.session.scalar(query)
    if window is None:
        raise NotFound("没有找到这次打卡", code="checkin_window_not_found")
    return window


def window_view(window: CheckinWindow) -> dict[str, Any]:
    """A window as its resident reads it (the person's name masked; no place, no photo)."""
    from app.domain.masking import mask_name

    person = db.session.get(Person, window.person_id)
    return {
        "id": window.id,
        "quarter": window.quarter,
        "person_name": mask_name(person.name),
        "opens_on": window.opens_on.isoformat(),
        "closes_on": window.closes_on.isoformat(),
        "grace_until": window.grace_until.isoformat(),
        "status": window.status,
        "status_label": WINDOW_STATUSES.get(window.status, window.status),
    }
