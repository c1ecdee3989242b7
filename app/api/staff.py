"""Staff: sign-in, who am I, staff accounts, and reading applications in one's own areas."""

from __future__ import annotations

from flask import current_app, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.api.auth import STAFF_SECURITY, current_staff, staff_required
from app.domain import stages, vocab
from app.errors import AppError, Forbidden
from app.schemas.fields import choice, text
from app.schemas.outputs import ApplicationHeadingSchema, ApplicationSchema
from app.services import staff_accounts, staff_applications
from app.services.transaction import transaction

blp = Blueprint("staff", __name__, url_prefix="/api/staff", description="工作人员：登录、账号、辖区内申请")


class LoginSchema(Schema):
    username = text(50, required=True)
    password = fields.String(required=True, validate=validate.Length(max=200))


class StaffSchema(Schema):
    id = fields.String()
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    area_code = fields.Function(lambda u: u.area.code)
    area_name = fields.Function(lambda u: u.area.name)


class StaffSessionSchema(Schema):
    token = fields.String()
    expires_in = fields.Integer()
    user = fields.Nested(StaffSchema)


class NewStaffSchema(Schema):
    username = text(50, required=True, validate=validate.Regexp(r"^[A-Za-z0-9_.-]{3,50}$", error="用户名为3到50位字母、数字或 _ . -"))
    display_name = text(50, required=True)
    password = fields.String(required=True, validate=validate.Length(max=200))
    role = choice(vocab.STAFF_ROLES, required=True)
    area_code = text(12, required=True)


class ListQuerySchema(Schema):
    stage = choice(stages.STAGES)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class StaffApplicationRowSchema(ApplicationHeadingSchema):
    applicant_name = fields.String(allow_none=True)
    area_name = fields.String(allow_none=True)
    submitted_at = fields.String(allow_none=True)
    due_date = fields.String(allow_none=True)


class StaffApplicationListSchema(Schema):
    total = fields.Integer()
    page = fields.Integer()
    items = fields.List(fields.Nested(StaffApplicationRowSchema))


@blp.route("/login", methods=["POST"])
@blp.arguments(LoginSchema)
@blp.response(200, StaffSessionSchema)
def login(body: dict) -> dict:
    """Password sign-in; repeated failures for a name or an address are refused for a while (429)."""
    with transaction():
        outcome = staff_accounts.sign_in_staff(body["username"], body["password"], request.remote_addr)
    if outcome is None:
        raise AppError("用户名或密码不正确", code="invalid_credentials", status=401)
    user, token = outcome
    return {"token": token, "expires_in": current_app.config["STAFF_TOKEN_TTL"], "user": user}


@blp.route("/me", methods=["GET"])
@blp.doc(security=STAFF_SECURITY)
@blp.response(200, StaffSchema)
@staff_required()
def me():  # noqa: ANN201
    """The signed-in staff member."""
    return staff_accounts.staff_user(current_staff())


@blp.route("/users", methods=["POST"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(NewStaffSchema)
@blp.response(201, StaffSchema)
@staff_required("admin")
def create_staff_user(body: dict):  # noqa: ANN201
    """An administrator creates a staff account inside their own area."""
    actor = current_staff()
    with transaction():
        if not staff_accounts.code_in_scope(actor, body["area_code"]):
            raise Forbidden("只能在自己管辖的地区内创建账号", code="area_out_of_scope")
        return staff_accounts.create_staff(**body)


@blp.route("/applications", methods=["GET"])
@blp.doc(security=STAFF_SECURITY)
@blp.arguments(ListQuerySchema, location="query")
@blp.response(200, StaffApplicationListSchema)
@staff_required()
def list_applications(query: dict) -> dict:
    """Applications in my areas (names masked), newest first."""
    return staff_applications.applications_in_scope(current_staff(), query.get("stage"), query["page"], query["per_page"])


@blp.route("/applications/<application_id>", methods=["GET"])
@blp.doc(security=STAFF_SECURITY)
@blp.response(200, ApplicationSchema)
@staff_required()
def get_application(application_id: str) -> dict:
    """The full record (ID numbers shown to roles that need them); every read is audited."""
    with transaction():
        return staff_applications.application_for_staff(current_staff(), application_id)
