"""The data model, one module per area; importing this package registers every table."""

from app.models.accounts import LoginFailure, OAuthCodeMemo, ResidentAccount, StaffUser
from app.models.applications import Application, StageEvent
from app.models.areas import Area, Policy
from app.models.attachments import Attachment, StoredFile
from app.models.audit import AuditEntry
from app.models.benefits import (  # casework: decisions and benefits
    Decision,
    DishonestyRecord,
    Entitlement,
    EntitlementEvent,
    Notification,
    Repayment,
    ReserveFund,
    ReserveFundEntry,
    TemporaryGrant,
)
from app.models.casework import (  # casework: the township's case file
    CaseAssignment,
    CaseFile,
    DeadlineExtension,
    Hearing,
    HomeVisit,
    Objection,
    PublicNotice,
    RelativeRegisterEntry,
    VerificationReport,
)
from app.models.checkins import (  # quarterly check-ins (issue 6)
    Checkin,
    CheckinReferral,
    CheckinVisitTask,
    CheckinWindow,
    DeathRecord,
    FaceReference,
)
from app.models.field_records import FieldUpload, FieldVisit  # field sync
from app.models.field_sync import (  # field sync
    FieldAssignment,
    SyncAttachmentRef,
    SyncCounter,
    SyncDevice,
    SyncOp,
    SyncOutbox,
    SyncQuarantineDecision,
    SyncRecord,
    SyncScopeExit,
    SyncSealedValue,
)
from app.models.households import AssetItem, ExpenseItem, Household, IncomeItem, Member
from app.models.id_photo_reads import IdPhotoRead  # ID-card photos read by OCR (issue 4)
from app.models.people import Person

__all__ = [
    "Checkin",
    "CheckinReferral",
    "CheckinVisitTask",
    "CheckinWindow",
    "DeathRecord",
    "FaceReference",
    "Application",
    "Area",
    "AssetItem",
    "Attachment",
    "AuditEntry",
    "ExpenseItem",
    "Household",
    "IdPhotoRead",
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
    "Decision",
    "DishonestyRecord",
    "Entitlement",
    "EntitlementEvent",
    "Notification",
    "Repayment",
    "ReserveFund",
    "ReserveFundEntry",
    "TemporaryGrant",
    "CaseAssignment",
    "CaseFile",
    "DeadlineExtension",
    "Hearing",
    "HomeVisit",
    "Objection",
    "PublicNotice",
    "RelativeRegisterEntry",
    "VerificationReport",
    "FieldAssignment",
    "FieldUpload",
    "FieldVisit",
    "SyncAttachmentRef",
    "SyncCounter",
    "SyncDevice",
    "SyncOp",
    "SyncOutbox",
    "SyncQuarantineDecision",
    "SyncRecord",
    "SyncScopeExit",
    "SyncSealedValue",
]
