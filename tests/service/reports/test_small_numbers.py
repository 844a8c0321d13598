"""Small numbers stay private (issue 24 point 7): figures resting on one to four students of a
school are “<5” to anyone but that school and its own regulators; a school reads its province's
reports only (issue 24, finding 9)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from models import OrganizationKind, Role
from rules import small_numbers
from tests.factories import (
    auth_headers,
    make_cohort,
    make_enterprise,
    make_organization,
    make_programme,
    make_school,
    make_user,
)
from tests.service.reports.helpers import (
    COUNTY,
    PLAIN,
    PLAIN_B,
    PRIORITY,
    UPGRADE,
    YEAR,
    jobs,
)

URL = "/api/v1/reports/mismatch"


def test_the_rule_in_one_place() -> None:
    assert [small_numbers.shown(n, exact=False) for n in (0, 1, 4, 5, 40)] == [
        0,
        "<5",
        "<5",
        5,
        40,
    ]
    assert small_numbers.shown(3, exact=True) == 3
    assert small_numbers.any_small([40, 3], exact=False)
    assert not small_numbers.any_small([40, 0], exact=False)
    assert "不足5人" in small_numbers.SMALL_NUMBER_RULE
    assert small_numbers.weighted_median([(4000.0, 1), (5000.0, 1)]) == 4500.0
    assert small_numbers.weighted_median([(4000.0, 3), (9000.0, 1)]) == 4000.0
    assert small_numbers.weighted_median([(4000.0, 0)]) is None


@pytest.fixture
def city(session: Session) -> dict[str, Any]:
    own = make_school(session, region_code=COUNTY)
    other = make_school(session, region_code=COUNTY)
    for major in (PLAIN, PLAIN_B, PRIORITY, UPGRADE):
        make_programme(session, own, major, YEAR - 2)
    make_cohort(session, own, PLAIN, YEAR, 40, 30, 20)
    make_cohort(session, own, PRIORITY, YEAR, 3, 2, 1)  # its own small cohort: exact for it
    make_cohort(session, other, PLAIN_B, YEAR, 3, 2, 2, avg_monthly_salary=4000)
    make_cohort(session, other, UPGRADE, YEAR, 20, 10, 8, further_study=7, avg_monthly_salary=5200)
    enterprise = make_enterprise(session, region_code=COUNTY)
    for major in (PLAIN, PLAIN_B, PRIORITY, UPGRADE):
        jobs(session, enterprise, major, {YEAR: 30})
    government = make_organization(session, OrganizationKind.government, region_code="500000")
    return {
        "code": own.code,
        "school": auth_headers(make_user(session, Role.school, own)),
        "regulator": auth_headers(make_user(session, Role.regulator, government)),
    }


def _rows(client: TestClient, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = client.get(URL, params={"region": COUNTY, "year": YEAR, **params}, headers=headers)
    assert response.status_code == 200, response.json()
    return {row["major_code"]: row for row in response.json()["rows"]}


def test_a_school_sees_other_schools_small_figures_as_less_than_five(
    client: TestClient, city: dict[str, Any]
) -> None:
    rows = _rows(client, city["school"])
    other = rows[PLAIN_B]
    assert (other["graduates"], other["placed"], other["in_field"]) == ("<5", "<5", "<5")
    assert (other["destination_rate"], other["in_field_rate"], other["ratio"], other["gap"]) == (
        None,
        None,
        None,
        None,
    )
    assert other["median_salary"] is None
    assert other["salary_employed"] == "<5"
    assert other["suppressed"] == [
        "destination_rate",
        "gap",
        "graduates",
        "in_field",
        "in_field_rate",
        "median_salary",
        "placed",
        "ratio",
    ]
    assert all("不足5人" in reason["message"] for reason in other["reasons"])
    # Its own figures, small or not, are exact; so are figures of five or more.
    assert (rows[PRIORITY]["graduates"], rows[PRIORITY]["placed"]) == (3, 2)
    assert (rows[PLAIN]["graduates"], rows[PLAIN]["placed"], rows[PLAIN]["suppressed"]) == (
        40,
        30,
        [],
    )
    # 20 graduates, but the salary rests on 3 employed (10 placed − 7 further study).
    upgrade = rows[UPGRADE]
    assert (upgrade["graduates"], upgrade["median_salary"], upgrade["salary_employed"]) == (
        20,
        None,
        "<5",
    )
    assert upgrade["suppressed"] == ["median_salary"]


def test_the_regulator_sees_every_figure(client: TestClient, city: dict[str, Any]) -> None:
    rows = _rows(client, city["regulator"])
    assert (rows[PLAIN_B]["graduates"], rows[PLAIN_B]["placed"]) == (3, 2)
    assert rows[PLAIN_B]["median_salary"] == 4000.0
    assert (rows[UPGRADE]["median_salary"], rows[UPGRADE]["salary_employed"]) == (5200.0, 3)
    assert rows[PLAIN_B]["suppressed"] == []


def test_exports_keep_the_rule(client: TestClient, city: dict[str, Any]) -> None:
    response = client.get(
        URL, params={"region": COUNTY, "year": YEAR, "format": "csv"}, headers=city["school"]
    )
    assert response.status_code == 200
    table = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    other = next(row for row in table if row["专业代码"] == PLAIN_B)
    assert (other["毕业生人数"], other["去向落实人数"], other["供求比"]) == ("<5", "<5", "")
    html = client.get(
        URL, params={"region": COUNTY, "year": YEAR, "format": "html"}, headers=city["school"]
    ).text
    assert "&lt;5" in html
    xlsx = client.get(
        URL, params={"region": COUNTY, "year": YEAR, "format": "xlsx"}, headers=city["school"]
    )
    assert xlsx.status_code == 200


def test_the_schools_programme_view_keeps_the_rule(
    client: TestClient, city: dict[str, Any]
) -> None:
    body = client.get(
        f"/api/v1/schools/{city['code']}/programmes",
        params={"region": COUNTY, "year": YEAR},
        headers=city["school"],
    ).json()
    region = {p["major_code"]: p["region"] for p in body["programmes"]}
    assert region[PLAIN_B]["graduates"] == "<5"
    assert region[PLAIN]["graduates"] == 40


def test_a_school_reads_only_its_provinces_reports(
    client: TestClient, session: Session, city: dict[str, Any]
) -> None:
    far = make_school(session, region_code="110101")
    make_cohort(session, far, PLAIN, YEAR, 40, 30)
    refused = client.get(URL, params={"region": "110101", "year": YEAR}, headers=city["school"])
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == "学校只能查看本省（自治区、直辖市）的专业供需报告"
    national = client.get(URL, params={"region": "000000", "year": YEAR}, headers=city["school"])
    assert national.status_code == 403
    assert (
        client.get(
            URL, params={"region": "500000", "year": YEAR}, headers=city["school"]
        ).status_code
        == 200
    )


@pytest.mark.usefixtures("city")
def test_the_public_talent_demand_list_keeps_the_rule(client: TestClient) -> None:
    response = client.get(f"/api/v1/regions/{COUNTY}/lists/talent-demand", params={"year": YEAR})
    assert response.status_code == 200
    rows = {r["major_code"]: r for r in response.json()["talent_demand"]}
    assert (rows[PLAIN_B]["graduates"], rows[PLAIN_B]["ratio"], rows[PLAIN_B]["gap"]) == (
        "<5",
        None,
        None,
    )
    assert rows[PLAIN]["graduates"] == 40
