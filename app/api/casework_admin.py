"""Casework beyond the single case: the cadre-relative register, entitlements and reviews, reserve funds,
the dishonesty ledger, and reports (JSON and Excel)."""

from __future__ import annotations

from datetime import timedelta

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.api.auth import STAFF_SECURITY, current_staff, staff_required
from app.domain import entitlements as ent
from app.schemas import casework as s
from app.schemas.fields import choice, text
from app.services import (
    benefits_dishonesty,
    benefits_entitlements,
    benefits_funds,
    casework_filing,
    casework_reports,
)
from app.services.casework_access import TOWNSHIP_ROLES, today
from app.services.transaction import transaction

blp = Blueprint(
    "casework_admin",
    __name__,
    url_prefix="/api/casework",
    description="经办：备案登记、保障动态管理、备用金、失信台账、统计报表",
)
COUNTY = ("county_officer",)
READERS = (*TOWNSHIP_ROLES, *COUNTY)
STATE_ACTIONS = {
    "start-review": "start_review",
    "suspend": "suspend",
    "resume": "resume",
    "terminate": "terminate",
}


class RegisterQuerySchema(Schema):
    township_code = text(12, required=True)


class RegisterEntryOutSchema(Schema):
    id = fields.String()
    township_code = fields.String()
    name = fields.String()
    id_number = fields.String(metadata={"description": "身份证号码（部分隐去）"})
    cadre_name = fields.String()
    position = fields.String()
    relation_to_cadre = fields.String()


class RegisterListSchema(Schema):
    items = fields.List(fields.Nested(RegisterEntryOutSchema))


class EntitlementQuerySchema(Schema):
    state = choice(ent.STATES)
    due_within_days = fields.Integer(
        validate=validate.Range(min=0, max=400), metadata={"description": "列出多少天内到期复核的"}
    )


class EntitlementSchema(Schema):
    id = fields.String()
    application_id = fields.String()
    reference = fields.String()
    applicant_name = fields.String(allow_none=True)
    program = fields.String()
    program_label = fields.String()
    state = fields.String()
    state_label = fields.String()
    monthly_amount = fields.String()
    covered_members = fields.Integer()
    start_month = fields.String()
    stable = fields.Boolean()
    review_cycle_months = fields.Integer()
    next_review_on = fields.String()
    gradual_exit_until = fields.String(allow_none=True)
    terminated_on = fields.String(allow_none=True)
    events = fields.List(fields.Dict())
    review = fields.Dict()


class EntitlementListSchema(Schema):
    items = fields.List(fields.Nested(EntitlementSchema))


class EndedCountSchema(Schema):
    count = fields.Integer()


class FundSchema(Schema):
    township_code = fields.String()
    township_name = fields.String()
    balance = fields.String()
    entries = fields.List(fields.Dict())


class DishonestyOutSchema(Schema):
    id = fields.String()
    reference = fields.String(allow_none=True)
    applicant_name = fields.String(allow_none=True)
    kind = fields.String()
    kind_label = fields.String()
    description = fields.String()
    amount_to_recover = fields.String()
    repaid = fields.String()
    outstanding = fields.String()
    confirmed_on = fields.String()


class DishonestyListSchema(Schema):
    items = fields.List(fields.Nested(DishonestyOutSchema))


class ReportSchema(Schema):
    area = fields.Dict()
    year = fields.Integer()
    today = fields.String()
    applications_by_stage = fields.List(fields.Dict())
    overdue = fields.Integer()
    active_entitlements = fields.Integer()
    by_month = fields.List(fields.Dict())
    reserve_funds = fields.List(fields.Dict())


@blp.route("/relatives-register", methods=["GET"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(RegisterQuerySchema, location="query")
@blp.response(200, RegisterListSchema)
@staff_required(*READERS)
def list_register(query: dict) -> dict:
    """The township's register of cadres, public employees and their close relatives (ID numbers masked)."""
    with transaction():
        return {"items": casework_filing.register_entries(current_staff(), query["township_code"])}


@blp.route("/relatives-register", methods=["POST"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(s.RegisterEntrySchema)
@blp.response(201, RegisterEntryOutSchema)
@staff_required(*TOWNSHIP_ROLES)
def add_register_entry(body: dict) -> dict:
    """Add a person to the register; their cases will need the county's filing."""
    with transaction():
        return casework_filing.add_register_entry(current_staff(), body)


@blp.route("/relatives-register/<entry_id>", methods=["DELETE"])
@blp.doc(security=STAFF_SECURITY)
@blp.response(204)
@staff_required(*TOWNSHIP_ROLES)
def remove_register_entry(entry_id: str) -> None:
    """Take a person off the register."""
    with transaction():
        casework_filing.remove_register_entry(current_staff(), entry_id)


@blp.route("/entitlements", methods=["GET"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(EntitlementQuerySchema, location="query")
@blp.response(200, EntitlementListSchema)
@staff_required(*READERS)
def list_entitlements(query: dict) -> dict:
    """Entitlements in my area, soonest review first; `due_within_days` lists reviews coming due."""
    due = query.get("due_within_days")
    due_by = today() + timedelta(days=due) if due is not None else None
    return {"items": benefits_entitlements.entitlements_in_scope(current_staff(), query.get("state"), due_by)}


@blp.route("/entitlements/<entitlement_id>", methods=["GET"])
@blp.doc(security=STAFF_SECURITY)
@blp.response(200, EntitlementSchema)
@staff_required(*READERS)
def get_entitlement(entitlement_id: str) -> dict:
    """One entitlement with its history of reviews and changes."""
    row = benefits_entitlements.entitlement_in_scope(current_staff(), entitlement_id)
    return benefits_entitlements.entitlement_view(row, with_events=True)


def _register_state_action(path: str, action: str) -> None:
    @blp.route(f"/entitlements/<entitlement_id>/{path}", methods=["POST"], endpoint=f"entitlement_{action}")
    @blp.doc(security=STAFF_SECURITY, summary=f"{path}: {ent.ACTION_LABELS[action]}（审核人）")
    @blp.arguments(s.EntitlementActionSchema)
    @blp.response(200, EntitlementSchema)
    @staff_required("township_reviewer")
    def change(body: dict, entitlement_id: str) -> dict:
        with transaction():
            return benefits_entitlements.change_state(current_staff(), entitlement_id, action, body["reason"])


for _path, _action in STATE_ACTIONS.items():
    _register_state_action(_path, _action)


@blp.route("/entitlements/<entitlement_id>/review-result", methods=["POST"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(s.AssessmentSchema)
@blp.response(200, EntitlementSchema)
@staff_required("township_reviewer")
def complete_review(body: dict, entitlement_id: str) -> dict:
    """Finish a review: re-run the assessment; continue with the new amount or enter the gradual exit."""
    with transaction():
        return benefits_entitlements.complete_review(current_staff(), entitlement_id, body)


@blp.route("/entitlements/end-gradual-exits", methods=["POST"])
@blp.doc(security=STAFF_SECURITY)
@blp.response(200, EndedCountSchema)
@staff_required("township_reviewer")
def end_gradual_exits() -> dict:
    """Terminate the entitlements in my area whose gradual-exit period has ended."""
    with transaction():
        return {"count": benefits_entitlements.end_finished_gradual_exits(current_staff(), today())}


@blp.route("/reserve-funds/<township_code>", methods=["GET"])
@blp.doc(security=STAFF_SECURITY)
@blp.response(200, FundSchema)
@staff_required(*READERS)
def get_fund(township_code: str) -> dict:
    """A township's reserve fund: balance and ledger."""
    return benefits_funds.fund_view(current_staff(), township_code)


@blp.route("/reserve-funds/<township_code>/entries", methods=["POST"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(s.FundEntrySchema)
@blp.response(201, FundSchema)
@staff_required(*COUNTY)
def add_fund_entry(body: dict, township_code: str) -> dict:
    """The county allocates to or tops up a township's reserve fund."""
    with transaction():
        return benefits_funds.county_entry(
            current_staff(), township_code, body["kind"], body["amount"], body.get("note")
        )


@blp.route("/dishonesty", methods=["GET"])
@blp.doc(security=STAFF_SECURITY)
@blp.response(200, DishonestyListSchema)
@staff_required(*READERS)
def list_dishonesty() -> dict:
    """The dishonesty ledger in my area."""
    return {"items": benefits_dishonesty.ledger(current_staff())}


@blp.route("/dishonesty", methods=["POST"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(s.DishonestySchema)
@blp.response(201, DishonestyOutSchema)
@staff_required(*TOWNSHIP_ROLES)
def record_dishonesty(body: dict) -> dict:
    """Record confirmed fraud with the amount to recover; the household is then reviewed more often."""
    with transaction():
        return benefits_dishonesty.record_dishonesty(current_staff(), body)


@blp.route("/dishonesty/<record_id>/repayments", methods=["POST"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(s.RepaymentSchema)
@blp.response(201, DishonestyOutSchema)
@staff_required(*TOWNSHIP_ROLES)
def add_repayment(body: dict, record_id: str) -> dict:
    """Record money paid back."""
    with transaction():
        return benefits_dishonesty.add_repayment(
            current_staff(), record_id, body["amount"], body.get("paid_on")
        )


@blp.route("/reports/summary", methods=["GET"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(s.ReportQuerySchema, location="query")
@blp.response(200, ReportSchema)
@staff_required(*READERS)
def report_summary(query: dict) -> dict:
    """Applications by stage, overdue, approvals and rejections, amounts by month, reserve fund balances."""
    return casework_reports.summary(current_staff(), query.get("area"), query.get("year"))


@blp.route("/reports/summary.xlsx", methods=["GET"])
@blp.doc(
    security=STAFF_SECURITY,
    responses={
        "200": {
            "description": "Excel 工作簿",
            "content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}},
        }
    },
)
@blp.arguments(s.ReportQuerySchema, location="query")
@staff_required(*READERS)
def report_workbook(query: dict) -> Response:
    """The same summary as an Excel workbook."""
    report = casework_reports.summary(current_staff(), query.get("area"), query.get("year"))
    return Response(
        casework_reports.summary_workbook(report),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": f"attachment; filename=report-{report['area']['code']}-{report['year']}.xlsx"
        },
    )
