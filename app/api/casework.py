"""Township and county casework over HTTP: the work list, the case file, and every step to the decision.

Roles: village assistants read cases in their village and enter home visits; township clerks and
reviewers take the steps (only reviewers decide); county officers enter verification reports, file
flagged cases and decide referred temporary assistance. Another area's case is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from app.api.auth import STAFF_SECURITY, current_staff, staff_required
from app.schemas import casework as s
from app.schemas.outputs import ApplicationHeadingSchema
from app.services import benefits_funds, casework_decisions, casework_filing, casework_flow, casework_means
from app.services.casework_access import CASE_READERS, TOWNSHIP_ROLES
from app.services.casework_notifications import retry_failed
from app.services.casework_views import case_document, case_summary, cases_in_scope, overdue_cases
from app.services.transaction import transaction

blp = Blueprint(
    "casework",
    __name__,
    url_prefix="/api/casework",
    description="经办：受理、调查、评议、审核确认（乡镇、县级工作人员）",
)
COUNTY = ("county_officer",)


class CaseRowSchema(ApplicationHeadingSchema):
    applicant_name = fields.String(allow_none=True, metadata={"description": "姓名（部分隐去）"})
    area_code = fields.String()
    area_name = fields.String()
    accepted_on = fields.String(allow_none=True)
    due_date = fields.String(allow_none=True)
    due_provisional = fields.Boolean(
        metadata={"description": "截止日所在年份的法定节假日安排尚未公布，暂按周一至周五计算"}
    )
    overdue = fields.Boolean()
    working_days_left = fields.Integer(allow_none=True)
    hearing_status = fields.String(allow_none=True)
    filing_status = fields.String(allow_none=True)


class CaseListSchema(Schema):
    total = fields.Integer()
    items = fields.List(fields.Nested(CaseRowSchema))


class CaseDocumentSchema(Schema):
    application = fields.Dict()
    summary = fields.Nested(CaseRowSchema)
    history = fields.List(fields.Dict())
    case = fields.Dict(allow_none=True)


class OverdueSchema(Schema):
    today = fields.String()
    cases = fields.List(fields.Nested(CaseRowSchema))
    late_paperwork = fields.List(fields.Dict())


class RecordSchema(Schema):
    id = fields.String()
    result = fields.String()
    warnings = fields.List(fields.String())
    hearing_status = fields.String()
    visited_on = fields.String()
    visitors = fields.List(fields.String())


class AssessmentResultSchema(Schema):
    kind = fields.String()
    reference_date = fields.String()
    eligible = fields.Boolean()
    benefit = fields.String()
    covered_count = fields.Integer()
    reasons = fields.List(fields.Dict())
    trace = fields.List(fields.Dict())
    route = fields.String()
    standard = fields.String()
    household_income = fields.String()
    deductions = fields.String()
    per_capita_income = fields.String()
    co_resident_count = fields.Integer()
    covered_member_ids = fields.List(fields.String())
    care = fields.Dict()
    employment_income = fields.String()


class ExtensionResultSchema(Schema):
    due_date = fields.String()
    provisional = fields.Boolean()
    extension_days = fields.Integer()


class GrantSchema(Schema):
    id = fields.String()
    application_id = fields.String()
    amount = fields.String()
    level = fields.String()
    status = fields.String()
    paid_first = fields.Boolean()
    paid_on = fields.String(allow_none=True)
    paperwork_due = fields.String(allow_none=True)
    paperwork_provisional = fields.Boolean()
    paperwork_completed_on = fields.String(allow_none=True)


class RetriedCountSchema(Schema):
    count = fields.Integer()


def _step(func: Callable[..., Any], *args: Any) -> dict[str, Any]:
    with transaction():
        return case_summary(func(current_staff(), *args))


@blp.route("/cases", methods=["GET"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(s.CaseListQuerySchema, location="query")
@blp.response(200, CaseListSchema)
@staff_required(*CASE_READERS)
def list_cases(query: dict) -> dict:
    """Open cases in my area, soonest due first (names masked)."""
    return cases_in_scope(current_staff(), query.get("stage"))


@blp.route("/cases/<application_id>", methods=["GET"])
@blp.doc(security=STAFF_SECURITY)
@blp.response(200, CaseDocumentSchema)
@staff_required(*CASE_READERS)
def get_case(application_id: str) -> dict:
    """The whole case file: application, history, investigation, hearing, notice, decision (audited)."""
    with transaction():
        return case_document(current_staff(), application_id)


@blp.route("/cases/<application_id>/accept", methods=["POST"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(s.AcceptSchema)
@blp.response(200, CaseRowSchema)
@staff_required(*TOWNSHIP_ROLES)
def accept(body: dict, application_id: str) -> dict:
    """Accept: the deadline starts, the public notice is posted, the cadre-relative register is checked."""
    return _step(casework_flow.accept, application_id, body.get("opinion"), body.get("public_reason"))


@blp.route("/cases/<application_id>/request-materials", methods=["POST"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(s.MaterialsSchema)
@blp.response(200, CaseRowSchema)
@staff_required(*TOWNSHIP_ROLES)
def request_materials(body: dict, application_id: str) -> dict:
    """Ask for everything missing in one notice; the resident edits and resubmits."""
    return _step(casework_flow.request_materials, application_id, body["missing"], body.get("opinion"))


@blp.route("/cases/<application_id>/refuse", methods=["POST"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(s.RequiredOpinionSchema)
@blp.response(200, CaseRowSchema)
@staff_required(*TOWNSHIP_ROLES)
def refuse(body: dict, application_id: str) -> dict:
    """Not accepted, with the reason."""
    return _step(casework_flow.refuse, application_id, body["opinion"])


@blp.route("/cases/<application_id>/investigation", methods=["POST"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(s.InvestigationSchema)
@blp.response(200, CaseRowSchema)
@staff_required(*TOWNSHIP_ROLES)
def start_investigation(body: dict, application_id: str) -> dict:
    """Assign at least two investigators and start the investigation."""
    return _step(
        casework_flow.start_investigation, application_id, body["investigator_ids"], body.get("opinion")
    )


@blp.route("/cases/<application_id>/home-visits", methods=["POST"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(s.HomeVisitSchema)
@blp.response(201, RecordSchema)
@staff_required("village_assistant", *TOWNSHIP_ROLES)
def record_home_visit(body: dict, application_id: str) -> dict:
    """A home-visit record by at least two staff, entered at the office or from the field."""
    with transaction():
        return casework_flow.record_home_visit(current_staff(), application_id, body)


@blp.route("/cases/<application_id>/verification-reports", methods=["POST"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(s.VerificationSchema)
@blp.response(201, RecordSchema)
@staff_required("county_officer", *TOWNSHIP_ROLES)
def record_verification(body: dict, application_id: str) -> dict:
    """The county's household economic verification report; any warning makes a hearing required."""
    with transaction():
        return casework_flow.record_verification(current_staff(), application_id, body)


@blp.route("/cases/<application_id>/assessment", methods=["POST"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(s.AssessmentSchema)
@blp.response(200, AssessmentResultSchema)
@staff_required(*TOWNSHIP_ROLES)
def run_assessment(body: dict, application_id: str) -> dict:
    """Run the 低保 means test (or the 特困 assessment) on the household: result and line-by-line trace."""
    with transaction():
        return casework_means.run_assessment(current_staff(), application_id, body)


@blp.route("/cases/<application_id>/finish-investigation", methods=["POST"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(s.OpinionSchema)
@blp.response(200, CaseRowSchema)
@staff_required(*TOWNSHIP_ROLES)
def finish_investigation(body: dict, application_id: str) -> dict:
    """Investigation done (home visit and verification report on file): on to township review."""
    return _step(casework_flow.finish_investigation, application_id, body.get("opinion"))


@blp.route("/cases/<application_id>/hearing", methods=["POST"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(s.OpinionSchema)
@blp.response(200, CaseRowSchema)
@staff_required(*TOWNSHIP_ROLES)
def call_hearing(body: dict, application_id: str) -> dict:
    """Call a democratic hearing (required after objections or warnings; optional as a special review)."""
    return _step(casework_flow.call_hearing, application_id, body.get("opinion"))


@blp.route("/cases/<application_id>/hearing-result", methods=["POST"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(s.HearingResultSchema)
@blp.response(200, CaseRowSchema)
@staff_required(*TOWNSHIP_ROLES)
def record_hearing(body: dict, application_id: str) -> dict:
    """Record the hearing's participants and result; the case returns to review."""
    return _step(casework_flow.record_hearing, application_id, body)


@blp.route("/cases/<application_id>/send-back", methods=["POST"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(s.RequiredOpinionSchema)
@blp.response(200, CaseRowSchema)
@staff_required(*TOWNSHIP_ROLES)
def send_back(body: dict, application_id: str) -> dict:
    """Back to investigation, with the reason."""
    return _step(casework_flow.send_back, application_id, body["opinion"])


@blp.route("/cases/<application_id>/approve", methods=["POST"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(s.ApproveSchema)
@blp.response(200, CaseRowSchema)
@staff_required(*TOWNSHIP_ROLES)
def approve(body: dict, application_id: str) -> dict:
    """Approve (reviewers only): creates the entitlement, or pays temporary assistance from the reserve fund."""
    return _step(casework_decisions.approve, application_id, body.get("opinion"), body.get("amount"))


@blp.route("/cases/<application_id>/reject", methods=["POST"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(s.RequiredOpinionSchema)
@blp.response(200, CaseRowSchema)
@staff_required(*TOWNSHIP_ROLES)
def reject(body: dict, application_id: str) -> dict:
    """Reject with a written reason (reviewers only); the resident is notified."""
    return _step(casework_decisions.reject, application_id, body["opinion"])


@blp.route("/cases/<application_id>/refer-to-county", methods=["POST"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(s.ReferSchema)
@blp.response(200, CaseRowSchema)
@staff_required(*TOWNSHIP_ROLES)
def refer_to_county(body: dict, application_id: str) -> dict:
    """Temporary assistance above the township's limit goes to the county (reviewers only)."""
    return _step(casework_decisions.refer_to_county, application_id, body["amount"], body["opinion"])


@blp.route("/cases/<application_id>/county-decision", methods=["POST"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(s.CountyDecisionSchema)
@blp.response(200, CaseRowSchema)
@staff_required(*COUNTY)
def county_decision(body: dict, application_id: str) -> dict:
    """The county approves or rejects temporary assistance referred to it."""
    return _step(
        casework_decisions.county_decide,
        application_id,
        body["approve"],
        body.get("opinion"),
        body.get("amount"),
    )


@blp.route("/cases/<application_id>/filing", methods=["POST"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(s.RequiredOpinionSchema)
@blp.response(200, CaseRowSchema)
@staff_required(*COUNTY)
def file_case(body: dict, application_id: str) -> dict:
    """The county files a case flagged by the cadre-relative register (备案), so the township may finish it."""
    return _step(casework_filing.file_case, application_id, body["opinion"])


@blp.route("/cases/<application_id>/extensions", methods=["POST"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(s.ExtensionSchema)
@blp.response(201, ExtensionResultSchema)
@staff_required(*TOWNSHIP_ROLES)
def extend_deadline(body: dict, application_id: str) -> dict:
    """Extend the decision deadline (within the policy's allowance), with a reason."""
    with transaction():
        return casework_flow.extend_deadline(
            current_staff(), application_id, body["working_days"], body["reason"]
        )


@blp.route("/cases/<application_id>/emergency-payment", methods=["POST"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(s.EmergencySchema)
@blp.response(201, GrantSchema)
@staff_required(*TOWNSHIP_ROLES)
def emergency_payment(body: dict, application_id: str) -> dict:
    """急难型: pay first from the reserve fund; the paperwork is due within N working days."""
    with transaction():
        return benefits_funds.emergency_payment(
            current_staff(), application_id, body["amount"], body["opinion"]
        )


@blp.route("/overdue", methods=["GET"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(s.AreaQuerySchema, location="query")
@blp.response(200, OverdueSchema)
@staff_required(*TOWNSHIP_ROLES, *COUNTY)
def overdue(query: dict) -> dict:
    """Open cases past their due date, and emergency payments whose paperwork is late, in my area (or one township)."""
    with transaction():
        return overdue_cases(current_staff(), query.get("area"))


@blp.route("/notifications/retry", methods=["POST"])
@blp.doc(security=STAFF_SECURITY)
@blp.response(200, RetriedCountSchema)
@staff_required(*TOWNSHIP_ROLES, *COUNTY)
def retry_notifications() -> dict:
    """Queue again the WeChat messages that failed in my area."""
    with transaction():
        return {"count": retry_failed(current_staff().area_path)}
