"""Filing review (备案审查): the township's register of cadres and their relatives, and the county's filing.

A case is flagged when the applicant or a household member is on the register of the township;
the township cannot finish it until the county has filed it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.domain.casework_rules import FILING_FILED, FILING_NOT_REQUIRED, FILING_PENDING
from app.domain.masking import mask_id_number
from app.errors import Conflict, NotFound
from app.extensions import db
from app.models import Application, CaseFile, RelativeRegisterEntry
from app.models.types import utcnow
from app.security.crypto import lookup_hash
from app.services.actors import StaffActor
from app.services.audit import record_audit
from app.services.casework_access import application_in_scope, area_in_scope, require_case_file, township_of


def register_entries(actor: StaffActor, township_code: str) -> list[dict[str, Any]]:
    """The active register of a township in the caller's area (ID numbers masked; the read is audited)."""
    township = township_of(area_in_scope(actor, township_code))
    record_audit(actor, "register.read", "relative_register", None, {"township": township.code})
    rows = db.session.scalars(
        select(RelativeRegisterEntry)
        .where(RelativeRegisterEntry.area_id == township.id, RelativeRegisterEntry.active)
        .order_by(RelativeRegisterEntry.created_at)
    )
    return [_entry_view(row, township.code) for row in rows]


def add_register_entry(actor: StaffActor, body: dict[str, Any]) -> dict[str, Any]:
    """Add a cadre, public employee or close relative of one to the township's register."""
    township = township_of(area_in_scope(actor, body["township_code"]))
    entry = RelativeRegisterEntry(
        area_id=township.id,
        name=body["name"],
        id_number=body["id_number"],
        id_number_hash=lookup_hash(body["id_number"]),
        cadre_name=body["cadre_name"],
        position=body["position"],
        relation_to_cadre=body["relation_to_cadre"],
        created_by_staff_id=actor.staff_id,
    )
    db.session.add(entry)
    db.session.flush()
    record_audit(actor, "register.add", "relative_register", entry.id, {"township": township.code})
    return _entry_view(entry, township.code)


def remove_register_entry(actor: StaffActor, entry_id: str) -> None:
    """Take an entry off the register (kept, marked inactive)."""
    entry = db.session.get(RelativeRegisterEntry, entry_id) if len(entry_id) <= 36 else None
    if entry is None or not entry.active or not _entry_in_scope(actor, entry):
        raise NotFound("没有找到这条登记", code="register_entry_not_found")
    entry.active = False
    record_audit(actor, "register.remove", "relative_register", entry.id)
    db.session.flush()


def _entry_in_scope(actor: StaffActor, entry: RelativeRegisterEntry) -> bool:
    from app.models import Area

    area = db.session.get(Area, entry.area_id)
    return area is not None and actor.covers(area.path)


def _entry_view(entry: RelativeRegisterEntry, township_code: str) -> dict[str, Any]:
    return {
        "id": entry.id,
        "township_code": township_code,
        "name": entry.name,
        "id_number": mask_id_number(entry.id_number),
        "cadre_name": entry.cadre_name,
        "position": entry.position,
        "relation_to_cadre": entry.relation_to_cadre,
    }


def flag_if_related(application: Application, case: CaseFile) -> None:
    """Flag the case for filing when anyone in the household is on the township's register."""
    township = township_of(application.area)
    members = {
        m.person.id_number_hash: m.relation for m in application.household.members if m.person.id_number_hash
    }
    if not members:
        return
    hits = db.session.scalars(
        select(RelativeRegisterEntry).where(
            RelativeRegisterEntry.area_id == township.id,
            RelativeRegisterEntry.active,
            RelativeRegisterEntry.id_number_hash.in_(list(members)),
        )
    ).all()
    if hits and case.filing_status != FILING_FILED:
        case.filing_status = FILING_PENDING
        case.filing_matches = [
            {
                "register_entry_id": hit.id,
                "member_relation": members[hit.id_number_hash],
                "position": hit.position,
                "relation_to_cadre": hit.relation_to_cadre,
            }
            for hit in hits
        ]
    elif not hits and case.filing_status == FILING_PENDING:
        case.filing_status, case.filing_matches = FILING_NOT_REQUIRED, []


def file_case(actor: StaffActor, application_id: str, opinion: str) -> Application:
    """The county files a flagged case, so the township may finish it."""
    application = application_in_scope(actor, application_id)
    case = require_case_file(application)
    if case.filing_status != FILING_PENDING:
        raise Conflict("这份申请不需要备案或已经备案", code="filing_not_pending")
    case.filing_status = FILING_FILED
    case.filed_at = utcnow()
    case.filed_by_staff_id = actor.staff_id
    case.filing_opinion = opinion
    # Not a step of the application the resident follows: recorded on the file and in the audit log.
    record_audit(actor, "case.filed", "application", application.id, {"opinion_length": len(opinion)})
    db.session.flush()
    return application
