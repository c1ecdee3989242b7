"""What an ID-card reading proposes for the application form, beside what the resident typed. Pure.

Autofill never overwrites: each proposed field is compared with the form's current value and marked
`fill` (the form is empty there), `same`, or `differs` (the resident typed something else: shown as
a suggestion only). Applying fills only empty fields whose reading is not in doubt, plus the fields
the resident explicitly accepts; a doubtful value is a suggestion, never a fact.
"""

from __future__ import annotations

from typing import Any

from app.domain.id_numbers import is_valid_id_number, normalise_id_number
from ocr.idcard import FIELD_ORDER, SUGGESTION_BELOW

LABELS = {
    "name": "姓名",
    "sex": "性别",
    "ethnicity": "民族",
    "birth_date": "出生",
    "address": "住址",
    "id_number": "公民身份号码",
    "issuing_authority": "签发机关",
    "valid_from": "有效期限（起）",
    "valid_to": "有效期限（止）",
}
# Card field → the applicant part's field it can fill. Sex and birth date follow from the ID number.
TARGETS = {"name": "name", "id_number": "id_number", "address": "registered_address"}
SKIP_REASONS = {
    "same": "和您填写的一致",
    "differs": "和您填写的不一致，如确认以照片为准，请选择采用",
    "suggestion": "识别结果需要您核对，请确认后再采用",
    "not_a_form_field": "这一项不需要填写到申请表",
    "id_number_invalid": "识别出的身份证号码不正确，不能采用，请手动填写",
    "not_read": "照片上没有识别到这一项",
}


def comparison(proposed: str, typed: str | None, field: str) -> str:
    """`fill` when nothing is typed, `same` when equal (spacing and letter case ignored), else `differs`."""
    if typed is None or not str(typed).strip():
        return "fill"
    if field == "id_number":
        equal = normalise_id_number(proposed) == normalise_id_number(typed)
    else:
        equal = "".join(proposed.split()) == "".join(str(typed).split())
    return "same" if equal else "differs"


def propose(reading: dict[str, Any], current: dict[str, str | None]) -> dict[str, dict[str, Any]]:
    """Each read field with its label, value, confidence, source, warnings, whether it is only a
    suggestion, the form field it fills (`target`) and how it compares with what is typed there."""
    fields, warnings = reading.get("fields", {}), reading.get("warnings", [])
    proposal: dict[str, dict[str, Any]] = {}
    for name in (n for n in FIELD_ORDER if n in fields):
        value = fields[name]
        confidence = float(reading.get("confidence", {}).get(name, 0.0))
        own = [{"code": w["code"], "message": w["message"]} for w in warnings if w.get("field") == name]
        target = TARGETS.get(name)
        proposal[name] = {
            "label": LABELS[name],
            "value": value,
            "confidence": confidence,
            "source": reading.get("source", {}).get(name, "ocr"),
            "warnings": own,
            "suggestion": bool(own) or confidence < SUGGESTION_BELOW,
            "target": target,
            "comparison": comparison(value, current.get(target), name) if target else None,
        }
    return proposal


def choose_fields(
    proposal: dict[str, dict[str, Any]], accept: set[str]
) -> tuple[dict[str, str], dict[str, str]]:
    """({form field: value} to write, {card field: skip reason code}) for an apply request.

    Without `accept`, only `fill` fields that are not suggestions are written. A field named in
    `accept` is written even over a typed value; an ID number failing GB 11643 never is.
    """
    chosen: dict[str, str] = {}
    skipped: dict[str, str] = {}
    for name in sorted(accept - proposal.keys()):
        skipped[name] = "not_read"
    for name, field in proposal.items():
        target, state = field["target"], field["comparison"]
        if target is None:
            if name in accept:
                skipped[name] = "not_a_form_field"
            continue
        if name == "id_number" and not is_valid_id_number(field["value"]):
            skipped[name] = "id_number_invalid"
        elif state == "same":
            skipped[name] = "same"
        elif name in accept:
            chosen[target] = field["value"]
        elif state == "differs":
            skipped[name] = "differs"
        elif field["suggestion"]:
            skipped[name] = "suggestion"
        else:
            chosen[target] = field["value"]
    return chosen, skipped
