"""Resident applications: draft, save in parts, submit, follow progress, withdraw."""

from __future__ import annotations

from functools import partial

from flask_smorest import Blueprint
from marshmallow import Schema

from app.api.auth import RESIDENT_SECURITY, current_resident, resident_required
from app.errors import register_error_paths
from app.schemas.application_parts import PART_SCHEMAS, CreateApplicationSchema, WithdrawSchema, form_path
from app.schemas.outputs import PART_SAVED_SCHEMAS, ApplicationListSchema, ApplicationSchema, ErrorSchema
from app.services import applications as service
from app.services.application_parts import save_part
from app.services.application_views import (
    application_for_resident_view,
    part_saved_view,
    summary_for_resident,
)
from app.services.transaction import transaction

blp = Blueprint(
    "resident_applications",
    __name__,
    url_prefix="/api/resident/applications",
    description="居民：自助申请（草稿、分步保存、提交、进度、撤回）",
)

PART_LABELS = {
    "applicant": "申请人和住址",
    "members": "家庭成员",
    "income": "收入",
    "assets": "财产",
    "expenses": "刚性支出",
    "bank": "收款银行账户",
    "reason": "困难原因",
    "consent": "核对授权",
}


@blp.route("", methods=["GET"])
@blp.doc(security=RESIDENT_SECURITY)
@blp.response(200, ApplicationListSchema)
@resident_required
def list_my_applications() -> dict:
    """Applications I made (for myself or someone else) and ones made for me once I bound my identity."""
    actor = current_resident()
    return {"items": [summary_for_resident(a) for a in service.applications_of_resident(actor)]}


@blp.route("", methods=["POST"])
@blp.doc(security=RESIDENT_SECURITY)
@blp.arguments(CreateApplicationSchema)
@blp.response(201, ApplicationSchema)
@resident_required
def create_application(body: dict) -> dict:
    """Start a draft; `on_behalf` with `proxy` when applying for someone else."""
    actor = current_resident()
    with transaction():
        application = service.create_draft(actor, body["program"], body["on_behalf"], body.get("proxy"))
        return application_for_resident_view(application, actor)


@blp.route("/<application_id>", methods=["GET"])
@blp.doc(security=RESIDENT_SECURITY)
@blp.response(200, ApplicationSchema)
@resident_required
def get_application(application_id: str) -> dict:
    """One application with its progress and timeline."""
    actor = current_resident()
    return application_for_resident_view(service.application_for_resident(actor, application_id), actor)


def _register_part(part: str, schema: type[Schema]) -> None:
    @blp.route(f"/<application_id>/{part}", methods=["PUT"], endpoint=f"save_{part}")
    @blp.doc(
        security=RESIDENT_SECURITY,
        summary=f"保存“{PART_LABELS[part]}”部分",
        description=(
            "草稿可以随时保存不完整的内容；格式不对的内容（如身份证号码校验不通过）会被拒绝。"
            "只返回这一部分保存后的内容和新的版本号；完整的申请用 GET 获取。"
        ),
    )
    @blp.arguments(schema)
    @blp.response(200, PART_SAVED_SCHEMAS[part])
    @resident_required
    def save(body: dict, application_id: str) -> dict:
        actor = current_resident()
        with transaction():
            application = save_part(actor, application_id, part, body)
            return part_saved_view(application, actor, part)


for _part, _schema in PART_SCHEMAS.items():
    _register_part(_part, _schema)
    register_error_paths(f"{blp.name}.save_{_part}", partial(form_path, _part))


@blp.route("/<application_id>/submit", methods=["POST"])
@blp.doc(security=RESIDENT_SECURITY)
@blp.response(200, ApplicationSchema)
@blp.alt_response(
    422,
    schema=ErrorSchema,
    description="application_incomplete：errors 列出全部问题，键为表单字段路径（如 applicant.phone、members.1.relation）",
)
@blp.alt_response(409, schema=ErrorSchema, description="duplicate_open_application 或 application_not_editable")
@resident_required
def submit_application(application_id: str) -> dict:
    """Submit; when anything is missing or wrong, 422 `application_incomplete` lists every problem at once."""
    actor = current_resident()
    with transaction():
        application = service.submit_application(actor, application_id)
        return application_for_resident_view(application, actor)


@blp.route("/<application_id>/withdraw", methods=["POST"])
@blp.doc(security=RESIDENT_SECURITY)
@blp.arguments(WithdrawSchema)
@blp.response(200, ApplicationSchema)
@resident_required
def withdraw_application(body: dict, application_id: str) -> dict:
    """Withdraw an application that is still being handled."""
    actor = current_resident()
    with transaction():
        application = service.withdraw_application(actor, application_id, body.get("reason"))
        return application_for_resident_view(application, actor)
