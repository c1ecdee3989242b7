"""Reports for the township and the county, as JSON and as an Excel workbook clerks can file."""

from __future__ import annotations

import io
from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from app.domain import stages
from app.domain.entitlements import PAYING_STATES, add_months
from app.extensions import db
from app.models import Application, Area, CaseFile, Decision, Entitlement, ReserveFund, TemporaryGrant
from app.services.actors import StaffActor
from app.services.casework_access import actor_area, area_in_scope, today

ZERO = Decimal("0.00")


def summary(actor: StaffActor, area_code: str | None, year: int | None) -> dict[str, Any]:
    """Applications by stage, overdue cases, decisions and amounts by month, reserve fund balances."""
    area = area_in_scope(actor, area_code) if area_code else actor_area(actor)
    on = today()
    year = year or on.year
    inside = Area.path.startswith(area.path)
    apps = db.session.execute(
        select(Application.stage, CaseFile.due_date)
        .join(Area, Application.area_id == Area.id)
        .outerjoin(CaseFile, CaseFile.application_id == Application.id)
        .where(inside, Application.stage != "draft")
    ).all()
    by_stage = Counter(stage for stage, _due in apps)
    overdue = sum(1 for stage, due in apps if due is not None and stages.is_open(stage) and due < on)
    decisions = db.session.scalars(
        select(Decision)
        .join(Application, Decision.application_id == Application.id)
        .join(Area, Application.area_id == Area.id)
        .where(inside)
    ).all()
    entitlements = db.session.scalars(
        select(Entitlement).join(Area, Entitlement.area_id == Area.id).where(inside)
    ).all()
    grants = db.session.scalars(
        select(TemporaryGrant).join(Area, TemporaryGrant.township_id == Area.id).where(inside)
    ).all()
    months = []
    for month in range(1, 13):
        start = date(year, month, 1)
        end = add_months(start, 1)
        months.append(
            {
                "month": f"{year}-{month:02d}",
                "approved": sum(
                    1 for d in decisions if d.outcome == "approved" and start <= d.decided_on < end
                ),
                "rejected": sum(
                    1 for d in decisions if d.outcome == "rejected" and start <= d.decided_on < end
                ),
                "monthly_benefits": f"{_payable(entitlements, start):.2f}",
                "temporary_assistance": f"{sum((g.amount for g in grants if g.paid_on and start <= g.paid_on < end), ZERO):.2f}",
            }
        )
    funds = db.session.execute(
        select(Area, ReserveFund)
        .join(ReserveFund, ReserveFund.area_id == Area.id)
        .where(inside)
        .order_by(Area.code)
    ).all()
    return {
        "area": {"code": area.code, "name": area.name, "level": area.level},
        "year": year,
        "today": on.isoformat(),
        "applications_by_stage": [
            {"stage": stage, "label": label, "count": by_stage.get(stage, 0)}
            for stage, label in stages.STAGES.items()
            if stage != "draft"
        ],
        "overdue": overdue,
        "active_entitlements": sum(1 for e in entitlements if e.state in PAYING_STATES),
        "by_month": months,
        "reserve_funds": [
            {"township_code": a.code, "township_name": a.name, "balance": f"{f.balance:.2f}"}
            for a, f in funds
        ],
    }


def _payable(entitlements: list[Entitlement], month: date) -> Decimal:
    """The benefits payable for a month: entitlements started by then and not ended before it."""
    total = ZERO
    for e in entitlements:
        ended = e.terminated_on is not None and e.terminated_on < month
        if e.start_month <= month and not ended and e.state != "suspended":
            total += e.monthly_amount
    return total


def summary_workbook(report: dict[str, Any]) -> bytes:
    """The summary as an .xlsx workbook: one sheet per table, Chinese headers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "按环节统计"
    sheet.append([f"{report['area']['name']} 社会救助办理情况（{report['year']}年，截至{report['today']}）"])
    sheet.append(["办理环节", "件数"])
    for row in report["applications_by_stage"]:
        sheet.append([row["label"], row["count"]])
    sheet.append(["逾期未办结", report["overdue"]])
    sheet.append(["正在保障", report["active_entitlements"]])

    months = book.create_sheet("按月统计")
    months.append(["月份", "批准件数", "不予批准件数", "低保特困月发放额（元）", "临时救助支出（元）"])
    for row in report["by_month"]:
        months.append(
            [
                row["month"],
                row["approved"],
                row["rejected"],
                Decimal(row["monthly_benefits"]),
                Decimal(row["temporary_assistance"]),
            ]
        )

    funds = book.create_sheet("备用金")
    funds.append(["乡镇（街道）代码", "乡镇（街道）", "余额（元）"])
    for row in report["reserve_funds"]:
        funds.append([row["township_code"], row["township_name"], Decimal(row["balance"])])

    for ws in book.worksheets:
        for cell in ws[2 if ws is sheet else 1]:
            cell.font = Font(bold=True)
        for column in ws.columns:
            ws.column_dimensions[column[0].column_letter].width = 22
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, Decimal):
                    cell.number_format = "#,##0.00"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
