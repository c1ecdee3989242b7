"""What the ID-card photo endpoints take and return (resident and staff share the reading shape)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.domain.id_card_proposals import LABELS


class WarningSchema(Schema):
    """Something to check, in plain Chinese."""

    field = fields.String(allow_none=True)
    code = fields.String()
    message = fields.String()


class ProposedFieldSchema(Schema):
    """One field read from the card, proposed for the form (never written without the resident)."""

    label = fields.String()
    value = fields.String(metadata={"description": "识别结果；工作人员无权查看时身份证号码已打码"})
    confidence = fields.Float(metadata={"description": "0 到 1"})
    source = fields.String(metadata={"description": "ocr / corrected / derived_from_id_number"})
    warnings = fields.List(fields.Nested(WarningSchema))
    suggestion = fields.Boolean(metadata={"description": "true：结果有疑问，只作建议，需居民核对"})
    target = fields.String(allow_none=True, metadata={"description": "可填入的申请人字段；null 表示不用填表"})
    comparison = fields.String(
        allow_none=True,
        metadata={"description": "fill：表中为空；same：与已填一致；differs：与已填不同（只作建议）"},
    )


class IdCardReadingSchema(Schema):
    """The state of one ID-card photo's reading; `fields` once it is done."""

    attachment_id = fields.String()
    kind = fields.String()
    status = fields.String(metadata={"description": "queued / running / done / failed"})
    reason = fields.String(allow_none=True, metadata={"description": "failed 时的原因代码"})
    message = fields.String(allow_none=True, metadata={"description": "给居民看的中文说明"})
    poll_after_seconds = fields.Integer(allow_none=True)
    side = fields.String(allow_none=True, metadata={"description": "portrait（人像面）/ emblem（国徽面）"})
    engine = fields.String(allow_none=True)
    fields_ = fields.Dict(
        data_key="fields", attribute="fields", keys=fields.String(), values=fields.Nested(ProposedFieldSchema)
    )
    warnings = fields.List(fields.Nested(WarningSchema))


class IdCardReadingListSchema(Schema):
    items = fields.List(fields.Nested(IdCardReadingSchema))


class ApplyReadingSchema(Schema):
    """Which read fields the resident accepts even though the form already holds something else."""

    accept = fields.List(
        fields.String(validate=validate.OneOf(sorted(LABELS))),
        load_default=list,
        validate=validate.Length(max=len(LABELS)),
        metadata={"description": "要采用的字段（如 name、id_number、address）；不填则只补空白且无疑问的项"},
    )


class SkippedFieldSchema(Schema):
    field = fields.String()
    code = fields.String()
    message = fields.String()


class ApplyResultSchema(Schema):
    """What was written to the applicant part, what was not and why, and the reading afterwards."""

    applied = fields.List(fields.String())
    skipped = fields.List(fields.Nested(SkippedFieldSchema))
    reading = fields.Nested(IdCardReadingSchema)
