"""Who is acting: a resident (WeChat account) or a staff member (role over an area subtree)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ResidentActor:
    """A signed-in resident; `id_hash`/`name` are set once they have bound their identity."""

    account_id: str
    openid: str
    person_id: str | None = None
    id_hash: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class StaffActor:
    """A signed-in staff member, scoped to the subtree under `area_path`."""

    staff_id: str
    role: str
    area_id: int
    area_path: str

    def covers(self, path: str | None) -> bool:
        """True when an area (by path) lies inside this staff member's subtree."""
        return bool(path) and path.startswith(self.area_path)


def actor_identity(actor: ResidentActor | StaffActor | None) -> tuple[str, str | None, str | None]:
    """(actor type, id, role) as recorded in the stage history and the audit log."""
    if isinstance(actor, StaffActor):
        return "staff", actor.staff_id, actor.role
    if isinstance(actor, ResidentActor):
        return "resident", actor.account_id, "resident"
    return "system", None, None
