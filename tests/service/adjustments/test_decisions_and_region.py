"""Points 5–6: the region's regulator decides; the region's view and its 备案 spreadsheet."""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, select

from models import AuditLog, Programme
from tests.service.adjustments.helpers import (
    PLAN_YEAR,
    PROPOSALS,
    World,
    build,
    open_window,
    propose,
)
from tests.service.reports.helpers import CITY, PLAIN, PRIORITY, YEAR

REGION = f"/api/v1/regions/{CITY}/adjustments"


def _submitted(client: TestClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    draft = propose(client, headers, **body)
    assert draft.status_code == 201, draft.text
    response = client.post(f"{PROPOSALS}/{draft.json()['id']}/submit", headers=headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def _plan(session: Session, world: World, school_index: int, major: str) -> int | None:
    school = world.flagged_schools[school_index] if school_index >= 0 else world.school
    row = session.exec(
        select(Programme).where(
            Programme.school_id == school.id,
            Programme.major_code == major,
            Programme.year == PLAN_YEAR,
        )
    ).first()
    return None if row is None else row.enrolment_plan


def test_only_the_regions_regulator_decides_and_approval_changes_the_plan(
    client: TestClient, session: Session
) -> None:
    world = build(session)
    open_window(client, world)
    stop = _submitted(client, world.runner_user, kind="stop", major=PLAIN, reason="供过于求")
    url = f"{PROPOSALS}/{stop['id']}"

    assert client.post(f"{url}/approve", headers=world.runner_user).status_code == 403
    assert client.post(f"{url}/approve", headers=world.admin).status_code == 403
    assert client.post(f"{url}/approve", headers=world.other_regulator).status_code == 404
    assert _plan(session, world, 0, PLAIN) == 30

    approved = client.post(f"{url}/approve", json={"comment": "同意停招"}, headers=world.regulator)
    assert approved.status_code == 200, approved.text
    body = approved.json()
    assert (body["status"], body["status_label"], body["decision_comment"]) == (
        "approved",
        "已批准",
        "同意停招",
    )
    assert [
        (a["major_code"], a["year"], a["plan_before"], a["plan_after"]) for a in body["applied"]
    ] == [(PLAIN, PLAN_YEAR, 30, 0)]
    session.expire_all()
    assert _plan(session, world, 0, PLAIN) == 0
    programme_audit = session.exec(
        select(AuditLog).where(AuditLog.entity == "programme", AuditLog.action == "adjustment")
    ).one()
    assert programme_audit.before is not None
    assert programme_audit.after is not None
    assert (programme_audit.before["enrolment_plan"], programme_audit.after["enrolment_plan"]) == (
        30,
        0,
    )
    notice = session.exec(select(AuditLog).where(AuditLog.entity == "school_notice")).one()
    assert notice.entity_id == str(world.flagged_schools[0].id)
    assert notice.after is not None
    assert "已批准" in notice.after["message"]
    twice = client.post(f"{url}/approve", headers=world.regulator)
    assert twice.status_code == 409


def test_opening_and_upgrading_create_next_years_programmes(
    client: TestClient, session: Session
) -> None:
    world = build(session)
    open_window(client, world)
    opened = _submitted(
        client, world.school_user, kind="open", major="园林技术", planned_enrolment=25
    )
    client.post(f"{PROPOSALS}/{opened['id']}/approve", headers=world.regulator)
    upgrade = _submitted(
        client, world.runner_user, kind="upgrade", major=PLAIN, target_major=PRIORITY,
        planned_enrolment=35, justification="",
    )  # fmt: skip
    client.post(f"{PROPOSALS}/{upgrade['id']}/approve", headers=world.regulator)
    session.expire_all()
    assert _plan(session, world, -1, opened["major_code"]) == 25
    assert (_plan(session, world, 0, PLAIN), _plan(session, world, 0, PRIORITY)) == (0, 35)


def test_return_needs_comments_and_the_school_resubmits(
    client: TestClient, session: Session
) -> None:
    world = build(session)
    open_window(client, world)
    plan = _submitted(client, world.school_user, kind="plan", major=PRIORITY, planned_enrolment=60)
    url = f"{PROPOSALS}/{plan['id']}"
    no_comment = client.post(f"{url}/return", json={"comment": "  "}, headers=world.regulator)
    assert no_comment.status_code == 422
    returned = client.post(
        f"{url}/return", json={"comment": "请补充实训条件"}, headers=world.regulator
    )
    assert (returned.json()["status"], returned.json()["status_label"]) == ("returned", "退回修改")
    edited = client.patch(url, json={"facilities": "新建实训室两间"}, headers=world.school_user)
    assert edited.status_code == 200
    again = client.post(f"{url}/submit", headers=world.school_user)
    assert again.json()["status"] == "submitted"
    page = client.get(
        "/api/v1/major-proposals", params={"status": "submitted"}, headers=world.regulator
    )
    assert page.json()["count"] == 1


def test_a_refusal_needs_its_reason_and_changes_nothing(
    client: TestClient, session: Session
) -> None:
    world = build(session)
    open_window(client, world)
    plan = _submitted(client, world.school_user, kind="plan", major=PRIORITY, planned_enrolment=60)
    url = f"{PROPOSALS}/{plan['id']}/refuse"
    assert client.post(url, json={}, headers=world.regulator).status_code == 422
    refused = client.post(url, json={"reason": "师资不足"}, headers=world.regulator)
    assert (refused.json()["status_label"], refused.json()["decision_comment"]) == (
        "不予批准",
        "师资不足",
    )
    session.expire_all()
    assert _plan(session, world, -1, PRIORITY) is None  # the 2025 plan carries on unchanged


def test_the_regions_view_counts_decisions_the_41_figure_and_warnings(
    client: TestClient, session: Session
) -> None:
    world = build(session)
    open_window(client, world)
    priority_school = world.school
    stop = _submitted(client, world.runner_user, kind="stop", major=PLAIN)
    client.post(f"{PROPOSALS}/{stop['id']}/approve", headers=world.regulator)
    opened = _submitted(
        client, world.school_user, kind="open", major=PLAIN, planned_enrolment=20,
        justification="订单培养，已签约",
    )  # fmt: skip
    client.post(f"{PROPOSALS}/{opened['id']}/approve", headers=world.regulator)
    plan = _submitted(client, world.school_user, kind="plan", major=PRIORITY, planned_enrolment=45)
    client.post(
        f"{PROPOSALS}/{plan['id']}/refuse", json={"reason": "需求不足"}, headers=world.regulator
    )

    view = client.get(REGION, params={"year": YEAR}, headers=world.regulator)
    assert view.status_code == 200, view.text
    body = view.json()
    counts = {
        k["kind"]: (k["kind_label"], k["counts"]["approved"], k["counts"]["refused"])
        for k in body["by_kind"]
    }
    assert counts["stop"] == ("停招", 1, 0)
    assert counts["open"] == ("新增", 1, 0)
    assert counts["plan"] == ("调整计划", 0, 1)
    assert (body["new_majors"], body["new_majors_priority"], body["priority_share"]) == (1, 0, 0.0)
    assert body["by_industry"] == [
        {
            "industry": "其他（未对接重点产业）",
            "opened": ["林业技术（410201）"],
            "closed": ["林业技术（410201）"],
        }
    ]
    follow = {(f["school_name"], f["acted"]) for f in body["follow_up"]}
    assert (world.flagged_schools[0].name, True) in follow
    assert (body["warnings_acted"], body["warnings_not_acted"]) == (1, 2)
    filing = body["filing"]
    assert [f["number"] for f in filing] == [1, 2, 3]
    assert sorted((f["kind_label"], f["decision_label"], f["against_warning"]) for f in filing) == [
        ("停招", "已批准", "否"),
        ("新增", "已批准", "是"),
        ("调整计划", "不予批准", "否"),
    ]
    assert {f["school_name"] for f in filing} == {
        world.flagged_schools[0].name,
        priority_school.name,
    }
    assert len(filing) == 3

    assert client.get(REGION, params={"year": YEAR}, headers=world.school_user).status_code == 403
    assert (
        client.get(REGION, params={"year": YEAR}, headers=world.other_regulator).status_code == 403
    )


def test_the_filing_as_csv_excel_and_printable_html(client: TestClient, session: Session) -> None:
    world = build(session)
    open_window(client, world)
    stop = _submitted(client, world.runner_user, kind="stop", major=PLAIN)
    client.post(
        f"{PROPOSALS}/{stop['id']}/approve", json={"comment": "同意"}, headers=world.regulator
    )

    as_csv = client.get(REGION, params={"year": YEAR, "format": "csv"}, headers=world.regulator)
    assert as_csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert as_csv.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["序号", "学校标识码", "学校名称", "调整类型"]
    assert rows[1][3:6] == ["停招", PLAIN, "林业技术"]
    assert rows[1][9:13] == ["30", "0", "否", "已批准"]

    as_xlsx = client.get(REGION, params={"year": YEAR, "format": "xlsx"}, headers=world.regulator)
    book = load_workbook(io.BytesIO(as_xlsx.content))
    assert book.sheetnames == ["备案表", "汇总", "预警响应"]
    assert book["备案表"]["D2"].value == "停招"

    as_html = client.get(REGION, params={"year": YEAR, "format": "html"}, headers=world.regulator)
    text = as_html.content.decode()
    assert "专业动态调整备案表" in text
    assert "监测指标4.1" in text
    assert "<script" not in text
    assert "attachment" in as_html.headers["content-disposition"]


def test_another_regions_regulator_sees_and_decides_nothing(
    client: TestClient, session: Session
) -> None:
    world = build(session)
    window = open_window(client, world)
    plan = _submitted(client, world.school_user, kind="plan", major=PRIORITY, planned_enrolment=60)
    url = f"{PROPOSALS}/{plan['id']}"
    other = world.other_regulator
    assert (
        client.get(f"/api/v1/adjustment-windows/{window['id']}", headers=other).status_code == 404
    )
    assert client.get(PROPOSALS, headers=other).json()["count"] == 0
    assert client.get(PROPOSALS, headers=world.regulator).json()["count"] == 1
    assert client.get(url, headers=other).status_code == 404
    for action, body in (
        ("approve", {}),
        ("return", {"comment": "改"}),
        ("refuse", {"reason": "否"}),
    ):
        assert client.post(f"{url}/{action}", json=body, headers=other).status_code == 404
    assert client.get(url, headers=world.school_user).json()["status"] == "submitted"


def test_the_filing_neutralises_a_formula_in_the_regulators_comment(
    client: TestClient, session: Session
) -> None:
    # The exports' one cell rule (service/export_cells.py): a spreadsheet must not run what a
    # regulator typed, and the printable page must not render it.
    world = build(session)
    open_window(client, world)
    stop = _submitted(client, world.runner_user, kind="stop", major=PLAIN)
    comment = '=HYPERLINK("http://example.com","同意")<script>'
    approved = client.post(
        f"{PROPOSALS}/{stop['id']}/approve", json={"comment": comment}, headers=world.regulator
    )
    assert approved.status_code == 200

    as_csv = client.get(REGION, params={"year": YEAR, "format": "csv"}, headers=world.regulator)
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert rows[1][13] == "'" + comment
    as_xlsx = client.get(REGION, params={"year": YEAR, "format": "xlsx"}, headers=world.regulator)
    cell = load_workbook(io.BytesIO(as_xlsx.content))["备案表"]["N2"]
    assert (cell.value, cell.data_type) == (comment, "s")
    as_html = client.get(REGION, params={"year": YEAR, "format": "html"}, headers=world.regulator)
    assert "<script>" not in as_html.content.decode()
