"""After the decision and beside it: temporary assistance and the reserve fund, entitlement reviews,
the dishonesty ledger, reports and the Excel export."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.casework.conftest import CASES, approve, post

FUND = "/api/casework/reserve-funds/341602100"


def _investigated(client, staff, staff_ids, submitted, program: str) -> str:  # noqa: ANN001
    application_id, _ = submitted(program=program)
    case = f"{CASES}/{application_id}"
    post(client, f"{case}/accept", staff("clerk"))
    post(
        client,
        f"{case}/investigation",
        staff("clerk"),
        {"investigator_ids": [staff_ids("clerk"), staff_ids("assistant")]},
    )
    visit = {
        "visited_on": "2026-09-21",
        "visitor_ids": [staff_ids("assistant"), staff_ids("assistant2")],
        "findings": "房屋失火",
    }
    post(client, f"{case}/home-visits", staff("assistant"), visit, status=201)
    post(
        client,
        f"{case}/verification-reports",
        staff("county"),
        {"result": "pass", "reported_on": "2026-09-22"},
        status=201,
    )
    return application_id


def test_emergency_help_first_limits_and_the_reserve_fund(app, client, staff, staff_ids, submitted):
    emergency = _investigated(client, staff, staff_ids, submitted, "linshi_jinan")
    pay = {"amount": "1000.00", "opinion": "火灾，先行救助"}
    empty = client.post(f"{CASES}/{emergency}/emergency-payment", json=pay, headers=staff("clerk"))
    assert empty.status_code == 409 and empty.json["code"] == "reserve_fund_insufficient"
    assert (
        client.post(
            f"{FUND}/entries", json={"kind": "allocation", "amount": "3000"}, headers=staff("clerk")
        ).status_code
        == 403
    )
    post(
        client,
        f"{FUND}/entries",
        staff("county"),
        {"kind": "allocation", "amount": "3000.00", "note": "年度预拨"},
        status=201,
    )
    app.config["CASEWORK_TODAY"] = "2026-09-30"
    grant = post(client, f"{CASES}/{emergency}/emergency-payment", staff("clerk"), pay, status=201)
    assert (
        grant["paid_first"] is True and grant["paperwork_due"] == "2026-10-13"
    )  # 5 working days over National Day
    too_much = client.post(f"{CASES}/{emergency}/emergency-payment", json=pay, headers=staff("clerk"))
    assert too_much.status_code == 409
    app.config["CASEWORK_TODAY"] = "2026-10-14"
    late = client.get("/api/casework/overdue", headers=staff("clerk")).json["late_paperwork"]
    assert [g["application_id"] for g in late] == [emergency]
    post(client, f"{CASES}/{emergency}/finish-investigation", staff("clerk"))
    post(client, f"{CASES}/{emergency}/approve", staff("reviewer"), {"amount": "1000.00"})
    assert client.get("/api/casework/overdue", headers=staff("clerk")).json["late_paperwork"] == []
    assert client.get(FUND, headers=staff("clerk")).json["balance"] == "2000.00"  # paid once, not twice

    # Above the township's limit (4 × 650 = 2600) the county decides and pays.
    large = _investigated(client, staff, staff_ids, submitted, "linshi_zhichu")
    post(client, f"{CASES}/{large}/finish-investigation", staff("clerk"))
    above = client.post(f"{CASES}/{large}/approve", json={"amount": "3000.00"}, headers=staff("reviewer"))
    assert above.status_code == 409 and above.json["errors"]["blockers"][0]["code"] == "above_township_limit"
    assert (
        post(
            client,
            f"{CASES}/{large}/refer-to-county",
            staff("reviewer"),
            {"amount": "3000.00", "opinion": "大病支出较大"},
        )["stage"]
        == "county_review"
    )
    assert (
        post(client, f"{CASES}/{large}/county-decision", staff("county"), {"approve": True})["stage"]
        == "approved"
    )

    # Within the limit the township pays from the fund, which cannot go below zero.
    small = _investigated(client, staff, staff_ids, submitted, "linshi_zhichu")
    post(client, f"{CASES}/{small}/finish-investigation", staff("clerk"))
    short = client.post(f"{CASES}/{small}/approve", json={"amount": "2500.00"}, headers=staff("reviewer"))
    assert short.status_code == 409 and short.json["code"] == "reserve_fund_insufficient"
    post(client, f"{FUND}/entries", staff("county"), {"kind": "top_up", "amount": "500.00"}, status=201)
    post(client, f"{CASES}/{small}/approve", staff("reviewer"), {"amount": "2500.00"})
    fund = client.get(FUND, headers=staff("county")).json
    assert fund["balance"] == "0.00"
    assert [(e["kind"], e["amount"], e["balance_after"]) for e in reversed(fund["entries"])] == [
        ("allocation", "3000.00", "3000.00"),
        ("disbursement", "1000.00", "2000.00"),
        ("top_up", "500.00", "2500.00"),
        ("disbursement", "2500.00", "0.00"),
    ]


def test_review_gradual_exit_termination_and_the_long_term_list(app, client, staff, staff_ids, submitted):
    application_id, resident = approve(client, staff, staff_ids, submitted)
    (row,) = client.get("/api/casework/entitlements", headers=staff("reviewer")).json["items"]
    assert row["review_cycle_months"] == 6 and row["next_review_on"] == "2027-04-01"  # a member able to work
    path = f"/api/casework/entitlements/{row['id']}"
    long_term = client.get("/api/public/notices/long-term?area=341602100").json["items"]
    assert len(long_term) == 1

    post(client, f"{path}/suspend", staff("reviewer"), {"reason": "连续两个季度未打卡"})
    assert client.post(f"{path}/review-result", json={}, headers=staff("reviewer")).status_code == 409
    post(client, f"{path}/resume", staff("reviewer"), {"reason": "已入户核实在家"})
    app.config["CASEWORK_TODAY"] = "2027-03-20"
    due = client.get("/api/casework/entitlements?due_within_days=30", headers=staff("clerk")).json["items"]
    assert [d["id"] for d in due] == [row["id"]]
    post(client, f"{path}/start-review", staff("reviewer"), {"reason": "半年复核"})
    job = {
        "extra_incomes": [
            {"member_id": None, "category": "wages", "amount": "1500.00", "note": "申请人新就业"}
        ]
    }
    reviewed = post(client, f"{path}/review-result", staff("reviewer"), job)
    assert reviewed["state"] == "gradual_exit" and reviewed["monthly_amount"] == "1200.00"
    assert reviewed["gradual_exit_until"] == "2027-10-01"  # 6 months from next month
    assert "1.5倍" in reviewed["review"]["reason"]

    app.config["CASEWORK_TODAY"] = "2027-10-01"
    assert post(client, "/api/casework/entitlements/end-gradual-exits", staff("reviewer")) == {"count": 1}
    ended = client.get(path, headers=staff("clerk")).json
    assert ended["state"] == "terminated"
    assert [e["action"] for e in ended["events"]] == [
        "create",
        "suspend",
        "resume",
        "start_review",
        "gradual_exit",
        "terminate",
    ]
    assert client.get("/api/public/notices/long-term?area=341602100").json["items"] == []
    mine = client.get("/api/resident/entitlements", headers=resident).json["items"]
    assert mine[0]["state"] == "terminated"


def test_dishonesty_ledger_repayments_and_a_shorter_review_cycle(client, staff, staff_ids, submitted):
    application_id, _ = approve(client, staff, staff_ids, submitted, applicant=None)
    record = {
        "application_id": application_id,
        "kind": "hidden_income",
        "description": "隐瞒子女工资收入",
        "amount_to_recover": "2400.00",
        "confirmed_on": "2026-09-25",
    }
    entry = post(client, "/api/casework/dishonesty", staff("clerk"), record, status=201)
    assert entry["outstanding"] == "2400.00" and entry["applicant_name"] == "王*英"
    paid = post(
        client,
        f"/api/casework/dishonesty/{entry['id']}/repayments",
        staff("clerk"),
        {"amount": "400.00"},
        status=201,
    )
    assert (paid["repaid"], paid["outstanding"]) == ("400.00", "2000.00")
    over = client.post(
        f"/api/casework/dishonesty/{entry['id']}/repayments",
        json={"amount": "2000.01"},
        headers=staff("clerk"),
    )
    assert over.status_code == 422
    (row,) = client.get("/api/casework/entitlements", headers=staff("clerk")).json["items"]
    assert row["stable"] is False and row["review_cycle_months"] == 6
    assert (
        client.get("/api/casework/dishonesty", headers=staff("county")).json["items"][0]["id"] == entry["id"]
    )


def test_reports_and_the_excel_export(app, client, staff, staff_ids, submitted):
    approve(client, staff, staff_ids, submitted)
    submitted()
    report = client.get("/api/casework/reports/summary?year=2026", headers=staff("county")).json
    stages = {row["stage"]: row["count"] for row in report["applications_by_stage"]}
    assert stages["approved"] == 1 and stages["submitted"] == 1
    october = next(m for m in report["by_month"] if m["month"] == "2026-10")
    september = next(m for m in report["by_month"] if m["month"] == "2026-09")
    assert september["approved"] == 1 and october["monthly_benefits"] == "1200.00"
    workbook = client.get("/api/casework/reports/summary.xlsx?area=341602100", headers=staff("clerk"))
    assert workbook.status_code == 200 and workbook.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(workbook.data))
    assert book.sheetnames == ["按环节统计", "按月统计", "备用金"]
    rows = list(book["按月统计"].iter_rows(values_only=True))
    assert rows[0][0] == "月份" and rows[10][0] == "2026-10" and float(rows[10][3]) == 1200.0


def test_the_daily_command_ends_finished_gradual_exits_in_every_area_once(app, client, staff, staff_ids, submitted):
    application_id, _resident = approve(client, staff, staff_ids, submitted)
    (row,) = client.get("/api/casework/entitlements", headers=staff("reviewer")).json["items"]
    path = f"/api/casework/entitlements/{row['id']}"
    app.config["CASEWORK_TODAY"] = "2027-03-20"
    post(client, f"{path}/start-review", staff("reviewer"), {"reason": "半年复核"})
    income = {"extra_incomes": [{"member_id": None, "category": "wages", "amount": "1500.00", "note": "新就业"}]}
    assert post(client, f"{path}/review-result", staff("reviewer"), income)["gradual_exit_until"] == "2027-10-01"

    runner = app.test_cli_runner()
    early = runner.invoke(args=["doudi", "entitlements-end-gradual-exits", "--on", "2027-09-30"])
    assert early.exit_code == 0 and early.output.startswith("0 ")
    assert client.get(path, headers=staff("clerk")).json["state"] == "gradual_exit"
    due = runner.invoke(args=["doudi", "entitlements-end-gradual-exits", "--on", "2027-10-01"])
    assert due.exit_code == 0 and due.output.startswith("1 ")
    again = runner.invoke(args=["doudi", "entitlements-end-gradual-exits", "--on", "2027-10-02"])
    assert again.output.startswith("0 ")
    ended = client.get(path, headers=staff("clerk")).json
    assert ended["state"] == "terminated" and [e["action"] for e in ended["events"]][-1] == "terminate"
    assert client.get("/api/public/notices/long-term?area=341602100").json["items"] == []
    bad = runner.invoke(args=["doudi", "entitlements-end-gradual-exits", "--on", "十月一日"])
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output
