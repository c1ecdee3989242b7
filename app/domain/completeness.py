"""Is an application complete enough to submit? Every problem at once, so it is fixed in one go.

Pure: takes a plain snapshot of the draft and returns {path: [messages]}; an empty dict means it can
be submitted. Paths name the form field (`applicant.phone`, `members.1.relation`, `income.0.amount`).
The resident is asked only what they know (domain.md, "Data minimum"); the rest is for staff later.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

PROGRAMS_PAID_MONTHLY = frozenset({"dibao", "tekun"})

# The form's parts (each saved on its own) and the keys of the application document a save can change
# (the same keys start the paths above). Removing a member also drops the items that named them.
PART_KEYS: dict[str, tuple[str, ...]] = {
    "applicant": ("applicant",),
    "members": ("members", "income", "assets", "expenses"),
    "income": ("income",),
    "assets": ("assets",),
    "expenses": ("expenses",),
    "bank": ("bank",),
    "reason": ("reason",),
    "consent": ("consent_to_verification",),
}

_APPLICANT_REQUIRED = {
    "name": "请填写申请人姓名",
    "id_number": "请填写申请人身份证号码（可拍摄身份证自动识别）",
    "phone": "请填写联系电话",
    "area_code": "请选择所在村（社区）",
    "household_type": "请选择户籍类型（城镇或农村）",
    "registered_address": "请填写户籍地址",
    "current_address": "请填写现居住地址",
}
_MEMBER_REQUIRED = {
    "name": "请填写这位家庭成员的姓名",
    "id_number": "请填写这位家庭成员的身份证号码",
    "relation": "请选择这位家庭成员与申请人的关系",
}
_BANK_REQUIRED = {
    "bank_name": "请填写开户银行",
    "account": "请填写银行卡号",
    "holder": "请填写银行卡户名",
}


def submission_problems(snapshot: dict[str, Any]) -> dict[str, list[str]]:
    """All the reasons this draft cannot be submitted yet, keyed by field path."""
    problems: dict[str, list[str]] = defaultdict(list)
    applicant = snapshot.get("applicant") or {}
    for field, message in _APPLICANT_REQUIRED.items():
        if not applicant.get(field):
            problems[f"applicant.{field}"].append(message)
    if applicant.get("area_code") and not applicant.get("area_is_village"):
        problems["applicant.area_code"].append("请选择到村（社区）一级")
    if snapshot.get("program") == "tekun" and not applicant.get("work_capacity"):
        problems["applicant.work_capacity"].append("申请特困供养需要说明申请人的劳动能力情况")

    _check_members(snapshot, applicant, problems)
    _check_items(snapshot, problems)

    if snapshot.get("program") in PROGRAMS_PAID_MONTHLY:
        bank = snapshot.get("bank") or {}
        for field, message in _BANK_REQUIRED.items():
            if not bank.get(field):
                problems[f"bank.{field}"].append(message)
    if not (snapshot.get("reason") or "").strip():
        problems["reason"].append("请简单说明家庭困难的原因")
    if not snapshot.get("consent_to_verification"):
        problems["consent_to_verification"].append("需要同意对家庭经济状况进行核对，才能提交申请")
    if snapshot.get("on_behalf"):
        proxy = snapshot.get("proxy") or {}
        if not proxy.get("name") or not proxy.get("relation"):
            problems["proxy"].append("代为申请时，请填写代办人姓名和与申请人的关系")
    return dict(problems)


def _check_members(snapshot: dict[str, Any], applicant: dict[str, Any], problems: dict[str, list[str]]) -> None:
    seen_numbers = {applicant["id_number"]: "applicant.id_number"} if applicant.get("id_number") else {}
    spouses = 0
    for index, member in enumerate(snapshot.get("members") or []):
        for field, message in _MEMBER_REQUIRED.items():
            if not member.get(field):
                problems[f"members.{index}.{field}"].append(message)
        number = member.get("id_number")
        if number and number in seen_numbers:
            problems[f"members.{index}.id_number"].append("这个身份证号码在申请中重复填写了")
        elif number:
            seen_numbers[number] = f"members.{index}.id_number"
        if member.get("relation") == "spouse":
            spouses += 1
            if spouses > 1:
                problems[f"members.{index}.relation"].append("配偶只能有一位，请核对关系")


def _check_items(snapshot: dict[str, Any], problems: dict[str, list[str]]) -> None:
    member_ids = {m.get("id") for m in snapshot.get("members") or []} | {snapshot.get("applicant_member_id")}
    for section in ("income", "assets", "expenses"):
        for index, item in enumerate(snapshot.get(section) or []):
            if item.get("member_id") and item["member_id"] not in member_ids:
                problems[f"{section}.{index}.member_id"].append("这一项对应的家庭成员已不在申请中，请重新选择")
            if section != "assets" and item.get("amount") in (None, ""):
                problems[f"{section}.{index}.amount"].append("请填写金额")
            reimbursed, amount = item.get("reimbursed"), item.get("amount")
            if section == "expenses" and reimbursed and amount is not None and reimbursed > amount:
                problems[f"{section}.{index}.reimbursed"].append("已报销金额不能大于费用总额")
