"""Check-in reports for staff (their area subtree): completion per village and township for a quarter,
outstanding home visits, anomalies by type. Counts only: no names, places or photos."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import func, select

from app.domain.checkin_anomalies import MESSAGES
from app.domain.checkin_schedule import quarter_start
from app.extensions import db
from app.models import Area, Checkin, CheckinVisitTask, CheckinWindow
from app.services.actors import StaffActor

STATUSES = ("open", "checked_in", "review", "missed")


def _rate(done: int, total: int) -> float | None:
    return round(done / total, 4) if total else None


def quarter_report(actor: StaffActor, quarter: str) -> dict[str, Any]:
    """Completion per village and per township, outstanding visits, anomalies by type."""
    quarter_start(quarter)
    in_scope = Area.path.startswith(actor.area_path)
    counts = db.session.execute(
        select(CheckinWindow.area_id, CheckinWindow.status, func.count())
        .join(Area, Area.id == CheckinWindow.area_id)
        .where(CheckinWindow.quarter == quarter, in_scope)
        .group_by(CheckinWindow.area_id, CheckinWindow.status)
    ).all()
    visits = dict(
        db.session.execute(
            select(CheckinVisitTask.area_id, func.count())
            .join(Area, Area.id == CheckinVisitTask.area_id)
            .where(CheckinVisitTask.status == "open", in_scope)
            .group_by(CheckinVisitTask.area_id)
        ).all()
    )
    by_village: dict[int, Counter] = defaultdict(Counter)
    for area_id, status, count in counts:
        by_village[area_id][status] += count
    areas = {
        a.id: a for a in db.session.scalars(select(Area).where(Area.id.in_(set(by_village) | set(visits))))
    }
    villages, townships = [], defaultdict(Counter)
    for area_id in sorted(areas, key=lambda i: areas[i].code):
        area, tally = areas[area_id], by_village[area_id]
        total = sum(tally.values())
        row = {"code": area.code, "name": area.name, "windows": total, **{s: tally[s] for s in STATUSES},
               "completion_rate": _rate(tally["checked_in"], total), "outstanding_visits": visits.get(area_id, 0)}  # fmt: skip
        villages.append(row)
        parent = area.parent if area.level == "village" and area.parent else area
        townships[(parent.code, parent.name)].update({**{s: tally[s] for s in STATUSES}, "windows": total,
                                                      "outstanding_visits": visits.get(area_id, 0)})  # fmt: skip
    anomalies: Counter = Counter()
    rows = db.session.scalars(
        select(Checkin.anomalies)
        .join(CheckinWindow, CheckinWindow.id == Checkin.window_id)
        .join(Area, Area.id == CheckinWindow.area_id)
        .where(CheckinWindow.quarter == quarter, in_scope, Checkin.anomalies.is_not(None))
    )
    for found in rows:
        anomalies.update(signal["code"] for signal in found or [])
    return {
        "quarter": quarter,
        "villages": villages,
        "townships": [
            {
                "code": code,
                "name": name,
                "windows": t["windows"],
                **{s: t[s] for s in STATUSES},
                "completion_rate": _rate(t["checked_in"], t["windows"]),
                "outstanding_visits": t["outstanding_visits"],
            }
            for (code, name), t in sorted(townships.items())
        ],  # fmt: skip
        "outstanding_visits": sum(visits.values()),
        "anomalies_by_type": [
            {"code": code, "count": anomalies[code]} for code in MESSAGES if anomalies[code]
        ],
    }
