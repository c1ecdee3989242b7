"""Administrative areas: loading the code tree, finding areas, resolving local policy."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date
from typing import IO, Any

from sqlalchemy import select

from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.models import Area, Policy

LEVEL_OF_PARENT = {"township": "county", "village": "township"}


def load_areas(rows: Iterable[dict[str, str]]) -> int:
    """Insert or rename areas from rows with code, name, level, parent_code; parents first. Returns the count."""
    count = 0
    by_code = {a.code: a for a in db.session.scalars(select(Area))}
    for row in rows:
        code, name, level = row["code"].strip(), row["name"].strip(), row["level"].strip()
        parent_code = (row.get("parent_code") or "").strip()
        if level not in ("county", "township", "village"):
            raise ValidationFailed(errors={"level": [f"{code}: 层级应为 county/township/village"]})
        parent = by_code.get(parent_code) if parent_code else None
        if parent_code and parent is None:
            raise ValidationFailed(errors={"parent_code": [f"{code}: 找不到上级区划 {parent_code}"]})
        if parent is not None and LEVEL_OF_PARENT.get(level) != parent.level:
            raise ValidationFailed(errors={"level": [f"{code}: {level} 的上级不能是 {parent.level}"]})
        area = by_code.get(code)
        if area is None:
            area = Area(code=code, name=name, level=level, parent=parent, path=_path(parent, code))
            db.session.add(area)
            by_code[code] = area
        else:
            area.name = name
        count += 1
    db.session.flush()
    return count


def load_areas_csv(stream: IO[str]) -> int:
    """Load areas from a CSV file with the header code,name,level,parent_code."""
    return load_areas(csv.DictReader(stream))


def _path(parent: Area | None, code: str) -> str:
    return f"{parent.path if parent else '/'}{code}/"


def area_by_code(code: str) -> Area:
    """The area with this code, or NotFound."""
    area = db.session.scalar(select(Area).where(Area.code == code))
    if area is None:
        raise NotFound("没有找到这个地区", code="area_not_found")
    return area


def child_areas(parent_code: str | None) -> list[Area]:
    """The areas directly below `parent_code` (the top-level areas when None)."""
    query = select(Area).order_by(Area.code)
    if parent_code:
        query = query.where(Area.parent_id == area_by_code(parent_code).id)
    else:
        query = query.where(Area.parent_id.is_(None))
    return list(db.session.scalars(query))


def ancestors(area: Area) -> list[Area]:
    """The area and every area above it, nearest first."""
    codes = [c for c in area.path.strip("/").split("/") if c]
    found = {a.code: a for a in db.session.scalars(select(Area).where(Area.code.in_(codes)))}
    return [found[c] for c in reversed(codes) if c in found]


def policy_values(area: Area, on: date | None = None) -> tuple[dict[str, Any], Area | None, date | None]:
    """The policy values in force for an area on a date: the nearest area with a row, newest row first.

    Returns (values, the area whose row applied, its effective date); ({}, None, None) when no
    area on the chain has a policy, and the caller falls back to national defaults.
    """
    on = on or date.today()
    chain = ancestors(area)
    rows = db.session.scalars(
        select(Policy)
        .where(Policy.area_id.in_([a.id for a in chain]), Policy.effective_from <= on)
        .order_by(Policy.effective_from.desc())
    ).all()
    for candidate in chain:
        for row in rows:
            if row.area_id == candidate.id:
                return dict(row.values), candidate, row.effective_from
    return {}, None, None


def set_policy(area: Area, effective_from: date, values: dict[str, Any]) -> Policy:
    """Add or replace the policy row of an area from a date."""
    row = db.session.scalar(select(Policy).where(Policy.area_id == area.id, Policy.effective_from == effective_from))
    if row is None:
        row = Policy(area_id=area.id, effective_from=effective_from, values=values)
        db.session.add(row)
    else:
        row.values = values
    db.session.flush()
    return row
