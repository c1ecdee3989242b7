"""Seeding the sync bench database: 20,000 households × 10 synced records (200,000), written with COPY.

Each record is created by one op of a seed device, merged with the real `sync.merge.apply_op` and
stored the way the push path stores it (state, displayed values, op log row, relational rows,
sealed ID numbers), so pushes and pulls in the bench meet the data they meet in production. A
household has 4 members (with sealed ID numbers) and 5 items (3 incomes, an asset, an expense).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import psycopg

from app.domain.id_numbers import check_character
from app.security.crypto import keyring, lookup_hash
from app.services.sync_projection import person_id_for
from app.services.sync_sealing import masked, seal
from app.services.sync_store import to_json
from sync.hlc import format_hlc
from sync.merge import apply_op, displayed_values

SEED_DEVICE = "seed-office-device"
T0_MS = 1_750_000_000_000
RECORDS_PER_HOUSEHOLD = 10


@dataclass
class Seeded:
    """What the bench needs to know about the seed: in-scope records, by entity, and their seed op number."""

    in_scope: list[tuple[str, str, str, int]] = field(
        default_factory=list
    )  # entity, record_id, household_id, seq
    members_of: dict[str, list[str]] = field(default_factory=dict)
    records: int = 0
    max_hlc: str = ""


def _id_number(serial: int) -> str:
    birth = date(1940, 1, 1) + timedelta(days=serial % 25_000)
    body = f"341602{birth:%Y%m%d}{serial % 999 + 1:03d}"
    return body + check_character(body)


class _Rows:
    """Rows per table, collected while the records are generated, then copied in."""

    def __init__(self) -> None:
        self.tables: dict[str, list[tuple]] = {}

    def add(self, table: str, row: tuple) -> None:
        self.tables.setdefault(table, []).append(row)


COLUMNS = {
    "sync_records": ("entity", "record_id", "household_id", "area_id", "state", "display", "attachments", "deleted",
                     "has_conflicts", "record_version", "change_seq", "created_by_staff_id", "created_at", "updated_at"),
    "sync_ops": ("op_id", "device_id", "device_seq", "batch_id", "staff_id", "origin", "status", "entity", "record_id",
                 "op_type", "hlc", "base_version", "fields", "result", "fingerprint", "received_at"),
    "sync_sealed_values": ("value_hash", "kind", "ciphertext", "created_at"),
    "households": ("id", "area_id", "household_type", "registered_address", "current_address", "created_at", "updated_at"),
    "persons": ("id", "name", "id_number", "id_number_hash", "sex", "birth_date", "serious_illness", "work_capacity",
                "created_at", "updated_at"),
    "household_members": ("id", "household_id", "person_id", "relation", "co_resident", "position"),
    "income_items": ("id", "household_id", "member_id", "category", "period", "amount", "position"),
    "asset_items": ("id", "household_id", "member_id", "kind", "quantity", "description", "position"),
    "expense_items": ("id", "household_id", "member_id", "kind", "period", "amount", "position"),
}  # fmt: skip


def _household_ops(rng: random.Random, village_code: str) -> Iterator[tuple[str, str, dict]]:
    household = str(uuid.uuid4())
    yield "household", household, {"village_code": village_code, "household_type": rng.choice(["urban", "rural"]),
                                   "registered_address": f"村{rng.randrange(1, 99)}组{rng.randrange(1, 300)}号",
                                   "current_address": f"村{rng.randrange(1, 99)}组{rng.randrange(1, 300)}号"}  # fmt: skip
    members = [str(uuid.uuid4()) for _ in range(4)]
    for position, (member, relation) in enumerate(
        zip(members, ["self", "spouse", "child", "parent"], strict=True)
    ):
        yield "member", member, {"household_id": household, "name": rng.choice("张王李赵刘陈杨黄") + rng.choice(["秀英", "建国", "桂兰", "明", "芳"]),
                                 "relation": relation, "co_resident": True, "position": position,
                                 "work_capacity": rng.choice(["full", "partial", "none"])}  # fmt: skip
    for category in ("pension", "wages", "support_payment"):
        yield "income", str(uuid.uuid4()), {"household_id": household, "member_id": rng.choice(members), "category": category,
                                            "amount": f"{rng.randrange(0, 3000)}.00", "period": "monthly"}  # fmt: skip
    yield (
        "asset",
        str(uuid.uuid4()),
        {"household_id": household, "kind": "housing", "quantity": 1, "description": "自住平房"},
    )
    yield "expense", str(uuid.uuid4()), {"household_id": household, "member_id": members[0], "kind": "medical",
                                         "amount": f"{rng.randrange(100, 9000)}.00", "period": "yearly"}  # fmt: skip


def generate(
    villages: dict[str, tuple[int, int, bool]], seed_staff_id: str, seed: int = 7
) -> tuple[_Rows, Seeded]:
    """Rows for every table; `villages` maps a code to (area id, households, in the worker's scope)."""
    rng = random.Random(seed)
    rows, seeded = _Rows(), Seeded()
    now = datetime.now(UTC)
    seq = 0
    for code, (area_id, count, in_scope) in villages.items():
        for _ in range(count):
            for entity, record_id, fields in _household_ops(rng, code):
                seq += 1
                household_id = record_id if entity == "household" else fields["household_id"]
                if entity == "member":
                    number = _id_number(seq)
                    fields["id_number"], sealed_row = seal("id_number", number)
                    rows.add(
                        "sync_sealed_values",
                        (sealed_row["value_hash"], "id_number", keyring().encrypt(number), now),
                    )
                    _person(rows, record_id, fields, number, now)
                    seeded.members_of.setdefault(household_id, []).append(record_id)
                _relational(rows, entity, record_id, household_id, area_id, fields, now)
                hlc = format_hlc(T0_MS + seq, 0, SEED_DEVICE)
                op = {"op_id": str(uuid.uuid4()), "device_id": SEED_DEVICE, "device_seq": seq, "entity": entity,
                      "record_id": record_id, "type": "upsert", "hlc": hlc, "base_version": {}, "fields": fields,
                      "user_id": seed_staff_id}  # fmt: skip
                state, outcome = apply_op(None, op)
                display = {k: masked(v) for k, v in displayed_values(state).items()}
                rows.add("sync_records", (entity, record_id, household_id, area_id, to_json(state), to_json(display), None,
                                          False, False, 1, seq, seed_staff_id, now, now))  # fmt: skip
                result = {"op_id": op["op_id"], **outcome.to_dict(), "hlc": hlc, "hlc_clamped": False}
                rows.add("sync_ops", (op["op_id"], SEED_DEVICE, seq, "seed", seed_staff_id, "device", "applied", entity,
                                      record_id, "upsert", hlc, "{}", to_json(fields), to_json(result),
                                      lookup_hash("seed:" + op["op_id"]), now))  # fmt: skip
                if in_scope:
                    seeded.in_scope.append((entity, record_id, household_id, seq))
                seeded.max_hlc = hlc
    seeded.records = seq
    return rows, seeded


def _person(rows: _Rows, member_id: str, fields: dict, number: str, now: datetime) -> None:
    birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    sex = "male" if int(number[16]) % 2 else "female"
    rows.add("persons", (person_id_for(member_id), fields["name"], keyring().encrypt(number), lookup_hash(number), sex, birth,
                         False, fields["work_capacity"], now, now))  # fmt: skip


def _relational(
    rows: _Rows, entity: str, record_id: str, household_id: str, area_id: int, fields: dict, now: datetime
) -> None:
    if entity == "household":
        rows.add("households", (record_id, area_id, fields["household_type"], fields["registered_address"],
                                fields["current_address"], now, now))  # fmt: skip
    elif entity == "member":
        rows.add(
            "household_members",
            (record_id, household_id, person_id_for(record_id), fields["relation"], True, fields["position"]),
        )
    elif entity == "income":
        rows.add(
            "income_items",
            (
                record_id,
                household_id,
                fields["member_id"],
                fields["category"],
                "monthly",
                fields["amount"],
                0,
            ),
        )
    elif entity == "asset":
        rows.add("asset_items", (record_id, household_id, None, "housing", 1, fields["description"], 0))
    elif entity == "expense":
        rows.add(
            "expense_items",
            (record_id, household_id, fields["member_id"], "medical", "yearly", fields["amount"], 0),
        )


def copy_rows(dsn: str, rows: _Rows, seeded: Seeded) -> None:
    """COPY every table (parents first), set the change counter, then ANALYZE."""
    order = ["households", "persons", "household_members", "income_items", "asset_items", "expense_items",
             "sync_sealed_values", "sync_records", "sync_ops"]  # fmt: skip
    with psycopg.connect(dsn) as conn:
        for table in order:
            columns = COLUMNS[table]
            with conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows.tables.get(table, []):
                    copy.write_row(row)
        conn.execute(
            "INSERT INTO sync_counters (name, value, max_hlc) VALUES ('changes', %s, %s)",
            (seeded.records, seeded.max_hlc),
        )
        conn.execute(
            "UPDATE sync_devices SET next_device_seq = %s WHERE id = %s", (seeded.records + 1, SEED_DEVICE)
        )
        conn.commit()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
