"""The data model, one module per area; importing this package registers every table."""

from app.models.accounts import LoginFailure, OAuthCodeMemo, ResidentAccount, StaffUser
from app.models.applications import Application, StageEvent
from app.models.areas import Area, Policy
from app.models.attachments import Attachment, StoredFile
from app.models.audit import AuditEntry
from app.models.households import AssetItem, ExpenseItem, Household, IncomeItem, Member
from app.models.people import Person

__all__ = [
    "Application",
    "Area",
    "AssetItem",
    "Attachment",
    "AuditEntry",
    "ExpenseItem",
    "Household",
    "IncomeItem",
    "LoginFailure",
    "Member",
    "OAuthCodeMemo",
    "Person",
    "Policy",
    "ResidentAccount",
    "StaffUser",
    "StageEvent",
    "StoredFile",
]
