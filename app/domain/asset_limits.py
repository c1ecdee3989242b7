"""The asset side of the means test: deposits per capita, number of houses, number of vehicles."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from app.domain import vocab
from app.domain.means_test_inputs import AssetItem, AssetKind, Member
from app.domain.means_test_trace import Reason, TraceKind, TraceLine, Unit, money_text, to_fen
from app.domain.policy import AreaPolicy

# Housing and vehicles are limited by count; every other kind is declared by value.
COUNTED_ASSET_KINDS = frozenset({AssetKind.HOUSING, AssetKind.VEHICLE})


@dataclass(frozen=True)
class AssetCheck:
    """The trace lines of the asset test and one reason per limit."""

    lines: tuple[TraceLine, ...]
    reasons: tuple[Reason, ...]

    @property
    def passed(self) -> bool:
        """True when every asset limit is met."""
        return all(reason.met for reason in self.reasons)


def check_asset_limits(
    assets: Sequence[AssetItem],
    policy: AreaPolicy,
    person_count: int,
    members: Mapping[str, Member] | None = None,
) -> AssetCheck:
    """Compare the assets of the co-resident members with the area's limits."""
    members = members or {}
    lines: list[TraceLine] = []
    financial = Decimal("0")
    houses = 0
    vehicles = 0
    for item in assets:
        member = members.get(item.member_id) if item.member_id else None
        counted = member is None or member.co_resident
        lines.append(_item_line(item, member, counted))
        if not counted:
            continue
        if item.kind is AssetKind.DEPOSIT:
            financial += item.value
        elif item.kind is AssetKind.HOUSING:
            houses += item.count
        elif item.kind is AssetKind.VEHICLE:
            vehicles += item.count

    per_capita = to_fen(financial / person_count)
    limit = policy.deposit_limit_per_capita
    deposits_ok = per_capita <= limit
    lines.append(
        TraceLine(
            kind=TraceKind.ASSET,
            label="人均存款及理财",
            rule_code="deposit_limit",
            rule=f"合计 {money_text(financial)} 元 ÷ {person_count} 人；限额 {money_text(limit)} 元/人",
            amount=per_capita,
            unit=Unit.YUAN,
            included=True,
        )
    )
    lines.append(_count_line("住房套数", "house_limit", houses, policy.max_houses, "套"))
    lines.append(_count_line("机动车数量", "vehicle_limit", vehicles, policy.max_vehicles, "辆"))
    verdict = "未超过" if deposits_ok else "超过"
    reasons = (
        Reason(
            "deposit_limit",
            f"人均存款及理财 {money_text(per_capita)} 元，{verdict}限额 {money_text(limit)} 元",
            deposits_ok,
        ),
        _count_reason("house_limit", "住房", houses, policy.max_houses, "套"),
        _count_reason("vehicle_limit", "机动车", vehicles, policy.max_vehicles, "辆"),
    )
    return AssetCheck(lines=tuple(lines), reasons=reasons)


def _item_line(item: AssetItem, member: Member | None, counted: bool) -> TraceLine:
    """The trace line of one declared asset."""
    by_count = item.kind in COUNTED_ASSET_KINDS
    if not counted:
        rule_code, rule = "not_co_resident", "非共同生活家庭成员的财产不计入"
    elif item.kind in (AssetKind.BUSINESS, AssetKind.OTHER):
        rule_code, rule = "asset_without_limit", "本地无此类财产限额，记录备查"
    else:
        rule_code, rule = "asset_declared", ""
    return TraceLine(
        kind=TraceKind.ASSET,
        label=item.label or vocab.ASSET_KINDS.get(item.kind.value, item.kind.value),
        rule_code=rule_code,
        rule=rule,
        amount=Decimal(item.count) if by_count else to_fen(item.value),
        unit=Unit.COUNT if by_count else Unit.YUAN,
        included=counted,
        member_id=member.id if member else item.member_id,
        member_name=member.name if member else None,
    )


def _count_line(label: str, rule_code: str, count: int, limit: int, measure: str) -> TraceLine:
    """A summary line for a counted asset kind."""
    return TraceLine(
        kind=TraceKind.ASSET,
        label=label,
        rule_code=rule_code,
        rule=f"限 {limit} {measure}",
        amount=Decimal(count),
        unit=Unit.COUNT,
    )


def _count_reason(code: str, what: str, count: int, limit: int, measure: str) -> Reason:
    """The reason for a counted asset kind."""
    if count <= limit:
        return Reason(code, f"{what} {count} {measure}，未超过限额 {limit} {measure}", True)
    return Reason(code, f"{what} {count} {measure}，超过限额 {limit} {measure}", False)
