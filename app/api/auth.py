"""Reading who is calling from the bearer token, for resident and staff views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, request

from app.errors import Forbidden, NotSignedIn
from app.services.actors import ResidentActor, StaffActor
from app.services.resident_accounts import resident_from_token
from app.services.staff_accounts import staff_from_token

RESIDENT_SECURITY = [{"resident": []}]
STAFF_SECURITY = [{"staff": []}]


def bearer_token() -> str:
    """The token from `Authorization: Bearer …`, or NotSignedIn."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip() or len(token) > 4096:
        raise NotSignedIn()
    return token.strip()


def resident_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Only a signed-in resident may call the view; `current_resident()` gives them."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        g.resident = resident_from_token(bearer_token())
        return view(*args, **kwargs)

    return wrapper


def staff_required(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Only signed-in staff (of one of `roles`, when given) may call the view."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            actor = staff_from_token(bearer_token())
            if roles and actor.role not in roles:
                raise Forbidden()
            g.staff = actor
            return view(*args, **kwargs)

        return wrapper

    return decorate


def current_resident() -> ResidentActor:
    """The resident of this request."""
    return g.resident


def current_staff() -> StaffActor:
    """The staff member of this request."""
    return g.staff
