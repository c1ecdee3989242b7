"""What syncs: the entities the field app writes, their fields, and how each field value is checked.

Checks here look at one op alone (types, vocabularies, GB 11643 ID numbers, lengths) and return
the normalised fields plus every problem found; checks that need the database (does the household
exist, is the village in the worker's scope) are in `sync_push`. A field named `x_…` is an app
extension: any small JSON value, kept in the merge state and shown, never projected into tables.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from app.domain import vocab
from app.domain.id_numbers import InvalidIdNumber, parse_id_number
from app.services.sync_sealing import MARK
from app.services.sync_store import to_json

HOUSEHOLD = "household"
EXTENSION_FIELD = re.compile(r"^x_[a-z0-9_]{1,40}$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
_AREA_CODE = re.compile(r"^\d{12}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
CANONICAL_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
MAX_FIELDS = 40
MAX_ATTACHMENTS = 20
CHECKIN_OUTCOMES = {"present": "本人在家，已协助打卡", "absent": "上门核实：本人不在（外出、迁走或去世）"}
COORDINATE_SYSTEMS = {"wgs84": "GPS（WGS-84）", "gcj02": "国测局（GCJ-02）"}


class FieldProblem(ValueError):
    """One field value is not acceptable; the message is plain Chinese."""


def _text(limit: int) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if not isinstance(value, str):
            raise FieldProblem("应填写文字")
        value = value.strip()
        if len(value) > limit:
            raise FieldProblem(f"内容太长，最多{limit}个字")
        if any(ord(c) < 32 and c not in "\n\t" for c in value):
            raise FieldProblem("含有不能识别的字符")
        return value

    return check


def _choice(vocabulary: dict[Any, str]) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if isinstance(value, bool) or value not in vocabulary:
            raise FieldProblem("请从可选项中选择")
        return value

    return check


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise FieldProblem("应选择是或否")
    return value


def _integer(low: int, high: int) -> Callable[[Any], Any]:
    def check(value: Any) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise FieldProblem(f"应为{low}到{high}之间的整数")
        return value

    return check


def _money(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise FieldProblem("应填写金额数字")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise FieldProblem("应填写金额数字") from exc
    if not amount.is_finite() or not Decimal(0) <= amount <= Decimal(100_000_000):
        raise FieldProblem("金额应在0到1亿元之间")
    if amount != amount.quantize(Decimal("0.01")):
        raise FieldProblem("金额最多两位小数")
    return str(amount.quantize(Decimal("0.01")))


def _record_id(value: Any) -> str:
    if not isinstance(value, str) or not CANONICAL_UUID.match(value):
        raise FieldProblem("应为小写标准形式的记录编号（UUID）")
    return value


def _iso_date(value: Any) -> str:
    message = "日期格式应为 年-月-日，例如 2026-05-01"
    if not isinstance(value, str):
        raise FieldProblem(message)
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise FieldProblem(message) from exc


def _iso_datetime(value: Any) -> str:
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise FieldProblem("时间应为带时区的 ISO 格式，例如 2026-05-01T09:30:00+08:00")
    return moment.isoformat()


def _id_number(value: Any) -> str:
    if not isinstance(value, str) or len(value) > 40:
        raise FieldProblem("身份证号码应为18位")
    try:
        return parse_id_number(value).number
    except InvalidIdNumber as exc:
        raise FieldProblem(exc.message) from exc


def _phone(value: Any) -> str:
    raw = "".join(value.split()).removeprefix("+86") if isinstance(value, str) else ""
    if not (_MOBILE.match(raw) or _LANDLINE.match(raw)):
        raise FieldProblem("请填写11位手机号，或带区号的固定电话")
    return raw


def _village_code(value: Any) -> str:
    if not isinstance(value, str) or not _AREA_CODE.match(value):
        raise FieldProblem("村（社区）代码应为12位数字")
    return value


def _visitors(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise FieldProblem("应为调查人员编号的列表")
    ids = [_record_id(item) for item in value]
    if len(set(ids)) < 2:
        raise FieldProblem("入户调查至少需要两名工作人员")
    if len(ids) > 10:
        raise FieldProblem("调查人员最多10名")
    return sorted(set(ids))


def _location(value: Any) -> dict[str, float]:
    numbers = {}
    if isinstance(value, dict) and set(value) == {"lat", "lng", "accuracy_m"}:
        numbers = {k: v for k, v in value.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    if len(numbers) != 3 or not all(math.isfinite(v) for v in numbers.values()):
        raise FieldProblem("位置应为 {lat, lng, accuracy_m} 三个数字")
    if not (
        -90 <= numbers["lat"] <= 90
        and -180 <= numbers["lng"] <= 180
        and 0 <= numbers["accuracy_m"] <= 100_000
    ):
        raise FieldProblem("位置的经纬度或精度超出范围")
    return {k: float(v) for k, v in numbers.items()}


def _living_conditions(value: Any) -> Any:
    if isinstance(value, str):
        return _text(2000)(value)
    if isinstance(value, dict) and len(value) <= 20:
        return {_text(40)(k): _text(200)(v) for k, v in value.items()}
    raise FieldProblem("居住情况应为文字，或不超过20项的“项目: 情况”")


def _extension(value: Any) -> Any:
    if len(to_json(value)) > 2000:
        raise FieldProblem("扩展字段的内容太长")
    return value


@dataclass(frozen=True)
class FieldSpec:
    """How one field is checked; `sealed` names the kind of sensitive value it holds."""

    check: Callable[[Any], Any]
    sealed: str | None = None
    nullable: bool = True


@dataclass(frozen=True)
class EntitySpec:
    """One synced entity: its fields and which of them a new record must have."""

    name: str
    fields: dict[str, FieldSpec]
    required_on_create: tuple[str, ...] = ()
    references: dict[str, str] = field(default_factory=dict)  # field → entity it names (same household)


def _spec(check: Callable[[Any], Any], **kwargs: Any) -> FieldSpec:
    return FieldSpec(check, **kwargs)


_PARENT = {"household_id": _spec(_record_id, nullable=False)}
_NOTE = {"note": _spec(_text(1000))}
_MEMBER_REF = {"member_id": _spec(_record_id)}

ENTITIES: dict[str, EntitySpec] = {
    spec.name: spec
    for spec in (
        EntitySpec(
            HOUSEHOLD,
            {
                "village_code": _spec(_village_code, nullable=False),
                "household_type": _spec(_choice(vocab.HOUSEHOLD_TYPES)),
                "registered_address": _spec(_text(200)),
                "current_address": _spec(_text(200)),
                **_NOTE,
            },
        ),
        EntitySpec(
            "member",
            {
                **_PARENT,
                "name": _spec(_text(50), nullable=False),
                "id_number": _spec(_id_number, sealed="id_number"),
                "phone": _spec(_phone, sealed="phone"),
                "relation": _spec(_choice(vocab.RELATIONS)),
                "co_resident": _spec(_boolean, nullable=False),
                "work_capacity": _spec(_choice(vocab.WORK_CAPACITY)),
                "disability_grade": _spec(_choice(vocab.DISABILITY_GRADES)),
                "serious_illness": _spec(_boolean, nullable=False),
                "position": _spec(_integer(0, 99), nullable=False),
            },
            required_on_create=("household_id", "name"),
        ),
        EntitySpec(
            "income",
            {
                **_PARENT,
                **_MEMBER_REF,
                **_NOTE,
                "category": _spec(_choice(vocab.INCOME_CATEGORIES), nullable=False),
                "amount": _spec(_money),
                "period": _spec(_choice(vocab.PERIODS), nullable=False),
            },
            required_on_create=("household_id", "category"),
            references={"member_id": "member"},
        ),
        EntitySpec(
            "asset",
            {
                **_PARENT,
                **_MEMBER_REF,
                **_NOTE,
                "kind": _spec(_choice(vocab.ASSET_KINDS), nullable=False),
                "quantity": _spec(_integer(0, 1000), nullable=False),
                "amount": _spec(_money),
                "description": _spec(_text(200)),
            },
            required_on_create=("household_id", "kind"),
            references={"member_id": "member"},
        ),
        EntitySpec(
            "expense",
            {
                **_PARENT,
                **_MEMBER_REF,
                **_NOTE,
                "kind": _spec(_choice(vocab.EXPENSE_KINDS), nullable=False),
                "amount": _spec(_money),
                "reimbursed": _spec(_money),
                "period": _spec(_choice(vocab.PERIODS), nullable=False),
                "incurred_on": _spec(_iso_date),
            },
            required_on_create=("household_id", "kind"),
            references={"member_id": "member"},
        ),
        EntitySpec(
            "application",
            {
                **_PARENT,
                "program": _spec(_choice(vocab.PROGRAMS), nullable=False),
                "applicant_member_id": _spec(_record_id, nullable=False),
                "reason": _spec(_text(2000)),
                "consent_to_verification": _spec(_boolean, nullable=False),
                "submitted": _spec(_boolean, nullable=False),
            },
            required_on_create=("household_id", "program", "applicant_member_id"),
            references={"applicant_member_id": "member"},
        ),
        EntitySpec(
            "visit",
            {
                **_PARENT,
                "application_id": _spec(_record_id),
                "visited_at": _spec(_iso_datetime, nullable=False),
                "visitors": _spec(_visitors, nullable=False),
                "location": _spec(_location),
                "findings": _spec(_text(4000)),
                "living_conditions": _spec(_living_conditions),
            },
            required_on_create=("household_id", "visited_at", "visitors"),
            references={"application_id": "application"},
        ),
        # A check-in assisted at a home visit, answering a server-authored `checkin_task` (app.services.checkin_field).
        EntitySpec(
            "checkin",
            {
                **_PARENT,
                **_NOTE,
                "task_id": _spec(_record_id, nullable=False),
                "checked_in_at": _spec(_iso_datetime, nullable=False),
                "outcome": _spec(_choice(CHECKIN_OUTCOMES), nullable=False),
                "location": _spec(_location),
                "coordinate_system": _spec(_choice(COORDINATE_SYSTEMS)),
            },
            required_on_create=("household_id", "task_id", "checked_in_at", "outcome"),
            references={"task_id": "checkin_task"},
        ),
    )
}


@dataclass
class CheckedFields:
    """An op's fields after checking: normalised values, sensitive ones still in clear, and problems."""

    values: dict[str, Any]
    problems: list[str]


def check_fields(entity: str, fields: dict[str, Any], creating: bool) -> CheckedFields:
    """Check every field of an upsert against its entity; `creating` adds the required-field check."""
    spec = ENTITIES[entity]
    values: dict[str, Any] = {}
    problems: list[str] = []
    if len(fields) > MAX_FIELDS:
        problems.append(f"一次最多修改{MAX_FIELDS}项")
    for name, value in fields.items():
        if isinstance(name, str) and EXTENSION_FIELD.match(name):
            _collect(name, _extension, value, values, problems)
            continue
        field_spec = spec.fields.get(name) if isinstance(name, str) else None
        if field_spec is None:
            problems.append(f"fields.{name}: 没有这一项")
        elif value is None:
            if field_spec.nullable:
                values[name] = None
            else:
                problems.append(f"fields.{name}: 此项不能为空")
        elif field_spec.sealed and isinstance(value, dict) and MARK in value:
            values[name] = value  # a token echoed back (a candidate chosen); push checks it is known
        else:
            _collect(name, field_spec.check, value, values, problems)
    if creating:
        problems += [
            f"fields.{name}: 新记录必须填写此项" for name in spec.required_on_create if name not in values
        ]
    return CheckedFields(values, problems)


def _collect(
    name: str, check: Callable[[Any], Any], value: Any, values: dict[str, Any], problems: list[str]
) -> None:
    try:
        values[name] = check(value)
    except FieldProblem as problem:
        problems.append(f"fields.{name}: {problem}")


def check_attachments(attachments: Any) -> tuple[list[dict[str, str]], list[str]]:
    """Attachment references `[{sha256, kind}]` (files by hash); returns them normalised and problems."""
    if attachments is None:
        return [], []
    if not isinstance(attachments, list) or len(attachments) > MAX_ATTACHMENTS:
        return [], [f"attachments 应为不超过{MAX_ATTACHMENTS}项的列表"]
    refs, problems = [], []
    for index, item in enumerate(attachments):
        sha = item.get("sha256") if isinstance(item, dict) else None
        kind = item.get("kind") if isinstance(item, dict) else None
        if not isinstance(sha, str) or not _SHA256.match(sha):
            problems.append(f"attachments[{index}].sha256: 应为64位小写十六进制的 SHA-256")
        elif kind not in vocab.ATTACHMENT_KINDS:
            problems.append(f"attachments[{index}].kind: 请从可选项中选择")
        else:
            refs.append({"sha256": sha, "kind": kind})
    return refs, problems


def sealed_kind(entity: str, name: str) -> str | None:
    """The sensitive kind a field holds (None for ordinary fields)."""
    spec = ENTITIES[entity].fields.get(name)
    return spec.sealed if spec else None
