"""Turning stored policy rows into AreaPolicy values, and the policy summary residents read."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any

from app.domain import vocab
from app.domain.materials import materials_for
from app.domain.policy import AreaPolicy
from app.models import Area
from app.services.areas import area_by_code, policy_values

_NON_POLICY_KEYS = {"materials"}


def _coerce(default: Any, value: Any) -> Any:
    if isinstance(default, Decimal):
        return Decimal(str(value))
    if isinstance(default, bool):
        return bool(value)
    if isinstance(default, int):
        return int(value)
    if isinstance(default, date):
        return date.fromisoformat(value) if isinstance(value, str) else value
    if isinstance(default, tuple):
        return tuple(value)
    return value


def policy_from_values(values: dict[str, Any], area: Area, effective_from: date | None) -> AreaPolicy:
    """An AreaPolicy from a stored row's values (unknown keys refused, missing ones defaulted)."""
    defaults = AreaPolicy()
    known = {f.name for f in dataclasses.fields(AreaPolicy)}
    unknown = set(values) - known - _NON_POLICY_KEYS
    if unknown:
        raise ValueError(f"unknown policy keys: {sorted(unknown)}")
    kwargs = {k: _coerce(getattr(defaults, k), v) for k, v in values.items() if k in known}
    kwargs.update(area_code=area.code, area_name=area.name)
    if effective_from:
        kwargs["effective_from"] = effective_from
    return AreaPolicy(**kwargs)


def policy_for_area(area: Area, on: date | None = None) -> tuple[AreaPolicy, dict[str, Any]]:
    """The AreaPolicy in force for an area on a date, with the raw values (for extra keys)."""
    values, source, effective_from = policy_values(area, on)
    return policy_from_values(values, source or area, effective_from), values


def policy_summary(area_code: str) -> dict[str, Any]:
    """What a resident needs before applying: programs, standards, materials, deadlines."""
    area = area_by_code(area_code)
    policy, values = policy_for_area(area)
    materials = values.get("materials")
    return {
        "area": {"code": area.code, "name": area.name, "level": area.level},
        "effective_from": policy.effective_from.isoformat(),
        "decision_deadline_working_days": policy.decision_deadline_working_days,
        "programs": [
            {
                "program": program,
                "label": label,
                "standard": _standard(policy, program),
                "required_materials": materials_for(program, materials),
            }
            for program, label in vocab.PROGRAMS.items()
        ],
        "notes": [
            f"乡镇（街道）受理后一般在{policy.decision_deadline_working_days}个工作日内作出决定",
            "公示期间只公布姓名（部分隐去）、家庭人数和困难原因，不公布身份证号码",
        ],
    }


def _standard(policy: AreaPolicy, program: str) -> dict[str, Any]:
    if program == "dibao":
        return {
            "unit": "元/人/月",
            "urban": f"{policy.urban_monthly_standard:.2f}",
            "rural": f"{policy.rural_monthly_standard:.2f}",
        }
    if program == "tekun":
        return {
            "unit": "元/人/月",
            "urban": f"{policy.extreme_poverty_urban_monthly_standard:.2f}",
            "rural": f"{policy.extreme_poverty_rural_monthly_standard:.2f}",
        }
    limit = policy.temporary_assistance_township_multiple
    return {"unit": "一次性", "note": f"乡镇（街道）可直接审批不超过当地低保月标准{limit}倍的金额"}
