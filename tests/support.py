"""Helpers for API tests: valid test ID numbers, signing in through the stand-in, small images."""

from __future__ import annotations

import io
import random

from PIL import Image

from app.domain.id_numbers import check_character

VILLAGE = "341602100201"  # 东关社区, 城关镇 (demo data)
OTHER_TOWNSHIP_VILLAGE = "341602101201"  # 古井村, 古井镇


def id_number(birth: str = "19580314", region: str = "341602", seq: int | None = None, male: bool = True) -> str:
    """A checksum-valid ID number for a made-up person."""
    seq = seq if seq is not None else random.randrange(10, 99)
    body = f"{region}{birth}{seq:02d}{random.choice('13579' if male else '02468')}"
    return body + check_character(body)


def sign_in(client, control, openid: str | None = None) -> dict[str, str]:  # noqa: ANN001
    """Sign a resident in through the stand-in's OAuth code; returns the Authorization header."""
    openid = openid or control.add_user(nickname="测试居民")["openid"]
    code = control.code_for(openid)
    response = client.post("/api/resident/auth/wechat", json={"code": code})
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['token']}"}


def staff_headers(client, username: str, password: str = "demo-pass-2024") -> dict[str, str]:  # noqa: ANN001
    """Sign a demo staff member in; returns the Authorization header."""
    response = client.post("/api/staff/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['token']}"}


def jpeg_bytes(width: int = 64, height: int = 40, color: tuple[int, int, int] = (200, 120, 40)) -> bytes:
    """A small real JPEG."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def complete_applicant(name: str = "王秀英", number: str | None = None) -> dict:
    """An applicant part with everything the submit check asks for."""
    return {
        "name": name,
        "id_number": number or id_number(male=False),
        "phone": "13800138000",
        "area_code": VILLAGE,
        "household_type": "urban",
        "registered_address": "城关镇东关社区东大街12号",
        "current_address": "城关镇东关社区东大街12号",
        "work_capacity": "partial",
    }


def fill_complete_draft(client, headers: dict, application_id: str, applicant: dict | None = None) -> None:  # noqa: ANN001
    """Fill every part a 低保 application needs before it can be submitted."""
    base = f"/api/resident/applications/{application_id}"
    steps = [
        ("applicant", applicant or complete_applicant()),
        ("members", {"members": [{"name": "李小明", "id_number": id_number("20080512"), "relation": "child"}]}),
        ("income", {"items": [{"category": "pension", "amount": "300.00", "period": "monthly"}]}),
        ("assets", {"items": [{"kind": "housing", "quantity": 1, "description": "自住平房"}]}),
        ("expenses", {"items": [{"kind": "medical", "amount": "4200.00", "reimbursed": "1800.00", "incurred_on": "2026-06-01"}]}),
        ("bank", {"bank_name": "农村商业银行", "account": "6222020200112233445", "holder": "王秀英"}),
        ("reason", {"reason": "丈夫去世，本人患慢性病，孩子上学，生活困难"}),
        ("consent", {"consent_to_verification": True}),
    ]
    for part, body in steps:
        response = client.put(f"{base}/{part}", json=body, headers=headers)
        assert response.status_code == 200, (part, response.json)


def other_township_clerk(app) -> str:  # noqa: ANN001
    """The username of a township clerk of 古井镇, outside the demo's 城关镇; made once per database
    (PostgreSQL keeps staff accounts between tests)."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import StaffUser
    from app.services.staff_accounts import create_staff

    username = "gujing_clerk"
    with app.app_context():
        if db.session.scalar(select(StaffUser.id).where(StaffUser.username == username)) is None:
            create_staff(username, "古井镇经办 吴静", "demo-pass-2024", "township_clerk", "341602101")
            db.session.commit()
    return username
