"""How an application reads: to the resident (masked but for their own data), and for the submit check."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Row

from app.domain import stages, vocab
from app.domain.completeness import PART_KEYS
from app.domain.masking import mask_account, mask_id_number, mask_name, mask_phone
from app.models import Application, Member, Person
from app.services.actors import ResidentActor
from app.services.applications import EDITABLE_STAGES

_REASON_STAGES = frozenset({"needs_materials", "not_accepted", "rejected", "withdrawn"})


def _money(value: Any) -> str | None:
    return None if value is None else f"{value:.2f}"


class Disclosure:
    """Decides what a viewer sees in full: only their own identity data, and only once bound."""

    def __init__(self, viewer_id_hash: str | None, full_for_all: bool = False) -> None:
        self.viewer_id_hash = viewer_id_hash
        self.full_for_all = full_for_all

    def sees_in_full(self, person: Person) -> bool:
        """True when the viewer is this person (or may see everyone's data)."""
        return self.full_for_all or bool(self.viewer_id_hash and person.id_number_hash == self.viewer_id_hash)

    def person(self, person: Person) -> dict[str, Any]:
        """A person's fields, with ID number and phone masked unless the viewer is them."""
        full = self.sees_in_full(person)
        return {
            "name": person.name,
            "id_number": person.id_number if full else mask_id_number(person.id_number),
            "sex": person.sex,
            "birth_date": person.birth_date.isoformat() if person.birth_date else None,
            "phone": person.phone if full else mask_phone(person.phone),
            "work_capacity": person.work_capacity,
            "disability_grade": person.disability_grade,
            "serious_illness": person.serious_illness,
        }


def progress(application: Application) -> dict[str, Any]:
    """Stage, since when, who acts next, the due date, and the reason when one was given."""
    history = application.history
    last = history[-1] if history else None
    reason = last.opinion if last is not None and application.stage in _REASON_STAGES else None
    return {
        "stage": application.stage,
        "stage_label": stages.STAGES[application.stage],
        "open": stages.is_open(application.stage),
        "editable": application.stage in EDITABLE_STAGES,
        "can_withdraw": stages.is_open(application.stage),
        "since": last.created_at.isoformat() if last else application.created_at.isoformat(),
        "next_actor": stages.NEXT_ACTOR.get(application.stage),
        "due_date": application.due_date.isoformat() if application.due_date else None,
        "reason": reason,
        "timeline": [
            {
                "stage": event.to_stage,
                "stage_label": stages.STAGES[event.to_stage],
                "at": event.created_at.isoformat(),
                "by": _actor_label(event.actor_type, event.actor_role),
                "note": event.opinion,
            }
            for event in history
        ],
    }


def _actor_label(actor_type: str, role: str | None) -> str:
    if actor_type == "resident":
        return "申请人或代办人"
    if actor_type == "staff":
        return vocab.STAFF_ROLES.get(role or "", "工作人员")
    return "系统"


def application_heading(application: Application) -> dict[str, Any]:
    """What every list row of applications starts with: id, reference, program and stage with labels."""
    return {
        "id": application.id,
        "reference": application.reference,
        "program": application.program,
        "program_label": vocab.PROGRAMS[application.program],
        "stage": application.stage,
        "stage_label": stages.STAGES[application.stage],
    }


def summary_for_resident(application: Application) -> dict[str, Any]:
    """One line of 'my applications'."""
    return {
        **application_heading(application),
        "applicant_name": mask_name(application.applicant.name) if application.on_behalf else application.applicant.name,
        "on_behalf": application.on_behalf,
        "created_at": application.created_at.isoformat(),
        "updated_at": application.updated_at.isoformat(),
    }


def application_for_resident_view(application: Application, actor: ResidentActor) -> dict[str, Any]:
    """The whole application as the resident (or their proxy) reads it."""
    return application_document(application, Disclosure(actor.id_hash))


def application_document(application: Application, disclosure: Disclosure) -> dict[str, Any]:
    """The whole application, with personal data disclosed as `disclosure` allows."""
    return {
        "id": application.id,
        "reference": application.reference,
        "program": application.program,
        "program_label": vocab.PROGRAMS[application.program],
        "channel": application.channel,
        "version": application.version,
        "on_behalf": application.on_behalf,
        "proxy": (
            {
                "name": application.proxy_name,
                "relation": application.proxy_relation,
                "phone": mask_phone(application.proxy_phone) if not disclosure.full_for_all else application.proxy_phone,
            }
            if application.on_behalf
            else None
        ),
        **{key: section(application, disclosure) for key, section in _SECTIONS.items()},
        "progress": progress(application),
        "created_at": application.created_at.isoformat(),
        "submitted_at": application.submitted_at.isoformat() if application.submitted_at else None,
    }


def part_saved_view(application: Application | Row, actor: ResidentActor, part: str) -> dict[str, Any]:
    """What a part save answers: that part as now stored, the new version, and whether it is still editable.

    A part kept in the application row may come as that row alone (`save_part` saves those in one statement).

    Small on purpose (a phone on a slow network saves after every step); the whole document is one GET away.
    """
    disclosure = Disclosure(actor.id_hash)
    return {
        "id": application.id,
        "version": application.version,
        "stage": application.stage,
        "editable": application.stage in EDITABLE_STAGES,
        "part": part,
        **{key: _SECTIONS[key](application, disclosure) for key in PART_KEYS[part]},
    }


def _applicant_section(application: Application, disclosure: Disclosure) -> dict[str, Any]:
    household = application.household
    applicant_member = _applicant_member(application)
    return {
        "member_id": applicant_member.id if applicant_member else None,
        **disclosure.person(application.applicant),
        "area_code": application.area.code if application.area else None,
        "area_name": application.area.name if application.area else None,
        "household_type": household.household_type,
        "registered_address": household.registered_address,
        "current_address": household.current_address,
    }


def _members_section(application: Application, disclosure: Disclosure) -> list[dict[str, Any]]:
    applicant_member = _applicant_member(application)
    return [
        {"id": m.id, "relation": m.relation, "co_resident": m.co_resident, **disclosure.person(m.person)}
        for m in application.household.members
        if m is not applicant_member
    ]


def _expense(item: Any) -> dict[str, Any]:
    return {
        **_item(item, ("kind", "period")),
        "incurred_on": item.incurred_on.isoformat() if item.incurred_on else None,
        "reimbursed": _money(item.reimbursed),
    }


def _bank_section(application: Application, disclosure: Disclosure) -> dict[str, Any]:
    account = application.bank_account
    return {
        "bank_name": application.bank_name,
        "account": account if disclosure.full_for_all else mask_account(account),
        "holder": application.bank_account_holder,
    }


# The application document's sections, in order, and how each reads; saving a part answers with its own.
_SECTIONS: dict[str, Callable[[Application, Disclosure], Any]] = {
    "applicant": _applicant_section,
    "members": _members_section,
    "income": lambda a, _d: [_item(i, ("category", "period")) for i in a.household.incomes],
    "assets": lambda a, _d: [_item(i, ("kind", "quantity", "description")) for i in a.household.assets],
    "expenses": lambda a, _d: [_expense(i) for i in a.household.expenses],
    "bank": _bank_section,
    "reason": lambda a, _d: a.reason,
    "consent_to_verification": lambda a, _d: a.consent_to_verification,
}


def _item(item: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {
        "member_id": item.member_id,
        "amount": _money(item.amount),
        "note": item.note,
        **{f: getattr(item, f) for f in fields},
    }


def _applicant_member(application: Application) -> Member | None:
    return next((m for m in application.household.members if m.person_id == application.applicant_id), None)


def completeness_snapshot(application: Application) -> dict[str, Any]:
    """The plain values the pure submit check needs."""
    household = application.household
    applicant = application.applicant
    applicant_member = _applicant_member(application)
    return {
        "program": application.program,
        "on_behalf": application.on_behalf,
        "proxy": {"name": application.proxy_name, "relation": application.proxy_relation},
        "applicant_member_id": applicant_member.id if applicant_member else None,
        "applicant": {
            "name": applicant.name,
            "id_number": applicant.id_number,
            "phone": applicant.phone,
            "area_code": application.area.code if application.area else None,
            "area_is_village": bool(application.area and application.area.level == "village"),
            "household_type": household.household_type,
            "registered_address": household.registered_address,
            "current_address": household.current_address,
            "work_capacity": applicant.work_capacity,
        },
        "members": [
            {"id": m.id, "name": m.person.name, "id_number": m.person.id_number, "relation": m.relation}
            for m in household.members
            if m is not applicant_member
        ],
        "income": [{"member_id": i.member_id, "amount": i.amount} for i in household.incomes],
        "assets": [{"member_id": i.member_id} for i in household.assets],
        "expenses": [
            {"member_id": i.member_id, "amount": i.amount, "reimbursed": i.reimbursed} for i in household.expenses
        ],
        "bank": {
            "bank_name": application.bank_name,
            "account": application.bank_account,
            "holder": application.bank_account_holder,
        },
        "reason": application.reason,
        "consent_to_verification": application.consent_to_verification,
    }
