"""What township and county staff send for casework steps, bounded like every other input."""

from __future__ import annotations

from decimal import Decimal

from marshmallow import Schema, fields, validate

from app.domain import stages, vocab
from app.domain.care_level import DailyActivity
from app.domain.means_test_inputs import EducationLevel, EmploymentCategory
from app.schemas.fields import IdNumber, Phone, choice, money, text


def _required_text(max_length: int) -> fields.String:
    return text(max_length, required=True, validate=validate.Length(min=1, error="此项必填"))


def positive_money() -> fields.Decimal:
    """A required amount above zero, at most 1 亿 元."""
    return fields.Decimal(
        places=2,
        as_string=True,
        required=True,
        validate=validate.Range(min=Decimal("0.01"), max=100_000_000, error="金额应大于0且不超过1亿元"),
    )


def _ids(minimum: int) -> fields.List:
    return fields.List(
        fields.String(validate=validate.Length(max=36)),
        required=True,
        validate=validate.Length(min=minimum, max=20, error=f"至少{minimum}人"),
    )


class OpinionSchema(Schema):
    opinion = text(2000, allow_none=True, metadata={"description": "办理意见"})


class RequiredOpinionSchema(Schema):
    opinion = _required_text(2000)


class AcceptSchema(OpinionSchema):
    public_reason = text(
        200, allow_none=True, metadata={"description": "公示用的困难原因（不填则由申请理由脱敏生成）"}
    )


class MaterialsSchema(OpinionSchema):
    missing = fields.List(
        text(200, validate=validate.Length(min=1)),
        required=True,
        validate=validate.Length(min=1, max=30, error="请列出需要补充的全部材料"),
        metadata={"description": "需要补充的全部材料，一次列清"},
    )


class InvestigationSchema(OpinionSchema):
    investigator_ids = _ids(2)


class HomeVisitSchema(Schema):
    visited_on = fields.Date(required=True)
    visitor_ids = _ids(2)
    findings = _required_text(4000)
    living_conditions = text(2000, allow_none=True)
    recommendation = fields.String(
        validate=validate.OneOf(["support", "oppose", "undecided"]), allow_none=True
    )
    source = fields.String(load_default="office", validate=validate.OneOf(["office", "field"]))


class VerificationSchema(Schema):
    result = fields.String(required=True, validate=validate.OneOf(["pass", "warning"]))
    warnings = fields.List(text(500), load_default=list, validate=validate.Length(max=50))
    summary = text(4000, allow_none=True)
    reported_on = fields.Date(required=True)
    source = fields.String(load_default="entered", validate=validate.OneOf(["entered", "imported"]))


class ParticipantSchema(Schema):
    name = _required_text(50)
    role = _required_text(50)


class HearingResultSchema(Schema):
    held_on = fields.Date(required=True)
    participants = fields.List(
        fields.Nested(ParticipantSchema), required=True, validate=validate.Length(min=3, max=50)
    )
    votes_for = fields.Integer(load_default=0, validate=validate.Range(min=0, max=1000))
    votes_against = fields.Integer(load_default=0, validate=validate.Range(min=0, max=1000))
    result = fields.String(required=True, validate=validate.OneOf(["support", "oppose"]))
    summary = text(2000, allow_none=True)


class ExtensionSchema(Schema):
    working_days = fields.Integer(required=True, validate=validate.Range(min=1, max=60))
    reason = _required_text(1000)


class ApproveSchema(OpinionSchema):
    amount = money(allow_none=True, metadata={"description": "临时救助金额（低保、特困按测算结果）"})


class ReferSchema(RequiredOpinionSchema):
    amount = money(required=True)


class CountyDecisionSchema(OpinionSchema):
    approve = fields.Boolean(required=True)
    amount = money(allow_none=True)


class EmergencySchema(RequiredOpinionSchema):
    amount = positive_money()


class MemberParamsSchema(Schema):
    member_id = fields.String(required=True, validate=validate.Length(max=36))
    covered = fields.Boolean(load_default=True)
    employed = fields.Boolean(load_default=False)
    employment_category = choice({c.value: c.value for c in EmploymentCategory}, allow_none=True)
    work_place_monthly_standard = money(allow_none=True)


class ExpenseParamsSchema(Schema):
    expense_id = fields.String(required=True, validate=validate.Length(max=36))
    education_level = choice({c.value: c.value for c in EducationLevel}, allow_none=True)
    travel_lodging = fields.Boolean(load_default=False)
    study_abroad = fields.Boolean(load_default=False)


class ExtraIncomeSchema(Schema):
    member_id = fields.String(allow_none=True, validate=validate.Length(max=36))
    category = choice(vocab.INCOME_CATEGORIES, required=True)
    amount = money(required=True)
    period = choice(vocab.PERIODS, load_default="monthly")
    note = text(200, allow_none=True)


class SupporterSchema(Schema):
    name = _required_text(50)
    relation = _required_text(20)
    able_to_support = fields.Boolean(required=True)
    reason_unable = text(200, load_default="")


class ExtremePovertyParamsSchema(Schema):
    activities = fields.Dict(
        keys=fields.String(validate=validate.OneOf([a.value for a in DailyActivity])),
        values=fields.Boolean(),
        required=True,
        metadata={
            "description": "六项日常生活活动是否能完成：eating, dressing, bed_transfer, toileting, indoor_walking, bathing"
        },
    )
    legal_supporters = fields.List(
        fields.Nested(SupporterSchema), load_default=list, validate=validate.Length(max=20)
    )
    in_school = fields.Boolean(load_default=False)


class AssessmentSchema(Schema):
    reference_date = fields.Date(allow_none=True, metadata={"description": "测算基准日（默认受理日）"})
    single_person_member_id = fields.String(allow_none=True, validate=validate.Length(max=36))
    members = fields.List(
        fields.Nested(MemberParamsSchema), load_default=list, validate=validate.Length(max=20)
    )
    expenses = fields.List(
        fields.Nested(ExpenseParamsSchema), load_default=list, validate=validate.Length(max=60)
    )
    extra_incomes = fields.List(
        fields.Nested(ExtraIncomeSchema), load_default=list, validate=validate.Length(max=60)
    )
    one_off_spread_months = fields.Integer(load_default=12, validate=validate.Range(min=1, max=60))
    tekun = fields.Nested(ExtremePovertyParamsSchema, allow_none=True)
    registered_poverty = fields.Boolean(
        load_default=False, metadata={"description": "复核时：是否脱贫（监测）户"}
    )


class CaseListQuerySchema(Schema):
    stage = choice(stages.STAGES)


class RegisterEntrySchema(Schema):
    township_code = _required_text(12)
    name = _required_text(50)
    id_number = IdNumber(required=True)
    cadre_name = _required_text(50)
    position = _required_text(100)
    relation_to_cadre = choice({**vocab.RELATIONS, "self": "本人"}, required=True)


class ObjectionSchema(Schema):
    content = _required_text(2000)
    contact_name = _required_text(50)
    contact_phone = Phone(required=True)


class FundEntrySchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(["allocation", "top_up"]))
    amount = positive_money()
    note = text(500, allow_none=True)


class EntitlementActionSchema(Schema):
    reason = _required_text(1000)


class DishonestySchema(Schema):
    application_id = fields.String(required=True, validate=validate.Length(max=36))
    kind = fields.String(
        required=True,
        validate=validate.OneOf(["false_declaration", "hidden_income", "forged_papers", "other"]),
    )
    description = _required_text(2000)
    amount_to_recover = money(load_default=None, allow_none=True)
    confirmed_on = fields.Date(allow_none=True)


class RepaymentSchema(Schema):
    amount = positive_money()
    paid_on = fields.Date(allow_none=True)


class AreaQuerySchema(Schema):
    area = text(12, metadata={"description": "乡镇（街道）或村（社区）代码（默认本人辖区）"})


class ReportQuerySchema(Schema):
    area = text(12, metadata={"description": "区划代码（默认本人辖区）"})
    year = fields.Integer(validate=validate.Range(min=2004, max=2100))
