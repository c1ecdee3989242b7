"""Saving one part of a draft: applicant, members, income, assets, expenses, bank, reason, consent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.domain.id_numbers import parse_id_number
from app.errors import ValidationFailed
from app.extensions import db
from app.models import Application, AssetItem, ExpenseItem, IncomeItem, Member, Person
from app.models.types import utcnow
from app.services.actors import ResidentActor
from app.services.applications import (
    editable_application,
    ensure_no_other_open_application,
    flush_guarding_duplicates,
)
from app.services.areas import area_by_code

_PERSON_FIELDS = ("name", "phone", "work_capacity", "disability_grade", "serious_illness")
_HOUSEHOLD_FIELDS = ("household_type", "registered_address", "current_address")


def save_part(actor: ResidentActor, application_id: str, part: str, data: dict[str, Any]) -> Application:
    """Replace one part of an editable application with what the resident sent."""
    application = editable_application(actor, application_id)
    _SAVERS[part](application, data)
    application.updated_at = utcnow()
    flush_guarding_duplicates()
    return application


def _set_person_id_number(person: Person, number: str | None) -> None:
    if number is None:
        person.set_id_number(None)
        return
    facts = parse_id_number(number)
    person.set_id_number(facts.number, facts.sex, facts.birth_date)


def _save_applicant(application: Application, data: dict[str, Any]) -> None:
    applicant = application.applicant
    for field in _PERSON_FIELDS:
        if field in data:
            value = data[field]
            setattr(applicant, field, bool(value) if field == "serious_illness" else value)
    if "id_number" in data:
        _set_person_id_number(applicant, data["id_number"])
        others = {m.person.id_number_hash for m in application.household.members if m.person is not applicant}
        if applicant.id_number_hash and applicant.id_number_hash in others:
            raise ValidationFailed(errors={"id_number": ["申请人的身份证号码和一位家庭成员重复了"]})
        application.applicant_id_hash = applicant.id_number_hash
        if applicant.id_number_hash:
            ensure_no_other_open_application(applicant.id_number_hash, application.program, application.id)
    household = application.household
    for field in _HOUSEHOLD_FIELDS:
        if field in data:
            setattr(household, field, data[field])
    if "area_code" in data:
        area = area_by_code(data["area_code"]) if data["area_code"] else None
        household.area_id = application.area_id = area.id if area else None


def _save_members(application: Application, data: dict[str, Any]) -> None:
    household = application.household
    applicant_member = next(m for m in household.members if m.relation == "self")
    existing = {m.id: m for m in household.members if m is not applicant_member}
    kept: list[Member] = [applicant_member]
    errors: dict[str, list[str]] = {}
    for index, incoming in enumerate(data["members"]):
        member = existing.pop(incoming.get("id", ""), None)
        if incoming.get("id") and member is None:
            errors[f"members.{index}.id"] = ["这位家庭成员已不在申请中，请刷新后重试"]
            continue
        if member is None:
            member = Member(person=Person())
        person = member.person
        person.name = incoming.get("name")
        _set_person_id_number(person, incoming.get("id_number"))
        for field in ("work_capacity", "disability_grade", "serious_illness"):
            setattr(person, field, incoming.get(field))
        person.serious_illness = bool(incoming.get("serious_illness"))
        member.relation = incoming.get("relation")
        member.co_resident = incoming.get("co_resident", True)
        member.position = index + 1
        kept.append(member)
    if errors:
        raise ValidationFailed(errors=errors)
    removed = set(existing)
    for items in (household.incomes, household.assets, household.expenses):
        items[:] = [item for item in items if item.member_id not in removed]
    for member in existing.values():
        if _person_is_private(member):
            db.session.delete(member.person)
    household.members[:] = kept


def _person_is_private(member: Member) -> bool:
    """A person row created for this declaration only (not bound to any account) can go with it."""
    from app.models import ResidentAccount

    return db.session.query(ResidentAccount.id).filter_by(person_id=member.person_id).first() is None


def _replace_items(model: type, attribute: str) -> Callable[[Application, dict[str, Any]], None]:
    def save(application: Application, data: dict[str, Any]) -> None:
        household = application.household
        member_ids = {m.id for m in household.members}
        errors = {
            f"items.{i}.member_id": ["请选择申请中的家庭成员"]
            for i, item in enumerate(data["items"])
            if item.get("member_id") and item["member_id"] not in member_ids
        }
        if errors:
            raise ValidationFailed(errors=errors)
        getattr(household, attribute)[:] = [
            model(household_id=household.id, position=i, **item) for i, item in enumerate(data["items"])
        ]

    return save


def _save_bank(application: Application, data: dict[str, Any]) -> None:
    for field, column in (("bank_name", "bank_name"), ("account", "bank_account"), ("holder", "bank_account_holder")):
        if field in data:
            setattr(application, column, data[field])


def _save_reason(application: Application, data: dict[str, Any]) -> None:
    if "reason" in data:
        application.reason = data["reason"]


def _save_consent(application: Application, data: dict[str, Any]) -> None:
    application.consent_to_verification = data["consent_to_verification"]
    application.consent_at = utcnow() if data["consent_to_verification"] else None


_SAVERS: dict[str, Callable[[Application, dict[str, Any]], None]] = {
    "applicant": _save_applicant,
    "members": _save_members,
    "income": _replace_items(IncomeItem, "incomes"),
    "assets": _replace_items(AssetItem, "assets"),
    "expenses": _replace_items(ExpenseItem, "expenses"),
    "bank": _save_bank,
    "reason": _save_reason,
    "consent": _save_consent,
}
