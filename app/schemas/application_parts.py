"""What a resident sends, one part of the application at a time.

Every part may be saved incomplete (a draft is resumable from any step); what is sent must still be
well-formed: a malformed ID number or an unknown field is refused at once. Completeness is checked
when the application is submitted.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.domain import vocab
from app.schemas.fields import BankAccount, IdNumber, Phone, choice, money, text

MAX_MEMBERS = 20
MAX_ITEMS = 60


class ProxySchema(Schema):
    """Who applies on someone else's behalf."""

    name = text(50, required=True)
    relation = choice(vocab.PROXY_RELATIONS, required=True)
    phone = Phone(required=True)


class CreateApplicationSchema(Schema):
    """Start a draft for a program, for oneself or on someone's behalf."""

    program = choice(vocab.PROGRAMS, required=True)
    on_behalf = fields.Boolean(load_default=False)
    proxy = fields.Nested(ProxySchema, allow_none=True)


class ApplicantPartSchema(Schema):
    """The applicant and where the household lives."""

    name = text(50, allow_none=True)
    id_number = IdNumber(allow_none=True)
    phone = Phone(allow_none=True)
    area_code = text(12, allow_none=True, metadata={"description": "村（社区）行政区划代码"})
    household_type = choice(vocab.HOUSEHOLD_TYPES, allow_none=True)
    registered_address = text(200, allow_none=True)
    current_address = text(200, allow_none=True)
    work_capacity = choice(vocab.WORK_CAPACITY, allow_none=True)
    disability_grade = choice(vocab.DISABILITY_GRADES, allow_none=True)
    serious_illness = fields.Boolean(allow_none=True)


class MemberInSchema(Schema):
    """One other household member; `id` keeps a member already saved (and items pointing at them)."""

    id = fields.String(validate=validate.Length(max=36))
    name = text(50, allow_none=True)
    id_number = IdNumber(allow_none=True)
    relation = choice({k: v for k, v in vocab.RELATIONS.items() if k != "self"}, allow_none=True)
    co_resident = fields.Boolean(load_default=True)
    work_capacity = choice(vocab.WORK_CAPACITY, allow_none=True)
    disability_grade = choice(vocab.DISABILITY_GRADES, allow_none=True)
    serious_illness = fields.Boolean(load_default=False)


class MembersPartSchema(Schema):
    """The other household members (the applicant is always a member)."""

    members = fields.List(
        fields.Nested(MemberInSchema),
        required=True,
        validate=validate.Length(max=MAX_MEMBERS, error=f"家庭成员最多填写{MAX_MEMBERS}人"),
    )


class _ItemSchema(Schema):
    member_id = fields.String(allow_none=True, validate=validate.Length(max=36))
    amount = money(allow_none=True)
    note = text(200, allow_none=True)


class IncomeItemSchema(_ItemSchema):
    """Monthly (or yearly, or one-off) income of a member by category."""

    category = choice(vocab.INCOME_CATEGORIES, required=True)
    period = choice(vocab.PERIODS, load_default="monthly")


class AssetItemSchema(_ItemSchema):
    """A major asset: housing, vehicle, deposits."""

    kind = choice(vocab.ASSET_KINDS, required=True)
    quantity = fields.Integer(load_default=1, validate=validate.Range(min=0, max=1000, error="数量应在0到1000之间"))
    description = text(200, allow_none=True)


class ExpenseItemSchema(_ItemSchema):
    """A rigid expenditure with the part already reimbursed by insurance or aid."""

    kind = choice(vocab.EXPENSE_KINDS, required=True)
    period = choice(vocab.PERIODS, load_default="yearly")
    incurred_on = fields.Date(allow_none=True)
    reimbursed = money(allow_none=True)


def _items(schema: type[Schema]) -> fields.List:
    return fields.List(
        fields.Nested(schema),
        required=True,
        validate=validate.Length(max=MAX_ITEMS, error=f"最多填写{MAX_ITEMS}项"),
    )


class IncomePartSchema(Schema):
    """All income items (replaces what was saved)."""

    items = _items(IncomeItemSchema)


class AssetsPartSchema(Schema):
    """All asset items (replaces what was saved)."""

    items = _items(AssetItemSchema)


class ExpensesPartSchema(Schema):
    """All rigid-expense items (replaces what was saved)."""

    items = _items(ExpenseItemSchema)


class BankPartSchema(Schema):
    """Where the allowance is paid."""

    bank_name = text(60, allow_none=True)
    account = BankAccount(allow_none=True)
    holder = text(50, allow_none=True)


class ReasonPartSchema(Schema):
    """Why the household needs help, in the applicant's words."""

    reason = text(1000, allow_none=True)


class ConsentPartSchema(Schema):
    """Consent to the check of the household's economic situation (核对授权)."""

    consent_to_verification = fields.Boolean(required=True)


class WithdrawSchema(Schema):
    """Why the applicant withdraws (optional)."""

    reason = text(500, allow_none=True)


PART_SCHEMAS: dict[str, type[Schema]] = {
    "applicant": ApplicantPartSchema,
    "members": MembersPartSchema,
    "income": IncomePartSchema,
    "assets": AssetsPartSchema,
    "expenses": ExpensesPartSchema,
    "bank": BankPartSchema,
    "reason": ReasonPartSchema,
    "consent": ConsentPartSchema,
}


def form_path(part: str, path: str) -> str:
    """Where a field of a part's body sits in the whole form (`items.0.amount` of income → `income.0.amount`)."""
    if part in ("applicant", "bank", "proxy"):
        return part if path == "_schema" else f"{part}.{path}"
    if part in ("income", "assets", "expenses") and (path == "items" or path.startswith("items.")):
        return part + path[len("items") :]
    return path
