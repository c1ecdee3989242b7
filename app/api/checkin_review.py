"""Staff: the check-in review queue and decisions, township referrals, reference faces, deaths, reports."""

from __future__ import annotations

from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from app.api.auth import STAFF_SECURITY, current_staff, staff_required
from app.errors import ValidationFailed
from app.services import checkin_reports, checkin_review
from app.services.transaction import transaction

blp = Blueprint(
    "checkin_review",
    __name__,
    url_prefix="/api/checkins",
    description="工作人员：打卡核实、暂停决定、登记照片和统计",
)
READERS = ("village_assistant", "township_clerk", "township_reviewer", "county_officer")
OFFICE = ("township_clerk", "township_reviewer", "county_officer")


class CheckinRowSchema(Schema):
    id = fields.String()
    quarter = fields.String()
    village = fields.String()
    person_name = fields.String(allow_none=True)
    mode = fields.String()
    status = fields.String()
    review_status = fields.String()
    face_decision = fields.String(allow_none=True)
    anomaly_codes = fields.List(fields.String())
    received_at = fields.String()


class CheckinListSchema(Schema):
    items = fields.List(fields.Nested(CheckinRowSchema))


class CheckinDetailSchema(CheckinRowSchema):
    guardian = fields.Dict(allow_none=True)
    visit_outcome = fields.String(allow_none=True)
    face = fields.Dict()
    anomalies = fields.List(fields.Dict())
    location_given = fields.Boolean()
    accuracy_m = fields.Float(allow_none=True)
    user_agent = fields.String(allow_none=True)
    review_note = fields.String(allow_none=True)
    liveness_checked = fields.Boolean(metadata={"description": "始终为 false：离线环境没有活体检测"})


class CheckinDecisionSchema(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(("accept", "reject")))
    note = fields.String(required=True, validate=validate.Length(min=2, max=1000))


class CheckinReferralSchema(Schema):
    id = fields.String()
    entitlement_id = fields.String()
    village = fields.String()
    person_name = fields.String(allow_none=True)
    reason = fields.String()
    reason_label = fields.String()
    detail = fields.Dict()
    status = fields.String()
    note = fields.String(allow_none=True)
    created_at = fields.String()


class CheckinReferralListSchema(Schema):
    items = fields.List(fields.Nested(CheckinReferralSchema))


class ReferralQuerySchema(Schema):
    status = fields.String(
        load_default=None, validate=validate.OneOf(("open", "suspended", "dismissed", "cleared"))
    )


class ReferralDecisionSchema(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(("suspend", "dismiss")))
    note = fields.String(required=True, validate=validate.Length(min=2, max=1000))


class ReferenceFormSchema(Schema):
    person_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    source = fields.String(required=True, validate=validate.OneOf(("home_visit_selfie", "id_card_portrait")))


class PhotoFileSchema(Schema):
    photo = Upload(required=True, metadata={"description": "入户采集的正面照片或身份证人像"})


class ReferenceSchema(Schema):
    id = fields.String()
    person_id = fields.String()
    source = fields.String()
    model_id = fields.String()


class DeathRecordSchema(Schema):
    person_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    died_on = fields.Date(required=True)
    source = fields.String(load_default=None, validate=validate.Length(max=100))


class QuarterQuerySchema(Schema):
    quarter = fields.String(
        required=True, validate=validate.Regexp(r"^\d{4}Q[1-4]$", error="季度应写成 2026Q4 这样的格式")
    )


class CheckinReportSchema(Schema):
    quarter = fields.String()
    villages = fields.List(fields.Dict())
    townships = fields.List(fields.Dict())
    outstanding_visits = fields.Integer()
    anomalies_by_type = fields.List(fields.Dict())


@blp.route("/review", methods=["GET"])
@blp.doc(security=STAFF_SECURITY)
@blp.response(200, CheckinListSchema)
@staff_required(*READERS)
def review_queue() -> dict:
    """Check-ins waiting for a person (face no-match/review or an anomaly), oldest first."""
    return {"items": checkin_review.review_queue(current_staff())}


@blp.route("/<checkin_id>", methods=["GET"])
@blp.doc(security=STAFF_SECURITY)
@blp.response(200, CheckinDetailSchema)
@staff_required(*READERS)
def checkin_detail(checkin_id: str) -> dict:
    """One check-in in full for a reviewer (audited; distances and reasons, never coordinates or photos)."""
    with transaction():
        return checkin_review.checkin_detail(current_staff(), checkin_id)


@blp.route("/<checkin_id>/decision", methods=["POST"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(CheckinDecisionSchema)
@blp.response(200, CheckinRowSchema)
@staff_required(*OFFICE)
def decide_checkin(body: dict, checkin_id: str) -> dict:
    """Accept (the person is confirmed) or reject a check-in in review, with a note."""
    with transaction():
        return checkin_review.decide_checkin(current_staff(), checkin_id, body["decision"], body["note"])


@blp.route("/referrals", methods=["GET"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(ReferralQuerySchema, location="query")
@blp.response(200, CheckinReferralListSchema)
@staff_required(*READERS)
def list_referrals(query: dict) -> dict:
    """Cases sent to the township for a suspension decision (repeated misses, absence at a visit)."""
    return {"items": checkin_review.referrals(current_staff(), query["status"])}


@blp.route("/referrals/<referral_id>/decision", methods=["POST"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(ReferralDecisionSchema)
@blp.response(200, CheckinReferralSchema)
@staff_required(*OFFICE)
def decide_referral(body: dict, referral_id: str) -> dict:
    """The township decides: suspend the entitlement (with the reason) or dismiss the referral."""
    with transaction():
        return checkin_review.decide_referral(current_staff(), referral_id, body["decision"], body["note"])


@blp.route("/references", methods=["POST"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(ReferenceFormSchema, location="form")
@blp.arguments(PhotoFileSchema, location="files")
@blp.response(201, ReferenceSchema)
@staff_required(*READERS)
def enroll_reference(form: dict, files: dict) -> dict:
    """Enrol a person's reference face from a home-visit photo or the ID-card portrait."""
    data = files["photo"].read()
    if not data:
        raise ValidationFailed(errors={"photo": ["上传的文件是空的"]})
    with transaction():
        return checkin_review.enroll_reference(current_staff(), form["person_id"], form["source"], data)


@blp.route("/deaths", methods=["POST"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(DeathRecordSchema)
@blp.response(201, DeathRecordSchema)
@staff_required(*READERS)
def record_death(body: dict) -> dict:
    """Record a person's date of death (check-ins after it are flagged for review)."""
    with transaction():
        return checkin_review.record_death(
            current_staff(), body["person_id"], body["died_on"], body["source"]
        )


@blp.route("/reports", methods=["GET"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(QuarterQuerySchema, location="query")
@blp.response(200, CheckinReportSchema)
@staff_required(*READERS)
def quarter_report(query: dict) -> dict:
    """Completion per village and township, outstanding visits and anomalies by type for a quarter."""
    return checkin_reports.quarter_report(current_staff(), query["quarter"])
