"""Resident use cases on applications: start a draft, find mine, submit, withdraw."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.domain import stages
from app.domain.completeness import submission_problems
from app.errors import AppError, Conflict, NotFound, ValidationFailed
from app.extensions import db
from app.models import Application, Household, Member, Person, StageEvent
from app.models.types import utcnow
from app.services.actors import ResidentActor, StaffActor, actor_identity
from app.services.audit import record_audit

EDITABLE_STAGES = frozenset({"draft", "needs_materials"})
_REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O or 1/I: read aloud over the phone


class DuplicateOpenApplication(AppError):
    status, code = 409, "duplicate_open_application"


def new_reference() -> str:
    """A short reference a resident can read out: SQ-20261122-7K3M9Q."""
    suffix = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))
    return f"SQ-{utcnow():%Y%m%d}-{suffix}"


def create_draft(actor: ResidentActor, program: str, on_behalf: bool, proxy: dict[str, Any] | None) -> Application:
    """Start a draft for oneself (prefilled from the bound identity) or on someone's behalf."""
    if on_behalf and not proxy:
        raise ValidationFailed(errors={"proxy": ["代为申请时，请填写代办人姓名、与申请人的关系和联系电话"]})
    applicant = Person()
    # Empty from the start: after the flush SQLAlchemy would otherwise ask the database to find that out.
    household = Household(incomes=[], assets=[], expenses=[])
    if not on_behalf and actor.id_hash:
        _prefill_from_bound_identity(actor, applicant)
    household.members.append(Member(person=applicant, relation="self", co_resident=True, position=0))
    application = Application(
        reference=new_reference(),
        program=program,
        channel="wechat",
        stage="draft",
        household=household,
        applicant=applicant,
        applicant_id_hash=applicant.id_number_hash,
        created_by_account_id=actor.account_id,
        on_behalf=on_behalf,
        proxy_name=proxy["name"] if on_behalf and proxy else None,
        proxy_relation=proxy["relation"] if on_behalf and proxy else None,
        proxy_phone=proxy["phone"] if on_behalf and proxy else None,
    )
    if application.applicant_id_hash:
        ensure_no_other_open_application(actor, application.applicant_id_hash, program, None)
    db.session.add(application)
    record_stage(application, "create", None, "draft", actor)
    flush_guarding_duplicates()
    return application


def _prefill_from_bound_identity(actor: ResidentActor, applicant: Person) -> None:
    bound = db.session.get(Person, actor.person_id) if actor.person_id else None
    if bound is not None:
        applicant.name = bound.name
        applicant.set_id_number(bound.id_number, bound.sex, bound.birth_date)
        applicant.phone = bound.phone


def visible_to(actor: ResidentActor, application: Application) -> bool:
    """The creator (applicant or proxy) and the applicant who bound their identity may see it."""
    if application.created_by_account_id == actor.account_id:
        return True
    return bool(
        actor.id_hash
        and application.applicant_id_hash == actor.id_hash
        and application.applicant.name == actor.name
        and application.stage != "draft"
    )


def application_for_resident(actor: ResidentActor, application_id: str) -> Application:
    """The application if this resident may see it; NotFound otherwise, so ids do not leak."""
    # Every resident view lists the members: fetch them in the same query as the application (its
    # household, applicant and area are joined already) rather than in one more round trip.
    members = joinedload(Application.household).joinedload(Household.members)
    application = (
        db.session.get(Application, application_id, options=[members]) if len(application_id) <= 36 else None
    )
    if application is None or not visible_to(actor, application):
        raise NotFound("没有找到这份申请", code="application_not_found")
    return application


def editable_application(actor: ResidentActor, application_id: str) -> Application:
    """The application if this resident may change it now (a draft, or one waiting for materials)."""
    application = application_for_resident(actor, application_id)
    if application.stage not in EDITABLE_STAGES:
        raise Conflict(
            f"申请已处于“{stages.STAGES[application.stage]}”，不能再修改",
            code="application_not_editable",
        )
    return application


def applications_of_resident(actor: ResidentActor) -> list[Application]:
    """Everything this resident created or is the (bound) applicant of, newest first."""
    condition = Application.created_by_account_id == actor.account_id
    if actor.id_hash:
        condition = or_(condition, Application.applicant_id_hash == actor.id_hash)
    found = db.session.scalars(select(Application).where(condition).order_by(Application.created_at.desc()))
    return [a for a in found.unique() if visible_to(actor, a)]


# Stages in which an application blocks another one for the same person and program. A draft does not:
# anyone can type anyone's ID number into a draft, and an abandoned or malicious draft must not lock a
# person out; a resident's own drafts are caught separately so they are pointed back to them.
HANDLED_STAGES = stages.OPEN_STAGES - {"draft"}


def ensure_no_other_open_application(
    actor: ResidentActor,
    id_hash: str,
    program: str,
    excluding_id: str | None,
    *,
    only_visible: bool = False,
) -> None:
    """Refuse a second open application for the same person and program.

    The existing application is named (reference, stage, id) only to a resident who may see it; to anyone
    else the answer is generic, so typing a stranger's ID number tells nothing about their affairs.
    With `only_visible` (while a draft is being filled in) only the resident's own applications count;
    the full check runs at submission.
    """
    handled = Application.stage.in_(HANDLED_STAGES)
    own_draft = (Application.stage == "draft") & (Application.created_by_account_id == actor.account_id)
    query = select(Application).where(
        Application.applicant_id_hash == id_hash, Application.program == program, handled | own_draft
    )
    if excluding_id:
        query = query.where(Application.id != excluding_id)
    with db.session.no_autoflush:  # pending changes may themselves be the duplicate: ask before flushing
        candidates = db.session.scalars(query.limit(5)).unique().all()
    visible = [a for a in candidates if visible_to(actor, a) or a.created_by_account_id == actor.account_id]
    if visible:
        existing = visible[0]
        raise DuplicateOpenApplication(
            f"这位申请人已有一份正在办理的同类申请（编号 {existing.reference}，"
            f"{stages.STAGES[existing.stage]}），不能重复申请",
            detail={
                "id": existing.id,
                "reference": existing.reference,
                "stage": existing.stage,
                "stage_label": stages.STAGES[existing.stage],
                "created_at": existing.created_at.isoformat(),
            },
        )
    if candidates and not only_visible:
        record_audit(actor, "application.duplicate_blocked", "application", excluding_id, {"program": program})
        raise DuplicateOpenApplication(_DUPLICATE_ELSEWHERE)


_DUPLICATE_ELSEWHERE = (
    "这位申请人已有一份正在办理的同类申请（可能是家人或村（居）干部代为申请的），不能重复申请；如有疑问，请联系村（居）或乡镇（街道）"
)


def flush_guarding_duplicates() -> None:
    """Flush; the partial unique index turns a lost race into the same clear 409.

    No savepoint: the 409 ends the request's transaction (every caller is inside `transaction()`, which
    rolls back), so there is nothing to keep and the two extra round trips would be paid on every save.
    """
    try:
        db.session.flush()
    except IntegrityError as exc:
        if "uq_applications_open_per_person" in str(exc.orig) or "applicant_id_hash" in str(exc.orig):
            raise DuplicateOpenApplication(_DUPLICATE_ELSEWHERE) from exc
        raise


def record_stage(
    application: Application,
    action: str,
    from_stage: str | None,
    to_stage: str,
    actor: ResidentActor | StaffActor | None,
    opinion: str | None = None,
) -> StageEvent:
    """Append one step to the application's history."""
    actor_type, actor_id, role = actor_identity(actor)
    event = StageEvent(
        application=application,
        action=action,
        from_stage=from_stage,
        to_stage=to_stage,
        actor_type=actor_type,
        actor_id=actor_id,
        actor_role=role,
        opinion=opinion,
    )
    db.session.add(event)
    return event


def move(application: Application, action: str, actor: ResidentActor | StaffActor, opinion: str | None) -> None:
    """Take a lifecycle action through the state machine and record it; 409 when it is not allowed."""
    role = actor.role if isinstance(actor, StaffActor) else stages.RESIDENT
    try:
        target = stages.next_stage(application.stage, action, role, opinion)
    except stages.TransitionRefused as exc:
        status = 403 if exc.code == "action_not_allowed_for_role" else 409
        if exc.code == "opinion_required":
            status = 422
        raise AppError(exc.message, code=exc.code, status=status) from exc
    record_stage(application, action, application.stage, target, actor, opinion)
    application.stage = target


def submit_application(actor: ResidentActor, application_id: str) -> Application:
    """Check the whole draft at once; submit it, or return every problem together."""
    from app.services.application_views import completeness_snapshot

    application = editable_application(actor, application_id)
    problems = submission_problems(completeness_snapshot(application))
    if problems:
        raise ValidationFailed(
            f"申请还有{len(problems)}处需要补充或修改，请按提示一次改好后再提交",
            code="application_incomplete",
            errors=problems,
        )
    ensure_no_other_open_application(actor, application.applicant_id_hash or "", application.program, application.id)
    move(application, "submit", actor, None)
    application.submitted_at = utcnow()
    flush_guarding_duplicates()
    return application


def withdraw_application(actor: ResidentActor, application_id: str, reason: str | None) -> Application:
    """Withdraw an application that is still open."""
    application = application_for_resident(actor, application_id)
    move(application, "withdraw", actor, reason or None)
    db.session.flush()
    return application
