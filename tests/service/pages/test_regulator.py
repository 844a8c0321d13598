"""监管 pages: the report with charts, drill-down, what-if, downloads by cookie, verification."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session

from models import OrganizationKind, OrganizationStatus, Role
from tests.factories import (
    make_enterprise,
    make_organization,
    make_position,
    make_programme,
    make_user,
)
from tests.service.pages.helpers import post_form, sign_in
from tests.service.reports.helpers import COUNTY, PLAIN, PRIORITY, YEAR, region_with

QUERY = f"region={COUNTY}&year={YEAR}"


def signed_in_regulator(client: TestClient, session: Session) -> None:
    make_user(session, Role.regulator, username="reg9")
    sign_in(client, "reg9")


def scenario(session: Session) -> None:
    schools = region_with(
        session, PLAIN, {YEAR - 1: (100, 55), YEAR: (100, 50)}, {YEAR - 1: 80, YEAR: 80}, sites=2
    )
    region_with(session, PRIORITY, {YEAR: (40, 39)}, {YEAR: 100})
    make_programme(session, schools[0], PLAIN, YEAR, enrolment_plan=60)
    make_programme(session, schools[0], PLAIN, YEAR + 1, enrolment_plan=60)


def test_the_report_page_has_summary_charts_rows_and_downloads(
    client: TestClient, session: Session
) -> None:
    scenario(session)
    signed_in_regulator(client, session)

    page = client.get(f"/regulator?{QUERY}").text

    assert '<div class="card a-merge_or_close"><b>1</b>撤并</div>' in page
    assert '<div class="card a-expand"><b>1</b>扩招</div>' in page
    assert '<title id="sd-title">各专业毕业生人数与需求人数</title>' in page
    assert '<title id="dr-title">毕业去向落实率趋势</title>' in page
    assert f'href="/regulator/majors/{PLAIN}?region={COUNTY}&amp;year={YEAR}' in page
    for fmt in ("xlsx", "csv", "html"):
        assert f'href="/regulator/report.{fmt}?region={COUNTY}&amp;year={YEAR}"' in page


def test_downloads_open_with_the_session_cookie(client: TestClient, session: Session) -> None:
    scenario(session)
    signed_in_regulator(client, session)

    xlsx = client.get(f"/regulator/report.xlsx?{QUERY}")
    html = client.get(f"/regulator/report.html?{QUERY}")
    csv = client.get(f"/regulator/report.csv?{QUERY}")

    assert xlsx.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert xlsx.headers["content-disposition"].startswith(
        f'attachment; filename="mismatch_{COUNTY}_{YEAR}.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    assert [sheet.cell(row=r, column=1).value for r in (2, 3)] == [PLAIN, PRIORITY]
    assert html.headers["content-disposition"].startswith("inline;")
    assert "<h1>专业供需错配报告</h1>" in html.text
    assert csv.content.startswith("\ufeff专业代码".encode())
    client.cookies.clear()
    assert client.get(f"/regulator/report.xlsx?{QUERY}", follow_redirects=False).status_code == 303


def test_the_drill_down_shows_schools_years_and_rules(client: TestClient, session: Session) -> None:
    scenario(session)
    signed_in_regulator(client, session)

    page = client.get(f"/regulator/majors/{PLAIN}?{QUERY}").text

    assert "<h1>林业技术（410201，高职专科）</h1>" in page
    assert "开设学校（2）" in page
    assert page.count("50 / 25 / 60") == 1  # one school: 50 graduates, 25 placed, plan 60
    assert "规则：毕业去向落实率连续偏低；阈值：毕业去向落实率下限 60%，连续年数 2 年" in page
    assert "destination_persistent" not in page
    assert f"<td><strong>{YEAR}</strong></td>" in page


def test_what_if_projects_and_checks_its_input(client: TestClient, session: Session) -> None:
    scenario(session)
    signed_in_regulator(client, session)

    good = client.get(f"/regulator/what-if?{QUERY}&major={PLAIN}&enrolment_change=-50").text
    bad = client.get(f"/regulator/what-if?{QUERY}&major={PLAIN}&enrolment_change=abc").text

    assert "招生计划调整 -50%" in good
    assert '<td class="n">60</td><td class="n">30</td>' in good
    assert (
        'id="enrolment_change-error" role="alert">调整比例应为-100至500之间的数字，如 -20</p>'
        in bad
    )


def test_pending_organisations_are_verified_from_the_list(
    client: TestClient, session: Session
) -> None:
    pending = make_organization(
        session, OrganizationKind.enterprise, name="待审核企业", status=OrganizationStatus.pending
    )
    signed_in_regulator(client, session)

    listed = client.get("/regulator/organizations").text
    response = post_form(
        client, "/regulator/organizations", f"/regulator/organizations/{pending.id}/verify", {}
    )

    assert "待审核企业" in listed
    assert response.status_code == 303
    session.refresh(pending)
    assert pending.status == OrganizationStatus.verified
    assert "已审核通过：待审核企业（企业）" in client.get(response.headers["location"]).text


def test_postings_with_findings_are_listed(client: TestClient, session: Session) -> None:
    finding = {
        "code": "x",
        "severity": "warning",
        "field": "monthly_pay",
        "message": "未填写同岗位工资",
        "rule": "internship_pay",
        "source": "教职成〔2021〕4号",
    }
    make_position(
        session, make_enterprise(session), title="带提示的实习", compliance_findings=[finding]
    )
    make_position(session, make_enterprise(session), title="没有提示的岗位")
    signed_in_regulator(client, session)

    page = client.get("/regulator/findings").text

    assert "共 1 个岗位" in page
    assert "带提示的实习" in page
    assert "未填写同岗位工资" in page
