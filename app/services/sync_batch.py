"""Applying the new ops of one push batch: check each op, seal, merge, then write everything at once.

Per op, in `device_seq` order: every problem is collected (the pure op check, the entity's fields,
and what needs the database: the household exists, the village is in the writer's scope, a member
named belongs to the same household); an op with problems is quarantined (kept encrypted for
review, its `device_seq` consumed), otherwise its sensitive values are sealed, its hlc clamped, and
it is merged into the record's state with `sync.merge.apply_op`. `finish` then follows household
moves, projects the merged values into the relational tables, takes change numbers from the counter
and writes records, op log, exits, sealed values and attachment references in a few statements.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.models import Area, StaffUser, SyncDevice, SyncRecord
from app.models.types import utcnow
from app.security.crypto import keyring
from app.services import sync_batch_write, sync_projection
from app.services.actors import StaffActor
from app.services.sync_entities import (
    CANONICAL_UUID,
    ENTITIES,
    HOUSEHOLD,
    check_attachments,
    check_fields,
    sealed_kind,
)
from app.services.sync_sealing import MARK, is_token, known_tokens, seal
from app.services.sync_store import (
    from_json,
    lock_records,
    to_json,
)
from sync.hlc import DEFAULT_MAX_DRIFT_MS, clamp_hlc
from sync.merge import apply_op, displayed_values
from sync.ops import validate_op

QUARANTINED = "quarantined"
RecordKey = tuple[str, str]


@dataclass
class Touched:
    """A record as this batch sees it: loaded (and locked) from the database, or created by the batch."""

    entity: str
    record_id: str
    household_id: str
    area_id: int
    state: dict[str, Any] | None
    exists: bool
    created_by: str | None = None
    attachments: list[dict[str, str]] = field(default_factory=list)
    changed: bool = False
    was_deleted: bool = False

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Touched:
        """From a `sync_records` row."""
        return cls(
            row["entity"],
            row["record_id"],
            row["household_id"],
            row["area_id"],
            from_json(row["state"]),
            True,
            row["created_by_staff_id"],
            from_json(row["attachments"], []),
            was_deleted=row["deleted"],
        )


def _is_record_id(value: Any) -> bool:
    return isinstance(value, str) and CANONICAL_UUID.match(value) is not None


def op_fingerprint(op: Any) -> str:
    """A keyed digest of the op as sent: a reused op id with another payload is told apart without storing it."""
    from sync.ops import canonical_value

    return keyring().lookup_hash("sync-op:" + canonical_value(op))


class Batch:
    """The new ops of one push, applied in order, then written together by `finish`."""

    def __init__(
        self, actor: StaffActor, device: SyncDevice, batch_id: str | None, origin: str, villages: list[int]
    ):
        from app.services.sync_devices import server_clock

        self.actor, self.device, self.batch_id, self.origin = actor, device, batch_id, origin
        self.villages = set(villages)
        self.clock = server_clock()
        self.now_ms = self.clock.now_ms()
        self.max_drift = current_app.config.get("SYNC_MAX_DRIFT_MS", DEFAULT_MAX_DRIFT_MS)
        self.records: dict[RecordKey, Touched] = {}
        self.order: list[Touched] = []
        self.next_seq: dict[str, int] = {device.id: device.next_device_seq}
        self.areas: dict[int, Area] = {}
        self.area_codes: dict[str, Area] = {}
        self.staff_ids: set[str] = set()
        self.known_hashes: set[str] = set()
        self.op_rows: list[dict[str, Any]] = []
        self.sealed_rows: list[dict[str, Any]] = []
        self.new_refs: list[dict[str, Any]] = []
        self.results: dict[str, dict[str, Any]] = {}
        self.max_hlc = ""

    # --- loading --------------------------------------------------------------------------------

    def preload(self, ops: list[dict[str, Any]]) -> None:
        """Lock the records the ops name, read their households, devices, areas and staff named."""
        keys: set[RecordKey] = set()
        codes: set[str] = set()
        tokens: list[dict[str, Any]] = []
        devices: set[str] = set()
        for op in ops:
            entity, record_id, fields = op.get("entity"), op.get("record_id"), op.get("fields")
            fields = fields if isinstance(fields, dict) else {}
            if entity in ENTITIES and _is_record_id(record_id):
                keys.add((entity, record_id))
                for name, target in ENTITIES[entity].references.items():
                    if _is_record_id(fields.get(name)):
                        keys.add((target, fields[name]))
            if _is_record_id(fields.get("household_id")):
                keys.add((HOUSEHOLD, fields["household_id"]))
            if isinstance(fields.get("village_code"), str):
                codes.add(fields["village_code"])
            if isinstance(fields.get("visitors"), list):
                self.staff_ids.update(v for v in fields["visitors"] if isinstance(v, str) and len(v) <= 36)
            tokens += [value for value in fields.values() if is_token(value)]
            if isinstance(op.get("base_version"), dict):
                devices.update(d for d in op["base_version"] if isinstance(d, str) and len(d) <= 64)
        self.records = {key: Touched.from_row(row) for key, row in lock_records(keys).items()}
        self._read_parents()
        self._load_lookups(codes, devices - {self.device.id}, tokens)

    def _read_parents(self) -> None:
        missing = {
            t.household_id for t in self.records.values() if (HOUSEHOLD, t.household_id) not in self.records
        }
        if missing:
            # Read only, for the village: no op of this batch writes these households (those are locked).
            rows = db.session.execute(
                select(SyncRecord.record_id, SyncRecord.area_id).where(
                    SyncRecord.entity == HOUSEHOLD, SyncRecord.record_id.in_(sorted(missing))
                )
            )
            self.records.update(
                {
                    (HOUSEHOLD, record_id): Touched(HOUSEHOLD, record_id, record_id, area_id, None, True)
                    for record_id, area_id in rows
                }
            )

    def _load_lookups(self, codes: set[str], devices: set[str], tokens: list[dict[str, Any]]) -> None:
        area_ids = self.villages | {t.area_id for t in self.records.values()}
        if self.device.default_area_id:
            area_ids.add(self.device.default_area_id)
        query = select(Area).where(Area.id.in_(sorted(area_ids)) | Area.code.in_(sorted(codes)))
        for area in db.session.scalars(query):
            self.areas[area.id] = area
            self.area_codes[area.code] = area
        if devices:
            rows = db.session.execute(
                select(SyncDevice.id, SyncDevice.next_device_seq).where(SyncDevice.id.in_(devices))
            )
            self.next_seq.update(dict(rows.all()))
        if self.staff_ids:
            self.staff_ids = set(
                db.session.scalars(select(StaffUser.id).where(StaffUser.id.in_(self.staff_ids)))
            )
        self.known_hashes = known_tokens(tokens)

    # --- one op ---------------------------------------------------------------------------------

    def take(self, op: dict[str, Any], fingerprint: str) -> None:
        """Quarantine or merge one new op (ops arrive in `device_seq` order)."""
        self.next_seq[self.device.id] = op["device_seq"] + 1
        problems = validate_op(op)
        prepared = None
        if not problems:
            problems, prepared = self._check(op)
        if problems:
            self._quarantine(op, fingerprint, problems)
        else:
            self._apply(op, fingerprint, *prepared)

    def _check(self, op: dict[str, Any]) -> tuple[list[str], tuple[Any, ...] | None]:
        entity, record_id = op.get("entity"), op.get("record_id")
        if entity not in ENTITIES:
            return [f"entity 应为 {', '.join(ENTITIES)} 之一"], None
        if not _is_record_id(record_id):
            return ["record_id 应为小写的标准 UUID"], None
        problems = [
            f"base_version[{device_id!r}] names ops this server has not received"
            for device_id, seq in op["base_version"].items()
            if seq >= self.next_seq.get(device_id, 1)
        ]
        current = self.records.get((entity, record_id))
        if op["type"] == "upsert":
            checked = check_fields(entity, op.get("fields") or {}, creating=current is None)
            values, problems = checked.values, problems + checked.problems
        else:
            values = {}
        refs, ref_problems = check_attachments(op.get("attachments"))
        problems += ref_problems
        if entity == HOUSEHOLD:
            placement, scope_problems = self._household_place(record_id, current, values)
        else:
            placement, scope_problems = self._child_place(entity, record_id, current, values)
        problems += scope_problems + self._value_problems(entity, values)
        return problems, (current, values, refs, placement)

    def _household_place(
        self, record_id: str, current: Touched | None, values: dict
    ) -> tuple[Any, list[str]]:
        problems = []
        target = None
        if values.get("village_code") is not None:
            target = self.area_codes.get(values["village_code"])
            if target is None or target.level != "village" or target.id not in self.villages:
                problems.append("fields.village_code: 应为您负责的一个村（社区）")
        if current is not None:
            if current.area_id not in self.villages:
                problems.append("这户家庭不在您负责的村（社区）")
            return (record_id, current.area_id), problems
        area_id = target.id if target else self.device.default_area_id
        if area_id is None and len(self.villages) == 1:
            area_id = next(iter(self.villages))
        if area_id is None or area_id not in self.villages:
            problems.append("fields.village_code: 新登记的家庭必须填写您负责的村（社区）")
        return (record_id, area_id), problems

    def _child_place(
        self, entity: str, record_id: str, current: Touched | None, values: dict
    ) -> tuple[Any, list[str]]:
        named = values.get("household_id")
        if current is not None:
            if named is not None and named != current.household_id:
                return None, ["fields.household_id: 记录所属的家庭不能更改"]
            household_id = current.household_id
        elif named is None:
            return None, ["fields.household_id: 新记录必须填写所属家庭"]
        else:
            household_id = named
        parent = self.records.get((HOUSEHOLD, household_id))
        if parent is None:
            return None, ["fields.household_id: 没有这户家庭（请先上传家庭）"]
        problems = [] if parent.area_id in self.villages else ["这户家庭不在您负责的村（社区）"]
        for name, target_entity in ENTITIES[entity].references.items():
            target_id = values.get(name)
            target = self.records.get((target_entity, target_id)) if target_id else None
            if target_id and (target is None or target.household_id != household_id):
                problems.append(f"fields.{name}: 同一户家庭中没有这条记录")
        if entity == "application":
            problems += self._application_problems(record_id, current, values)
        return (household_id, parent.area_id), problems

    def _application_problems(self, record_id: str, current: Touched | None, values: dict) -> list[str]:
        """One open application per person and program, as for residents."""
        shown = displayed_values(current.state) if current and current.state else {}
        member_id = values.get("applicant_member_id", shown.get("applicant_member_id"))
        member = self.records.get(("member", member_id)) if member_id else None
        number = displayed_values(member.state).get("id_number") if member and member.state else None
        program = values.get("program", shown.get("program"))
        problem = sync_projection.open_application_problem(
            record_id, program, number["hash"] if is_token(number) else None
        )
        return [problem] if problem else []

    def _value_problems(self, entity: str, values: dict[str, Any]) -> list[str]:
        problems = []
        for name, value in values.items():
            if is_token(value) and (
                value[MARK] != sealed_kind(entity, name) or value.get("hash") not in self.known_hashes
            ):
                problems.append(f"fields.{name}: 不认识的加密值")
        visitors = values.get("visitors") or []
        if any(staff_id not in self.staff_ids for staff_id in visitors):
            problems.append("fields.visitors: 有调查人员不是本系统的工作人员")
        return problems

    def _quarantine(self, op: Any, fingerprint: str, problems: list[str]) -> None:
        result = {"op_id": op["op_id"], "status": QUARANTINED, "errors": problems}
        self.results[op["op_id"]] = result
        self.op_rows.append(
            self._op_row(op, fingerprint, QUARANTINED, result)
            | {
                "sealed_payload": to_json(op),
                "entity": _short(op.get("entity"), 20),
                "record_id": _short(op.get("record_id"), 64),
            }
        )

    def _apply(
        self, op: dict, fingerprint: str, current: Touched | None, values: dict, refs: list, placement: Any
    ) -> None:
        household_id, area_id = placement
        fields = {}
        for name, value in values.items():
            kind = sealed_kind(op["entity"], name)
            if kind and isinstance(value, str):
                value, row = seal(kind, value)
                self.sealed_rows.append(row)
            fields[name] = value
        stamp = clamp_hlc(op["hlc"], self.now_ms, self.max_drift)
        accepted = {
            "op_id": op["op_id"],
            "device_id": op["device_id"],
            "device_seq": op["device_seq"],
            "entity": op["entity"],
            "record_id": op["record_id"],
            "type": op["type"],
            "hlc": stamp.hlc,
            "base_version": op["base_version"],
            "fields": fields,
            "user_id": self.actor.staff_id,
        }
        if current is None:
            current = Touched(
                op["entity"], op["record_id"], household_id, area_id, None, False, self.actor.staff_id
            )
            self.records[(current.entity, current.record_id)] = current
        current.state, outcome = apply_op(current.state, accepted, in_place=True)
        if not current.changed:
            current.changed = True
            self.order.append(current)
        self._add_refs(current, refs)
        self.max_hlc = max(self.max_hlc, stamp.hlc)
        result = {"op_id": op["op_id"], **outcome.to_dict(), "hlc": stamp.hlc, "hlc_clamped": stamp.clamped}
        self.results[op["op_id"]] = result
        self.op_rows.append(
            self._op_row(op, fingerprint, outcome.status, result)
            | {
                "entity": op["entity"],
                "record_id": op["record_id"],
                "op_type": op["type"],
                "hlc": stamp.hlc,
                "hlc_original": stamp.original if stamp.clamped else None,
                "base_version": to_json(op["base_version"]),
                "fields": to_json(fields),
                "attachments": to_json(refs) if refs else None,
            }
        )

    def _add_refs(self, record: Touched, refs: list[dict[str, str]]) -> None:
        for ref in refs:
            if ref not in record.attachments:
                record.attachments.append(ref)
                self.new_refs.append({**ref, "entity": record.entity, "record_id": record.record_id})

    def _op_row(self, op: Any, fingerprint: str, status: str, result: dict) -> dict[str, Any]:
        return {
            "op_id": op["op_id"],
            "device_id": self.device.id,
            "device_seq": op["device_seq"],
            "batch_id": self.batch_id,
            "staff_id": self.actor.staff_id,
            "origin": self.origin,
            "status": status,
            "entity": None,
            "record_id": None,
            "op_type": None,
            "hlc": None,
            "hlc_original": None,
            "base_version": None,
            "fields": None,
            "attachments": None,
            "result": to_json(result),
            "fingerprint": fingerprint,
            "sealed_payload": None,
            "received_at": utcnow(),
        }

    # --- writing --------------------------------------------------------------------------------

    def finish(self) -> None:
        """Follow moves, project into the tables, number the changes and write everything."""
        sync_batch_write.finish(self)


def _short(value: Any, limit: int) -> str | None:
    return value[:limit] if isinstance(value, str) else None
