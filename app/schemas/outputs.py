"""Response schemas: they document (and dump) what the presenters in app.services build."""

from __future__ import annotations

from marshmallow import Schema, fields

from app.domain.completeness import PART_KEYS


class ErrorSchema(Schema):
    """The one error body."""

    status = fields.Integer(metadata={"description": "HTTP 状态码"})
    code = fields.String(metadata={"description": "稳定的错误代码（snake_case），客户端据此判断"})
    message = fields.String(metadata={"description": "给居民看的中文说明"})
    errors = fields.Dict(metadata={"description": "逐项问题：字段路径 → 说明列表"})


class PersonOutSchema(Schema):
    """A person as the viewer may see them (ID number and phone masked unless it is them)."""

    name = fields.String(allow_none=True)
    id_number = fields.String(allow_none=True)
    sex = fields.String(allow_none=True)
    birth_date = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    work_capacity = fields.String(allow_none=True)
    disability_grade = fields.Integer(allow_none=True)
    serious_illness = fields.Boolean(allow_none=True)


class ApplicantOutSchema(PersonOutSchema):
    member_id = fields.String(allow_none=True)
    area_code = fields.String(allow_none=True)
    area_name = fields.String(allow_none=True)
    household_type = fields.String(allow_none=True)
    registered_address = fields.String(allow_none=True)
    current_address = fields.String(allow_none=True)


class MemberOutSchema(PersonOutSchema):
    id = fields.String()
    relation = fields.String(allow_none=True)
    co_resident = fields.Boolean()


class ItemOutSchema(Schema):
    member_id = fields.String(allow_none=True)
    amount = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    category = fields.String()
    kind = fields.String()
    period = fields.String()
    quantity = fields.Integer()
    description = fields.String(allow_none=True)
    incurred_on = fields.String(allow_none=True)
    reimbursed = fields.String(allow_none=True)


class TimelineEntrySchema(Schema):
    stage = fields.String()
    stage_label = fields.String()
    at = fields.String()
    by = fields.String()
    note = fields.String(allow_none=True)


class ProgressSchema(Schema):
    """Where the application stands, as a resident reads it."""

    stage = fields.String()
    stage_label = fields.String()
    open = fields.Boolean(metadata={"description": "仍在办理中"})
    editable = fields.Boolean(metadata={"description": "申请人现在可以修改（草稿或需补充材料）"})
    can_withdraw = fields.Boolean(metadata={"description": "现在可以撤回"})
    since = fields.String()
    next_actor = fields.String(allow_none=True, metadata={"description": "下一步由谁办理"})
    due_date = fields.String(allow_none=True, metadata={"description": "办结期限（工作日计算）"})
    reason = fields.String(allow_none=True, metadata={"description": "补充材料、不予受理或不予批准的理由"})
    timeline = fields.List(fields.Nested(TimelineEntrySchema))


class ProxyOutSchema(Schema):
    name = fields.String(allow_none=True)
    relation = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)


class BankOutSchema(Schema):
    bank_name = fields.String(allow_none=True)
    account = fields.String(allow_none=True)
    holder = fields.String(allow_none=True)


class ApplicationHeadingSchema(Schema):
    """What every list row of applications starts with."""

    id = fields.String()
    reference = fields.String()
    program = fields.String()
    program_label = fields.String()
    stage = fields.String()
    stage_label = fields.String()


class ApplicationSummarySchema(ApplicationHeadingSchema):
    """One line of a list of applications."""

    applicant_name = fields.String(allow_none=True)
    on_behalf = fields.Boolean()
    created_at = fields.String()
    updated_at = fields.String()


class ApplicationListSchema(Schema):
    items = fields.List(fields.Nested(ApplicationSummarySchema))


class ApplicationSchema(Schema):
    """A whole application with its progress."""

    id = fields.String()
    reference = fields.String()
    program = fields.String()
    program_label = fields.String()
    channel = fields.String()
    version = fields.Integer()
    on_behalf = fields.Boolean()
    proxy = fields.Nested(ProxyOutSchema, allow_none=True)
    applicant = fields.Nested(ApplicantOutSchema)
    members = fields.List(fields.Nested(MemberOutSchema))
    income = fields.List(fields.Nested(ItemOutSchema))
    assets = fields.List(fields.Nested(ItemOutSchema))
    expenses = fields.List(fields.Nested(ItemOutSchema))
    bank = fields.Nested(BankOutSchema)
    reason = fields.String(allow_none=True)
    consent_to_verification = fields.Boolean()
    progress = fields.Nested(ProgressSchema)
    created_at = fields.String()
    submitted_at = fields.String(allow_none=True)


class AttachmentSchema(Schema):
    """A photo attached to an application."""

    id = fields.String()
    kind = fields.String()
    sha256 = fields.String()
    size = fields.Integer()
    source = fields.String()
    created_at = fields.DateTime()


class AttachmentListSchema(Schema):
    items = fields.List(fields.Nested(AttachmentSchema))


def _part_saved_schema(part: str, keys: tuple[str, ...]) -> type[Schema]:
    """The answer to saving one part: the part as now stored, with the new version and stage."""
    fields_of = {
        "id": fields.String(),
        "version": fields.Integer(),
        "stage": fields.String(),
        "editable": fields.Boolean(),
        "part": fields.String(),
        **{key: ApplicationSchema._declared_fields[key] for key in keys},
    }
    name = "".join(word.title() for word in part.split("_")) + "PartSavedSchema"
    return Schema.from_dict(fields_of, name=name)


PART_SAVED_SCHEMAS: dict[str, type[Schema]] = {part: _part_saved_schema(part, keys) for part, keys in PART_KEYS.items()}
