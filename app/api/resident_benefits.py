"""Residents: their entitlements and the electronic certificate (PDF)."""

from __future__ import annotations

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from app.api.auth import RESIDENT_SECURITY, current_resident, resident_required
from app.services import certificates
from app.services.casework_access import today

blp = Blueprint(
    "resident_benefits",
    __name__,
    url_prefix="/api/resident/entitlements",
    description="居民：我的保障和电子证",
)


class MyEntitlementSchema(Schema):
    id = fields.String()
    program = fields.String()
    program_label = fields.String()
    state = fields.String()
    state_label = fields.String()
    monthly_amount = fields.String()
    start_month = fields.String()
    next_review_on = fields.String()
    certificate_code = fields.String()


class MyEntitlementListSchema(Schema):
    items = fields.List(fields.Nested(MyEntitlementSchema))


@blp.route("", methods=["GET"])
@blp.doc(security=RESIDENT_SECURITY)
@blp.response(200, MyEntitlementListSchema)
@resident_required
def my_entitlements() -> dict:
    """The 低保/特困 support I (or the person I applied for) receive."""
    return {"items": certificates.resident_entitlements(current_resident())}


@blp.route("/<entitlement_id>/certificate", methods=["GET"])
@blp.doc(
    security=RESIDENT_SECURITY,
    responses={"200": {"description": "电子证 PDF", "content": {"application/pdf": {}}}},
)
@resident_required
def my_certificate(entitlement_id: str) -> Response:
    """Download the electronic certificate (PDF with a QR code for verification)."""
    row = certificates.entitlement_for_resident(current_resident(), entitlement_id)
    return Response(
        certificates.certificate_pdf(row, today()),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": "inline; filename=certificate.pdf",
            "Cache-Control": "private, no-store",
        },
    )
