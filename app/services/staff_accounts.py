"""Staff accounts: creation, password sign-in with throttling, and bearer tokens."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from app.domain import vocab
from app.errors import NotSignedIn, TooManyRequests, ValidationFailed
from app.extensions import db
from app.models import Area, LoginFailure, StaffUser
from app.models.types import utcnow
from app.security.passwords import hash_password, password_problem, verify_password
from app.security.tokens import STAFF, TokenInvalid, issue_token, read_token
from app.services.actors import StaffActor
from app.services.areas import area_by_code
from app.services.audit import record_audit

# Which roles work at which level of the area tree.
ROLE_LEVELS = {
    "village_assistant": {"village", "township"},
    "township_clerk": {"township"},
    "township_reviewer": {"township"},
    "county_officer": {"county"},
    "admin": {"county", "township"},
}


def create_staff(username: str, display_name: str, password: str, role: str, area_code: str) -> StaffUser:
    """Create a staff account with a strong password, for a role at a fitting area level."""
    errors: dict[str, list[str]] = {}
    if role not in vocab.STAFF_ROLES:
        errors["role"] = ["没有这个岗位"]
    problem = password_problem(password)
    if problem:
        errors["password"] = [problem]
    if db.session.scalar(select(StaffUser.id).where(StaffUser.username == username)):
        errors["username"] = ["这个用户名已被使用"]
    area = area_by_code(area_code)
    if role in ROLE_LEVELS and area.level not in ROLE_LEVELS[role]:
        errors["area_code"] = [f"{vocab.STAFF_ROLES[role]}应设在{'或'.join(sorted(ROLE_LEVELS[role]))}一级"]
    if errors:
        raise ValidationFailed(errors=errors)
    user = StaffUser(
        username=username, display_name=display_name, password_hash=hash_password(password), role=role, area=area
    )
    db.session.add(user)
    db.session.flush()
    return user


def _throttle_keys(username: str, address: str | None) -> list[str]:
    return [hashlib.sha256(f"user:{username.lower()}".encode()).hexdigest()] + (
        [hashlib.sha256(f"ip:{address}".encode()).hexdigest()] if address else []
    )


def _recent_failures(keys: list[str], since) -> int:  # noqa: ANN001
    counts = db.session.execute(
        select(LoginFailure.key_hash, func.count())
        .where(LoginFailure.key_hash.in_(keys), LoginFailure.at >= since)
        .group_by(LoginFailure.key_hash)
    ).all()
    return max((count for _, count in counts), default=0)


def sign_in_staff(username: str, password: str, address: str | None) -> tuple[StaffUser, str] | None:
    """Check a password and return the user and a token, or None (the failure is recorded: commit it).

    Too many failures for the name or the address within the window → 429 before any check.
    """
    config = current_app.config
    window = timedelta(seconds=config["LOGIN_WINDOW_SECONDS"])
    keys = _throttle_keys(username, address)
    since = utcnow() - window
    if _recent_failures(keys, since) >= config["LOGIN_ATTEMPTS_PER_WINDOW"]:
        raise TooManyRequests("登录失败次数太多，请15分钟后再试", code="login_throttled")
    user = db.session.scalar(select(StaffUser).where(StaffUser.username == username))
    if not verify_password(user.password_hash if user else None, password) or user is None or not user.active:
        db.session.execute(delete(LoginFailure).where(LoginFailure.at < since))
        db.session.add_all(LoginFailure(key_hash=k) for k in keys)
        return None
    db.session.execute(delete(LoginFailure).where(LoginFailure.key_hash == keys[0]))
    record_audit(staff_actor(user), "staff.sign_in", "staff_user", user.id)
    return user, issue_token(config["SECRET_KEY"], STAFF, {"s": user.id, "v": user.token_version})


def staff_actor(user: StaffUser) -> StaffActor:
    """The acting staff member and their area scope."""
    return StaffActor(staff_id=user.id, role=user.role, area_id=user.area_id, area_path=user.area.path)


def staff_from_token(token: str) -> StaffActor:
    """The staff member a bearer token belongs to, or NotSignedIn."""
    config = current_app.config
    try:
        claims = read_token(config["SECRET_KEY"], STAFF, token, config["STAFF_TOKEN_TTL"])
    except TokenInvalid as exc:
        raise NotSignedIn("登录已过期，请重新登录" if exc.expired else "请先登录", code="not_signed_in") from exc
    user = db.session.get(StaffUser, claims.get("s"))
    if user is None or not user.active or user.token_version != claims.get("v"):
        raise NotSignedIn("登录已失效，请重新登录", code="not_signed_in")
    return staff_actor(user)


def area_in_scope(actor: StaffActor, area: Area) -> bool:
    """True when the area lies in the staff member's subtree."""
    return actor.covers(area.path)


def staff_user(actor: StaffActor) -> StaffUser:
    """The row of the acting staff member."""
    return db.session.get(StaffUser, actor.staff_id)


def code_in_scope(actor: StaffActor, area_code: str) -> bool:
    """True when the area with this code lies in the staff member's subtree."""
    return actor.covers(area_by_code(area_code).path)
