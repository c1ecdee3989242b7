"""The one-round public notice (一榜公示), objections, and the long-term list of approved households.

What the public sees is fixed when the notice is posted: a masked name, the household size, a
reason with number runs removed and names masked, the program and the village. Never an ID number,
a full name or an address.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select

from app.domain import stages, vocab
from app.domain.casework_rules import HEARING_REQUIRED, LONG_TERM_PROGRAMS, public_reason
from app.domain.masking import mask_name
from app.errors import NotFound, TooManyRequests
from app.extensions import db
from app.models import Application, Area, CaseFile, Entitlement, Objection, PublicNotice
from app.models.types import utcnow
from app.security.crypto import lookup_hash
from app.services.applications import record_stage
from app.services.areas import area_by_code
from app.services.casework_access import today
from app.services.casework_notifications import notify_step

POSTED, LONG_TERM, REMOVED = "posted", "long_term", "removed"
OBJECTION_STAGES = frozenset(stages.TRANSITIONS["objection"].sources)


def post_notice(application: Application, reason_text: str | None, on: date) -> PublicNotice | None:
    """Post the notice at acceptance (低保/特困 only; temporary assistance is not noticed)."""
    if application.program not in LONG_TERM_PROGRAMS:
        return None
    household = application.household
    names = [m.person.name for m in household.members if m.person.name]
    notice = PublicNotice(
        application_id=application.id,
        area_id=application.area_id,
        program=application.program,
        masked_name=mask_name(application.applicant.name) or "",
        household_size=sum(1 for m in household.members if m.co_resident),
        reason=public_reason(reason_text or application.reason, names),
        status=POSTED,
        posted_on=on,
    )
    db.session.add(notice)
    return notice


def notice_of(application: Application) -> PublicNotice | None:
    """The notice of an application, if it has one."""
    return db.session.scalar(select(PublicNotice).where(PublicNotice.application_id == application.id))


def close_notice(application: Application, approved: bool, on: date) -> None:
    """At the decision: approved 低保/特困 stay on the long-term list; everything else comes down."""
    notice = notice_of(application)
    if notice is None:
        return
    notice.status = LONG_TERM if approved else REMOVED
    notice.closed_on = on


def remove_from_long_term(application_id: str, on: date) -> None:
    """An entitlement ended: the household leaves the long-term list."""
    notice = db.session.scalar(select(PublicNotice).where(PublicNotice.application_id == application_id))
    if notice is not None and notice.status == LONG_TERM:
        notice.status = REMOVED
        notice.closed_on = on


def public_notices(area_code: str, long_term: bool) -> dict[str, Any]:
    """Posted notices (or the long-term list) in a village or township, as the public may read them."""
    area = area_by_code(area_code)
    query = (
        select(PublicNotice, Area)
        .join(Area, PublicNotice.area_id == Area.id)
        .where(Area.path.startswith(area.path), PublicNotice.status == (LONG_TERM if long_term else POSTED))
        .order_by(PublicNotice.posted_on.desc(), PublicNotice.id)
    )
    if not long_term:
        query = query.join(Application, Application.id == PublicNotice.application_id).where(
            Application.stage.in_(sorted(stages.OPEN_STAGES))
        )
    if long_term:
        query = query.join(Entitlement, Entitlement.application_id == PublicNotice.application_id).where(
            Entitlement.state != "terminated"
        )
    return {
        "area": {"code": area.code, "name": area.name, "level": area.level},
        "items": [_public_view(notice, village) for notice, village in db.session.execute(query)],
    }


def _public_view(notice: PublicNotice, village: Area) -> dict[str, Any]:
    return {
        "id": notice.id,
        "name": notice.masked_name,
        "household_size": notice.household_size,
        "program": notice.program,
        "program_label": vocab.PROGRAMS[notice.program],
        "reason": notice.reason,
        "area_code": village.code,
        "area_name": village.name,
        "posted_on": notice.posted_on.isoformat(),
        "status": notice.status,
    }


def file_objection(notice_id: str, body: dict[str, Any], source: str | None) -> dict[str, Any]:
    """Record an objection; an open case goes back to investigation and needs a hearing.

    `source` is the sender's address: one address may file a few objections an hour, and one phone one
    objection per notice a day, so a flood cannot bury the real ones (or keep a case in investigation).
    """
    notice = db.session.get(PublicNotice, notice_id) if len(notice_id) <= 36 else None
    if notice is None or notice.status != POSTED:
        raise NotFound("没有找到这条公示，或公示已结束", code="notice_not_found")
    application = db.session.get(Application, notice.application_id)
    case = db.session.scalar(select(CaseFile).where(CaseFile.application_id == application.id))
    if case is None or not stages.is_open(application.stage):
        raise NotFound("没有找到这条公示，或公示已结束", code="notice_not_found")
    phone_hash, source_hash = lookup_hash(f"phone:{body['contact_phone']}"), _source_hash(source)
    _refuse_floods(notice.id, phone_hash, source_hash)
    objection = Objection(
        notice_id=notice.id,
        application_id=application.id,
        content=body["content"],
        contact_name=body["contact_name"],
        contact_phone=body["contact_phone"],
        phone_hash=phone_hash,
        source_hash=source_hash,
    )
    db.session.add(objection)
    case.hearing_status = HEARING_REQUIRED
    case.hearing_reasons = sorted({*(case.hearing_reasons or []), "objection"})
    if application.stage in OBJECTION_STAGES:
        target = stages.next_stage(application.stage, "objection", stages.PUBLIC)
        event = record_stage(
            application, "objection", application.stage, target, None, "公示期间收到异议，转入补充调查"
        )
        application.stage = target
        db.session.flush()
        notify_step(application, f"stage:{event.id}", today(), "公示期间收到群众意见，工作人员将补充调查")
    db.session.flush()
    return {"id": objection.id, "received": True, "message": "您的意见已收到，工作人员会核实处理"}


OBJECTIONS_PER_SOURCE_PER_HOUR = 10


def _source_hash(source: str | None) -> str | None:
    return lookup_hash(f"source:{source}") if source else None


def _refuse_floods(notice_id: str, phone_hash: str, source_hash: str | None) -> None:
    now = utcnow()
    same_phone = select(func.count()).where(
        Objection.phone_hash == phone_hash,
        Objection.notice_id == notice_id,
        Objection.created_at > now - timedelta(days=1),
    )
    if db.session.scalar(same_phone):
        raise TooManyRequests(
            "您对这条公示的意见已经收到了，工作人员会核实处理，请不要重复提交", code="objection_already_received"
        )
    if source_hash:
        recent = select(func.count()).where(
            Objection.source_hash == source_hash, Objection.created_at > now - timedelta(hours=1)
        )
        if db.session.scalar(recent) >= OBJECTIONS_PER_SOURCE_PER_HOUR:
            raise TooManyRequests("提交太频繁了，请过一小时再试", code="too_many_objections")


def objections_of(application: Application) -> list[dict[str, Any]]:
    """Objections to a case as staff read them (the objector's phone masked)."""
    from app.domain.masking import mask_phone

    rows = db.session.scalars(
        select(Objection).where(Objection.application_id == application.id).order_by(Objection.created_at)
    )
    return [
        {
            "id": row.id,
            "content": row.content,
            "contact_name": row.contact_name,
            "contact_phone": mask_phone(row.contact_phone),
            "created_at": row.created_at.isoformat(),
        }
        for row in rows
    ]
