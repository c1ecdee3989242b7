"""Saving one part of a draft: applicant, members, income, assets, expenses, bank, reason, consent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Row, update

from app.domain.id_numbers import parse_id_number
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.models import Application, Area, AssetItem, ExpenseItem, IncomeItem, Member, Person
from app.models.types import utcnow
from app.services.actors import ResidentActor
from app.services.applications import (
    EDITABLE_STAGES,
    editable_application,
    ensure_no_other_open_application,
    flush_guarding_duplicates,
)
from app.services.areas import area_by_code

Saver = Callable[[ResidentActor, Application, dict[str, Any]], None]
_PERSON_FIELDS = ("name", "phone", "work_capacity", "disability_grade", "serious_illness")
_HOUSEHOLD_FIELDS = ("household_type", "registered_address", "current_address")


def save_part(actor: ResidentActor, application_id: str, part: str, data: dict[str, Any]) -> Application | Row:
    """Replace one part of an editable application with what the resident sent.

    Problems are reported under absolute paths (`applicant.id_number`, `income.0.member_id`), the same
    paths the submit check uses, so a client puts every message next to the same field.
    Parts kept in the application row itself come back as that row (what `part_saved_view` reads).
    """
    if part in _ROW_PARTS:
        saved = _save_row_part_of_own_application(actor, application_id, _ROW_PARTS[part](data))
        if saved is not None:
            return saved
    application = editable_application(actor, application_id)
    # One flush at the end, inside the duplicate guard: a lookup half-way (the area, say) would otherwise
    # write the rows in two goes, bumping the version twice and letting a lost race escape the guard.
    with db.session.no_autoflush:
        _SAVERS[part](actor, application, data)
    application.updated_at = utcnow()
    flush_guarding_duplicates()
    return application


def _save_row_part_of_own_application(actor: ResidentActor, application_id: str, values: dict[str, Any]) -> Row | None:
    """The common case in one statement: the resident who started the application, while it is editable.

    None when that does not hold; the general path then finds out why (someone else's or a missing
    application: 404; one past editing: 409; the bound applicant changing a returned one: allowed).
    The version goes up as the ORM's version counter would, so concurrent saves still conflict.
    Its WHERE is the creator half of `applications.visible_to` plus `EDITABLE_STAGES`: change them together.
    """
    if len(application_id) > 36:  # no such id; the general path answers 404
        return None
    table = Application.__table__
    statement = (
        update(table)
        .where(
            table.c.id == application_id,
            table.c.created_by_account_id == actor.account_id,
            table.c.stage.in_(EDITABLE_STAGES),
        )
        .values(**values, version=table.c.version + 1, updated_at=utcnow())
        .returning(*table.c)
    )
    return db.session.execute(statement).first()


def _set_person_id_number(person: Person, number: str | None) -> None:
    if number is None:
        person.set_id_number(None)
        return
    facts = parse_id_number(number)
    person.set_id_number(facts.number, facts.sex, facts.birth_date)


def _save_applicant(actor: ResidentActor, application: Application, data: dict[str, Any]) -> None:
    applicant = application.applicant
    for field in _PERSON_FIELDS:
        if field in data:
            value = data[field]
            setattr(applicant, field, bool(value) if field == "serious_illness" else value)
    if "id_number" in data:
        _set_person_id_number(applicant, data["id_number"])
        others = {m.person.id_number_hash for m in application.household.members if m.person is not applicant}
        if applicant.id_number_hash and applicant.id_number_hash in others:
            raise ValidationFailed(errors={"applicant.id_number": ["申请人的身份证号码和一位家庭成员重复了"]})
        application.applicant_id_hash = applicant.id_number_hash
        if applicant.id_number_hash:
            ensure_no_other_open_application(
                actor, applicant.id_number_hash, application.program, application.id, only_visible=True
            )
    household = application.household
    for field in _HOUSEHOLD_FIELDS:
        if field in data:
            setattr(household, field, data[field])
    if "area_code" in data:
        area = _area_or_422(data["area_code"]) if data["area_code"] else None
        application.area = area
        household.area_id = area.id if area else None


def _area_or_422(code: str) -> Area:
    try:
        return area_by_code(code)
    except NotFound as exc:
        raise ValidationFailed(errors={"applicant.area_code": ["没有找到这个村（社区），请重新选择"]}) from exc


_MEMBER_PERSON_FIELDS = ("name", "work_capacity", "disability_grade")


def _save_members(actor: ResidentActor, application: Application, data: dict[str, Any]) -> None:
    """Replace the member list; a member sent with its `id` keeps whatever it does not send again.

    Responses show other people's ID numbers masked, so a client resending a member without its
    number must not erase it.
    """
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
            member = Member(person=Person(), relation=None, co_resident=True)
            incoming = {"co_resident": True, "serious_illness": False, **incoming}
        person = member.person
        for field in _MEMBER_PERSON_FIELDS:
            if field in incoming:
                setattr(person, field, incoming[field])
        if "serious_illness" in incoming:
            person.serious_illness = bool(incoming["serious_illness"])
        if "id_number" in incoming:
            _set_person_id_number(person, incoming["id_number"])
        if "relation" in incoming:
            member.relation = incoming["relation"]
        if "co_resident" in incoming:
            member.co_resident = incoming["co_resident"]
        member.position = index + 1
        kept.append(member)
    if errors:
        raise ValidationFailed(errors=errors)
    removed = set(existing)
    if removed:  # only then can an item name a member who is gone (and only then are the items loaded)
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


def _replace_items(model: type, attribute: str, part: str) -> Saver:
    def save(_actor: ResidentActor, application: Application, data: dict[str, Any]) -> None:
        household = application.household
        member_ids = {m.id for m in household.members}
        errors = {
            f"{part}.{i}.member_id": ["请选择申请中的家庭成员"]
            for i, item in enumerate(data["items"])
            if item.get("member_id") and item["member_id"] not in member_ids
        }
        if errors:
            raise ValidationFailed(errors=errors)
        getattr(household, attribute)[:] = [
            model(household_id=household.id, position=i, **item) for i, item in enumerate(data["items"])
        ]

    return save


def _bank_values(data: dict[str, Any]) -> dict[str, Any]:
    fields = (("bank_name", "bank_name"), ("account", "bank_account"), ("holder", "bank_account_holder"))
    return {column: data[field] for field, column in fields if field in data}


def _reason_values(data: dict[str, Any]) -> dict[str, Any]:
    return {"reason": data["reason"]} if "reason" in data else {}


def _consent_values(data: dict[str, Any]) -> dict[str, Any]:
    consent = data["consent_to_verification"]
    return {"consent_to_verification": consent, "consent_at": utcnow() if consent else None}


# Parts that live in the application row: what each sets, for the one-statement path and the general one.
_ROW_PARTS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "bank": _bank_values,
    "reason": _reason_values,
    "consent": _consent_values,
}


def _row_saver(values: Callable[[dict[str, Any]], dict[str, Any]]) -> Saver:
    def save(_actor: ResidentActor, application: Application, data: dict[str, Any]) -> None:
        for column, value in values(data).items():
            setattr(application, column, value)

    return save


_SAVERS: dict[str, Saver] = {
    "applicant": _save_applicant,
    "members": _save_members,
    "income": _replace_items(IncomeItem, "incomes", "income"),
    "assets": _replace_items(AssetItem, "assets", "assets"),
    "expenses": _replace_items(ExpenseItem, "expenses", "expenses"),
    **{part: _row_saver(values) for part, values in _ROW_PARTS.items()},
}
