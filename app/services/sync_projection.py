"""Projecting merged field records into the relational tables the rest of the system reads.

After a batch is merged, the displayed value of every field (the deterministic default while a
conflict is open) is written into households, persons + household_members, income/asset/expense
items, applications and field_visits, with the same ids as the synced records (a member's person
gets an id derived from the member's). ID numbers and phones go into the encrypted columns with
the lookup hash, as everywhere else. Deletes are update-wins in the merge, so the projection must be
reversible: members and items are deleted and re-created from their state if restored; households
and applications stay (history points at them) and carry the deletion in `sync_records.deleted`.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select, update

from app.domain import stages
from app.domain.id_numbers import parse_id_number
from app.errors import AppError
from app.extensions import db
from app.models import (
    Application,
    AssetItem,
    ExpenseItem,
    FieldVisit,
    Household,
    IncomeItem,
    Member,
    Person,
    StaffUser,
)
from app.models.types import utcnow
from app.security.crypto import lookup_hash
from app.services.actors import StaffActor
from app.services.applications import move, new_reference, record_stage
from app.services.sync_sealing import is_token, reveal
from app.services.sync_store import from_json, to_json, upsert
from sync.merge import displayed_values

_PEOPLE = uuid.UUID("2b1f8a0e-4c55-4a3e-9d5c-6f0a8b7c1d23")
ITEM_TABLES = {"income": IncomeItem, "asset": AssetItem, "expense": ExpenseItem}
ITEM_COLUMNS = {
    "income": ("category", "amount", "period", "note"),
    "asset": ("kind", "quantity", "amount", "description", "note"),
    "expense": ("kind", "amount", "reimbursed", "period", "incurred_on", "note"),
}
_ITEM_DEFAULTS = {"income": {"period": "monthly"}, "asset": {"quantity": 1}, "expense": {"period": "yearly"}}
EDITABLE_STAGES = ("draft", "needs_materials")


def person_id_for(member_id: str) -> str:
    """The person row a synced member is projected into."""
    return str(uuid.uuid5(_PEOPLE, member_id))


def project(records: list[Any], actor: StaffActor, sealed_rows: list[dict[str, Any]]) -> None:
    """Write the displayed values of these changed records into the relational tables."""
    by_entity: dict[str, list[tuple[Any, dict[str, Any]]]] = {}
    tokens = []
    for record in records:
        values = displayed_values(record.state)
        by_entity.setdefault(record.entity, []).append((record, values))
        tokens += [v["hash"] for v in values.values() if is_token(v)]
    clear = {row["value_hash"]: row["ciphertext"] for row in sealed_rows}
    clear.update(reveal(set(tokens) - set(clear)))
    now = utcnow()
    _households(by_entity.get("household", []), now)
    _members(by_entity.get("member", []), clear, now)
    for entity in ITEM_TABLES:
        _items(entity, by_entity.get(entity, []))
    for record, values in by_entity.get("application", []):
        _application(record, values, actor)
    _visits(by_entity.get("visit", []), now)
    if by_entity.get("checkin"):
        from app.services.checkin_field import record_assisted_checkins

        record_assisted_checkins(by_entity["checkin"], actor)


def _households(rows: list[tuple[Any, dict]], now: datetime) -> None:
    upsert(
        Household.__table__,
        [
            {
                "id": record.record_id,
                "area_id": record.area_id,
                "household_type": values.get("household_type"),
                "registered_address": values.get("registered_address"),
                "current_address": values.get("current_address"),
                "created_at": now,
                "updated_at": now,
            }
            for record, values in rows
        ],
        ["id"],
        ["area_id", "household_type", "registered_address", "current_address", "updated_at"],
    )


def _clear(value: Any, clear: dict[str, str]) -> str | None:
    return clear.get(value["hash"]) if is_token(value) else None


def _members(rows: list[tuple[Any, dict]], clear: dict[str, str], now: datetime) -> None:
    people, memberships, gone, back = [], [], [], []
    for record, values in rows:
        number = _clear(values.get("id_number"), clear)
        facts = parse_id_number(number) if number else None
        people.append(
            {
                "id": person_id_for(record.record_id),
                "name": values.get("name"),
                "id_number": number,
                "id_number_hash": lookup_hash(number) if number else None,
                "sex": facts.sex if facts else None,
                "birth_date": facts.birth_date if facts else None,
                "phone": _clear(values.get("phone"), clear),
                "disability_grade": values.get("disability_grade"),
                "serious_illness": bool(values.get("serious_illness", False)),
                "work_capacity": values.get("work_capacity"),
                "created_at": now,
                "updated_at": now,
            }
        )
        if record.state["deleted"]:
            gone.append(record.record_id)
            continue
        if record.was_deleted:
            back.append(record)
        memberships.append(
            {
                "id": record.record_id,
                "household_id": record.household_id,
                "person_id": person_id_for(record.record_id),
                "relation": values.get("relation"),
                "co_resident": bool(values.get("co_resident", True)),
                "position": values.get("position", 0),
            }
        )
    person_columns = [c for c in people[0] if c not in ("id", "created_at")] if people else []
    upsert(Person.__table__, people, ["id"], person_columns)
    if gone:
        for model in ITEM_TABLES.values():  # items stay with the household; the database would cascade them
            db.session.execute(update(model).where(model.member_id.in_(gone)).values(member_id=None))
        db.session.execute(delete(Member).where(Member.id.in_(gone)))
    upsert(Member.__table__, memberships, ["id"], ["relation", "co_resident", "position"])
    _refresh_applicant_hashes([person_id_for(r.record_id) for r, _ in rows])
    if back:
        _relink_items(back)


def _relink_items(members: list[Any]) -> None:
    """A restored member gets back the items that name it (they were unlinked when it was deleted)."""
    from app.models import SyncRecord

    households = {m.household_id for m in members}
    ids = {m.record_id for m in members}
    rows = db.session.execute(
        select(SyncRecord.entity, SyncRecord.record_id, SyncRecord.display).where(
            SyncRecord.household_id.in_(households),
            SyncRecord.entity.in_(list(ITEM_TABLES)),
            SyncRecord.deleted.is_(False),
        )
    )
    for entity, record_id, display in rows:
        member_id = from_json(display, {}).get("member_id")
        if member_id in ids:
            model = ITEM_TABLES[entity]
            db.session.execute(update(model).where(model.id == record_id).values(member_id=member_id))


def _items(entity: str, rows: list[tuple[Any, dict]]) -> None:
    if not rows:
        return
    model = ITEM_TABLES[entity]
    gone = [record.record_id for record, _ in rows if record.state["deleted"]]
    alive = [(record, values) for record, values in rows if not record.state["deleted"]]
    if gone:
        db.session.execute(delete(model).where(model.id.in_(gone)))
    members = {v["member_id"] for _, v in alive if v.get("member_id")}
    present = set(db.session.scalars(select(Member.id).where(Member.id.in_(members)))) if members else set()
    table_rows = []
    for record, values in alive:
        row = {"id": record.record_id, "household_id": record.household_id, "position": 0}
        row["member_id"] = values.get("member_id") if values.get("member_id") in present else None
        for column in ITEM_COLUMNS[entity]:
            value = values.get(column)
            if column in ("amount", "reimbursed") and value is not None:
                value = Decimal(value)
            elif column == "incurred_on" and value is not None:
                value = datetime.fromisoformat(value).date()
            row[column] = value
        for column, default in _ITEM_DEFAULTS[entity].items():
            if row[column] is None:
                row[column] = default
        table_rows.append(row)
    if table_rows:
        upsert(model.__table__, table_rows, ["id"], [c for c in table_rows[0] if c not in ("id", "position")])


def _staff_name(staff_id: str | None) -> str | None:
    return (
        db.session.scalar(select(StaffUser.display_name).where(StaffUser.id == staff_id))
        if staff_id
        else None
    )


def open_application_problem(application_id: str, program: str | None, id_hash: str | None) -> str | None:
    """A message when the applicant already has another open application for the program."""
    if not program or not id_hash:
        return None
    other = db.session.scalar(
        select(Application.reference).where(
            Application.applicant_id_hash == id_hash,
            Application.program == program,
            Application.stage.in_(stages.OPEN_STAGES),
            Application.id != application_id,
        )
    )
    return f"这位申请人已有一份正在办理的同类申请（编号 {other}）" if other else None


def _application(record: Any, values: dict[str, Any], actor: StaffActor) -> None:
    application = db.session.get(Application, record.record_id)
    applicant = db.session.get(Person, person_id_for(values["applicant_member_id"]))
    if application is None:
        if record.state["deleted"] or applicant is None:
            return
        application = Application(
            id=record.record_id,
            reference=new_reference(),
            program=values["program"],
            channel="field",
            stage="draft",
            area_id=record.area_id,
            household_id=record.household_id,
            applicant=applicant,
            applicant_id_hash=None,
            created_by_staff_id=record.created_by,
            on_behalf=True,
            proxy_name=_staff_name(record.created_by),
            proxy_relation="village_cadre",
        )
        db.session.add(application)
        record_stage(application, "create", None, "draft", actor)
    if application.stage in EDITABLE_STAGES:
        application.program = values["program"]
        application.reason = values.get("reason")
        application.consent_to_verification = bool(values.get("consent_to_verification", False))
        if values.get("consent_to_verification") and application.consent_at is None:
            application.consent_at = utcnow()
        if applicant is not None:
            application.applicant = applicant
        _set_applicant_hash(application, applicant.id_number_hash if applicant else None)
        if values.get("submitted") and not record.state["deleted"]:
            try:
                move(application, "submit", actor, None)
                application.submitted_at = utcnow()
            except AppError:
                pass  # the office role cannot submit for the applicant: it stays for the worker to submit
    db.session.flush()


def _set_applicant_hash(application: Application, id_hash: str | None) -> None:
    """Keep the denormalised hash, unless that would make a second open application for the person."""
    if id_hash != application.applicant_id_hash and not open_application_problem(
        application.id, application.program, id_hash
    ):
        application.applicant_id_hash = id_hash


def _refresh_applicant_hashes(person_ids: list[str]) -> None:
    applications = db.session.scalars(
        select(Application).where(
            Application.applicant_id.in_(person_ids), Application.stage.in_(stages.OPEN_STAGES)
        )
    )
    for application in applications:
        _set_applicant_hash(application, application.applicant.id_number_hash)


def _visits(rows: list[tuple[Any, dict]], now: datetime) -> None:
    table_rows = []
    for record, values in rows:
        location = values.get("location") or {}
        living = values.get("living_conditions")
        table_rows.append(
            {
                "id": record.record_id,
                "household_id": record.household_id,
                "application_id": values.get("application_id"),
                "visited_at": datetime.fromisoformat(values["visited_at"])
                if values.get("visited_at")
                else None,
                "visitor_staff_ids": json.dumps(values.get("visitors") or []),
                "latitude": location.get("lat"),
                "longitude": location.get("lng"),
                "accuracy_m": location.get("accuracy_m"),
                "findings": values.get("findings"),
                "living_conditions": to_json(living) if isinstance(living, dict) else living,
                "recorded_by_staff_id": record.created_by,
                "deleted": record.state["deleted"],
                "created_at": now,
                "updated_at": now,
            }
        )
    columns = (
        [c for c in table_rows[0] if c not in ("id", "created_at", "recorded_by_staff_id")]
        if table_rows
        else []
    )
    upsert(FieldVisit.__table__, table_rows, ["id"], columns)


def follow_moves(new_areas: dict[str, int]) -> None:
    """Applications of households that moved follow them to their new village."""
    for household_id, area_id in new_areas.items():
        db.session.execute(
            update(Application).where(Application.household_id == household_id).values(area_id=area_id)
        )
