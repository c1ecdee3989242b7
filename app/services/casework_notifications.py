"""Telling the resident about each visible step: one outbox row per event and account, sent by a job.

The row is written in the same transaction as the step and the job is enqueued only after commit.
`client_msg_id` is derived from the event, so a retried job can never deliver the same message twice
(WeChat de-duplicates it for 10 minutes, and a sent row is never sent again).
"""

from __future__ import annotations

import hashlib
from datetime import date

from flask import current_app
from sqlalchemy import select

from app.domain import stages, vocab
from app.extensions import db
from app.models import Application, Notification, Person, ResidentAccount
from app.queue import enqueue_after_commit

TEMPLATE_SETTINGS = {
    "status": ("WECHAT_TEMPLATE_STATUS", "TPL_STATUS_CHANGED"),
    "materials": ("WECHAT_TEMPLATE_MATERIALS", "TPL_MATERIALS_NEEDED"),
}


def template_id(kind: str) -> str:
    """The template id configured for a kind of message."""
    setting, default = TEMPLATE_SETTINGS[kind]
    return current_app.config.get(setting) or default


def client_msg_id(event_key: str) -> str:
    """A stable id for WeChat's de-duplication, derived from the event (≤ 64 characters)."""
    return hashlib.sha256(event_key.encode()).hexdigest()[:32]


def recipients(application: Application) -> list[ResidentAccount]:
    """The account that made the application and the applicant's own account once bound."""
    accounts: dict[str, ResidentAccount] = {}
    if application.created_by_account_id:
        creator = db.session.get(ResidentAccount, application.created_by_account_id)
        if creator is not None:
            accounts[creator.id] = creator
    if application.applicant_id_hash:
        bound = db.session.scalars(
            select(ResidentAccount)
            .join(Person, ResidentAccount.person_id == Person.id)
            .where(Person.id_number_hash == application.applicant_id_hash)
        )
        for account in bound:
            accounts.setdefault(account.id, account)
    return list(accounts.values())


def notify_step(
    application: Application, event_key: str, on: date, remark: str, kind: str = "status"
) -> list[Notification]:
    """Queue one message per recipient about the application's current stage (no personal data)."""
    from app.jobs.notifications import send_notification

    created = []
    base_url = current_app.config.get("RESIDENT_H5_URL") or ""
    for account in recipients(application):
        key = f"{event_key}:{account.id}"
        if db.session.scalar(select(Notification.id).where(Notification.event_key == key)):
            continue
        notification = Notification(
            event_key=key,
            application_id=application.id,
            account_id=account.id,
            template_id=template_id(kind),
            data={
                "first": f"您的{vocab.PROGRAMS[application.program]}申请有新进展",
                "keyword1": application.reference,
                "keyword2": stages.STAGES[application.stage],
                "keyword3": on.isoformat(),
                "remark": remark[:200],
            },
            url=f"{base_url}#/applications/{application.id}" if base_url else None,
            client_msg_id=client_msg_id(key),
        )
        db.session.add(notification)
        db.session.flush()
        enqueue_after_commit(send_notification, notification.id, job_id=f"notify-{notification.id}")
        created.append(notification)
    return created


def retry_failed(area_path: str, limit: int = 200) -> int:
    """Queue again the failed messages of applications in an area; returns how many."""
    from app.jobs.notifications import send_notification
    from app.models import Area

    rows = db.session.scalars(
        select(Notification)
        .join(Application, Notification.application_id == Application.id)
        .join(Area, Application.area_id == Area.id)
        .where(Notification.status == "failed", Area.path.startswith(area_path))
        .limit(limit)
    ).all()
    for row in rows:
        enqueue_after_commit(send_notification, row.id, job_id=f"notify-{row.id}-retry-{row.attempts}")
    return len(rows)
