"""Resident sign-in through WeChat web authorization, and binding a real-name identity."""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import joinedload

from app.domain.id_numbers import parse_id_number
from app.errors import AppError, Conflict, NotSignedIn, ServiceUnavailable
from app.extensions import db
from app.models import OAuthCodeMemo, Person, ResidentAccount
from app.models.types import utcnow
from app.security.crypto import lookup_hash
from app.security.tokens import RESIDENT, TokenInvalid, issue_token, read_token
from app.services.actors import ResidentActor
from app.wechat.errors import GatewayError, OAuthCodeInvalid, OAuthCodeUsed, WeChatUnavailable
from app.wechat_client import wechat

log = logging.getLogger(__name__)
# How long to wait for a concurrent exchange of the same code (a double page load) to commit.
_SIBLING_WAITS = (0.1, 0.2, 0.4)


def authorize_url(redirect_uri: str | None) -> tuple[str, str]:
    """The WeChat URL that starts silent sign-in, and the state it carries."""
    base = current_app.config["RESIDENT_H5_URL"]
    target = redirect_uri or base
    if not target.startswith(base):
        raise AppError("跳转地址不在本服务的页面范围内", code="redirect_not_allowed", status=400)
    state = secrets.token_hex(8)
    return wechat().authorize_url(target, state, scope="snsapi_base"), state


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _remembered_account(code_hash: str) -> ResidentAccount | None:
    memo = db.session.get(OAuthCodeMemo, code_hash)
    if memo is None or memo.expires_at <= utcnow():
        return None
    return db.session.get(ResidentAccount, memo.account_id)


def sign_in_with_code(code: str) -> tuple[ResidentAccount, str]:
    """Exchange a WeChat code for a resident session; a refreshed page reusing its code gets the same one."""
    code_hash = _code_hash(code)
    account = _remembered_account(code_hash)
    if account is None:
        account = _exchange(code, code_hash)
    account.last_seen_at = utcnow()
    db.session.flush()
    return account, resident_token(account)


def _exchange(code: str, code_hash: str) -> ResidentAccount:
    try:
        result = wechat().exchange_code(code)
    except OAuthCodeUsed as exc:
        account = _wait_for_sibling_exchange(code_hash)
        if account is not None:
            return account
        raise NotSignedIn("这个登录链接已经用过了，请从公众号菜单重新进入", code="wechat_code_used") from exc
    except OAuthCodeInvalid as exc:
        raise NotSignedIn("登录已过期，请从公众号菜单重新进入", code="wechat_code_invalid") from exc
    except WeChatUnavailable as exc:
        raise ServiceUnavailable("暂时连不上微信，请稍后再试", code="wechat_unavailable") from exc
    except GatewayError as exc:
        log.error("wechat sign-in failed: %s", type(exc).__name__)
        raise ServiceUnavailable("微信登录暂时不可用，请稍后再试", code="wechat_sign_in_failed") from exc
    if result.is_snapshot_user:
        raise AppError(
            "当前是微信“快照页”模式，请点击页面下方的“使用完整服务”后再登录",
            code="wechat_snapshot_user",
            status=403,
        )
    account = db.session.scalar(select(ResidentAccount).where(ResidentAccount.openid == result.openid))
    if account is None:
        account = ResidentAccount(openid=result.openid)
        db.session.add(account)
        db.session.flush()
    ttl = current_app.config["OAUTH_CODE_MEMORY_SECONDS"]
    db.session.execute(delete(OAuthCodeMemo).where(OAuthCodeMemo.expires_at < utcnow()))
    db.session.merge(OAuthCodeMemo(code_hash=code_hash, account_id=account.id, expires_at=utcnow() + timedelta(seconds=ttl)))
    return account


def _wait_for_sibling_exchange(code_hash: str) -> ResidentAccount | None:
    # Each query sees newly committed rows (read committed), so polling the memo is enough.
    for pause in _SIBLING_WAITS:
        account = _remembered_account(code_hash)
        if account is not None:
            return account
        time.sleep(pause)
    return None


def resident_token(account: ResidentAccount) -> str:
    """A signed, expiring session token for the account."""
    return issue_token(current_app.config["SECRET_KEY"], RESIDENT, {"a": account.id, "v": account.token_version})


# Every resident request starts here, so it asks for the few columns an actor holds (the bound person's in
# the same query) rather than loading ORM objects it would not use.
_ACTOR_QUERY = (
    select(
        ResidentAccount.id.label("account_id"),
        ResidentAccount.openid,
        ResidentAccount.token_version,
        Person.id.label("person_id"),
        Person.id_number_hash.label("id_hash"),
        Person.name,
    )
    .outerjoin(Person, ResidentAccount.person_id == Person.id)
    .where(ResidentAccount.id == bindparam("account_id"))
)


def resident_from_token(token: str) -> ResidentActor:
    """The resident a bearer token belongs to, or NotSignedIn."""
    try:
        claims = read_token(
            current_app.config["SECRET_KEY"], RESIDENT, token, current_app.config["RESIDENT_TOKEN_TTL"]
        )
    except TokenInvalid as exc:
        message = "登录已过期，请重新进入" if exc.expired else "请先登录"
        raise NotSignedIn(message, code="session_expired" if exc.expired else "not_signed_in") from exc
    row = db.session.execute(_ACTOR_QUERY, {"account_id": str(claims.get("a"))}).first()
    if row is None or row.token_version != claims.get("v"):
        raise NotSignedIn("登录已失效，请重新进入", code="session_expired")
    return ResidentActor(
        account_id=row.account_id, openid=row.openid, person_id=row.person_id, id_hash=row.id_hash, name=row.name
    )


def bind_identity(actor: ResidentActor, name: str, id_number: str, phone: str) -> ResidentAccount:
    """Bind a real-name identity to this WeChat account (once; one account per ID number)."""
    account = account_of(actor)
    facts = parse_id_number(id_number)
    id_hash = lookup_hash(facts.number)
    if account.person is not None:
        if account.person.id_number_hash == id_hash:
            return account
        raise Conflict("您的微信已绑定过身份信息；如需更换，请联系乡镇（街道）", code="identity_already_bound")
    taken = db.session.scalar(
        select(ResidentAccount.id).join(Person, ResidentAccount.person_id == Person.id).where(Person.id_number_hash == id_hash)
    )
    if taken is not None:
        raise Conflict(
            "这个身份证号码已绑定在另一个微信上；如需更换，请联系乡镇（街道）", code="identity_bound_elsewhere"
        )
    person = Person(name=name, phone=phone)
    person.set_id_number(facts.number, facts.sex, facts.birth_date)
    account.person = person
    db.session.flush()
    return account


def account_of(actor: ResidentActor) -> ResidentAccount:
    """The account row of the acting resident, with its bound person (every caller reads it)."""
    return db.session.get(ResidentAccount, actor.account_id, options=[joinedload(ResidentAccount.person)])


def account_view(account: ResidentAccount) -> dict:
    """The signed-in resident as they see themselves (their own data in full)."""
    person = account.person
    return {
        "account_id": account.id,
        "bound": person is not None,
        "name": person.name if person else None,
        "id_number": person.id_number if person else None,
        "phone": person.phone if person else None,
    }
