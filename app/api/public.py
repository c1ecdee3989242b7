"""Public, read-only lookups a resident needs before signing in: areas and local policy."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from app.domain.vocab import all_vocabularies
from app.schemas.fields import text
from app.services.areas import ancestors, area_by_code, child_areas
from app.services.policies import policy_summary

blp = Blueprint("public", __name__, url_prefix="/api/public", description="公开信息：地区、政策")


class AreaQuerySchema(Schema):
    parent = text(12, metadata={"description": "上级区划代码；不填则列出最上级"})


class AreaSchema(Schema):
    code = fields.String()
    name = fields.String()
    level = fields.String()


class AreaListSchema(Schema):
    items = fields.List(fields.Nested(AreaSchema))


class ProgramPolicySchema(Schema):
    program = fields.String()
    label = fields.String()
    standard = fields.Dict()
    required_materials = fields.List(fields.String())


class PolicySummarySchema(Schema):
    area = fields.Nested(AreaSchema)
    effective_from = fields.String()
    decision_deadline_working_days = fields.Integer()
    programs = fields.List(fields.Nested(ProgramPolicySchema))
    notes = fields.List(fields.String())


@blp.route("/areas", methods=["GET"])
@blp.arguments(AreaQuerySchema, location="query")
@blp.response(200, AreaListSchema)
def list_areas(query: dict) -> dict:
    """Areas directly below a parent, for the resident's area picker."""
    return {"items": child_areas(query.get("parent"))}


class AreaDetailSchema(AreaSchema):
    ancestors = fields.List(fields.Nested(AreaSchema), metadata={"description": "从县到上一级"})


class VocabularySchema(Schema):
    vocabularies = fields.Dict(
        keys=fields.String(), values=fields.Dict(), metadata={"description": "各选项的代码和中文名称"}
    )


@blp.route("/vocabularies", methods=["GET"])
@blp.response(200, VocabularySchema)
def vocabularies() -> dict:
    """Every choice list's keys with the Chinese labels to show (programs, relations, stages, ...)."""
    return {"vocabularies": all_vocabularies()}


@blp.route("/areas/<code>", methods=["GET"])
@blp.response(200, AreaDetailSchema)
def area_detail(code: str) -> dict:
    """One area with the chain above it, so a picker can show a saved village in context."""
    area = area_by_code(code[:12])
    return {"code": area.code, "name": area.name, "level": area.level, "ancestors": list(reversed(ancestors(area)[1:]))}


@blp.route("/areas/<code>/policy", methods=["GET"])
@blp.response(200, PolicySummarySchema)
def area_policy(code: str) -> dict:
    """Programs, current standards, required materials and deadlines in force for an area."""
    return policy_summary(code[:12])
