"""Electronic certificates (低保证 / 特困证): a PDF for the beneficiary, a public check of the code.

The PDF uses reportlab's built-in CID font STSong-Light (no font file needed) and draws the QR code
as vector squares from the `qrcode` matrix. The QR holds the public verification URL; the check
answers only whether the certificate is valid, for which program, area and since when — never who.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from flask import current_app, request
from sqlalchemy import select

from app.domain import vocab
from app.domain.entitlements import PAYING_STATES, STATES
from app.domain.masking import mask_id_number
from app.domain.means_test_trace import money_text
from app.errors import NotFound
from app.extensions import db
from app.models import Area, Entitlement
from app.services.actors import ResidentActor
from app.services.applications import visible_to
from app.services.casework_access import township_of

TITLES = {"dibao": "最低生活保障证", "tekun": "特困人员救助供养证"}
FONT = "STSong-Light"


def normalise_code(code: str) -> str:
    """Upper-case, dashes in place: what people type from a printed certificate."""
    raw = "".join(ch for ch in code.upper() if ch.isalnum())[:16]
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def verify(code: str) -> dict[str, Any]:
    """Whether a certificate code is valid; no personal data at all."""
    row = db.session.scalar(select(Entitlement).where(Entitlement.certificate_code == normalise_code(code)))
    if row is None:
        raise NotFound("没有找到这个证书编号", code="certificate_not_found")
    township = township_of(db.session.get(Area, row.area_id))
    return {
        "code": row.certificate_code,
        "valid": row.state in PAYING_STATES,
        "status": row.state,
        "status_label": STATES[row.state],
        "program": row.program,
        "program_label": vocab.PROGRAMS[row.program],
        "issued_by": f"{township.name}人民政府",
        "valid_from": row.start_month.isoformat(),
    }


def resident_entitlements(actor: ResidentActor) -> list[dict[str, Any]]:
    """The entitlements of applications this resident may see."""
    from app.services.applications import applications_of_resident

    ids = [a.id for a in applications_of_resident(actor)]
    if not ids:
        return []
    rows = db.session.scalars(select(Entitlement).where(Entitlement.application_id.in_(ids)))
    return [
        {
            "id": row.id,
            "program": row.program,
            "program_label": vocab.PROGRAMS[row.program],
            "state": row.state,
            "state_label": STATES[row.state],
            "monthly_amount": money_text(row.monthly_amount),
            "start_month": row.start_month.isoformat(),
            "next_review_on": row.next_review_on.isoformat(),
            "certificate_code": row.certificate_code,
        }
        for row in rows
    ]


def entitlement_for_resident(actor: ResidentActor, entitlement_id: str) -> Entitlement:
    """The resident's own entitlement, or 404."""
    row = db.session.get(Entitlement, entitlement_id) if len(entitlement_id) <= 36 else None
    if row is None or not visible_to(actor, row.application):
        raise NotFound("没有找到这项保障", code="entitlement_not_found")
    return row


def verification_url(code: str) -> str:
    """Where the QR code points: the public check of this code."""
    base = current_app.config.get("PUBLIC_BASE_URL") or request.host_url
    return f"{base.rstrip('/')}/api/public/certificates/{code}"


def certificate_pdf(row: Entitlement, issued_on: date) -> bytes:
    """The certificate as a one-page PDF with Chinese text and a QR code."""
    import qrcode
    from reportlab.lib.pagesizes import A5, landscape
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    application = row.application
    township = township_of(db.session.get(Area, row.area_id))
    width, height = landscape(A5)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(TITLES[row.program])
    pdf.setFont(FONT, 24)
    pdf.drawCentredString(width / 2, height - 60, TITLES[row.program])
    lines = [
        f"持证人：{application.applicant.name}",
        f"身份证号：{mask_id_number(application.applicant.id_number) or ''}",
        f"保障人数：{row.covered_members} 人",
        f"月保障金：{money_text(row.monthly_amount)} 元",
        f"保障起始：{row.start_month:%Y年%m月}",
        f"状态：{STATES[row.state]}",
        f"发证机关：{township.name}人民政府",
        f"证书编号：{row.certificate_code}",
        f"打印日期：{issued_on:%Y年%m月%d日}",
    ]
    pdf.setFont(FONT, 12)
    for i, line in enumerate(lines):
        pdf.drawString(50, height - 110 - i * 24, line)
    _draw_qr(pdf, qrcode, verification_url(row.certificate_code), x=width - 200, y=70, size=150)
    pdf.setFont(FONT, 9)
    pdf.drawCentredString(width - 125, 55, "扫码核验证书真伪")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _draw_qr(pdf: Any, qrcode: Any, data: str, x: float, y: float, size: float) -> None:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    cell = size / len(matrix)
    pdf.setFillColorRGB(0, 0, 0)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                pdf.rect(x + c * cell, y + size - (r + 1) * cell, cell, cell, stroke=0, fill=1)
