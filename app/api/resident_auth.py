"""Resident sign-in through WeChat web authorization, and identity binding."""

from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.api.auth import RESIDENT_SECURITY, current_resident, resident_required
from app.schemas.fields import IdNumber, Phone, text
from app.services.resident_accounts import (
    account_of,
    account_view,
    authorize_url,
    bind_identity,
    sign_in_with_code,
)
from app.services.transaction import transaction

blp = Blueprint("resident_auth", __name__, url_prefix="/api/resident", description="居民：微信登录与实名绑定")


class AuthorizeQuerySchema(Schema):
    redirect_uri = fields.String(validate=validate.Length(max=1000))


class AuthorizeSchema(Schema):
    url = fields.String(metadata={"description": "把浏览器跳转到这个微信授权地址"})
    state = fields.String()


class CodeSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=512))
    state = fields.String(validate=validate.Length(max=128))


class IdentityInSchema(Schema):
    name = text(50, required=True, validate=validate.Length(min=1, max=50))
    id_number = IdNumber(required=True)
    phone = Phone(required=True)


class MeSchema(Schema):
    account_id = fields.String()
    bound = fields.Boolean(metadata={"description": "是否已绑定实名身份"})
    name = fields.String(allow_none=True)
    id_number = fields.String(allow_none=True, metadata={"description": "本人的身份证号码（仅本人可见）"})
    phone = fields.String(allow_none=True)


class SessionSchema(Schema):
    token = fields.String()
    expires_in = fields.Integer()
    me = fields.Nested(MeSchema)


@blp.route("/auth/wechat/authorize-url", methods=["GET"])
@blp.arguments(AuthorizeQuerySchema, location="query")
@blp.response(200, AuthorizeSchema)
def wechat_authorize_url(query: dict) -> dict:
    """Where to send the browser for silent (snsapi_base) sign-in.

    The page keeps `state` (in sessionStorage) and, back from WeChat, signs in only when the address carries
    that same state: a link with someone else's code would otherwise sign the person into that account.
    """
    url, state = authorize_url(query.get("redirect_uri"))
    return {"url": url, "state": state}


@blp.route("/auth/wechat", methods=["POST"])
@blp.arguments(CodeSchema)
@blp.response(200, SessionSchema)
def wechat_sign_in(body: dict) -> dict:
    """Exchange the `code` WeChat put on the page URL for a session token (a refreshed page may resend it)."""
    with transaction():
        account, token = sign_in_with_code(body["code"])
        me = account_view(account)
    return {"token": token, "expires_in": current_app.config["RESIDENT_TOKEN_TTL"], "me": me}


@blp.route("/me", methods=["GET"])
@blp.doc(security=RESIDENT_SECURITY)
@blp.response(200, MeSchema)
@resident_required
def me() -> dict:
    """Who I am signed in as, and my bound identity (shown to me in full)."""
    return account_view(account_of(current_resident()))


@blp.route("/me/identity", methods=["POST"])
@blp.doc(security=RESIDENT_SECURITY)
@blp.arguments(IdentityInSchema)
@blp.response(200, MeSchema)
@resident_required
def bind_my_identity(body: dict) -> dict:
    """Bind my real-name identity, so applications a proxy made for me show up in my list."""
    with transaction():
        account = bind_identity(current_resident(), body["name"], body["id_number"], body["phone"])
        return account_view(account)
