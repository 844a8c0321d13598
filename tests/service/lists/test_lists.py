"""The three lists of a region and year: figures, ranking, files and errors."""

from __future__ import annotations

import csv
import io
from datetime import date

from fastapi.testclient import TestClient
from sqlmodel import Session

from models import OrganizationStatus, PositionStatus
from service.reports import operations as reports
from service.reports.operations import MismatchQuery
from tests.factories import make_enterprise, make_position, make_programme, make_school
from tests.service.reports.helpers import COUNTY, PLAIN, PRIORITY, SIBLING, YEAR, region_with

URL = "/api/v1/regions/{code}/lists/{kind}"


def scenario(session: Session) -> None:
    region_with(session, PLAIN, {YEAR - 1: (100, 55), YEAR: (100, 50)}, {YEAR - 1: 80, YEAR: 80})
    region_with(session, PRIORITY, {YEAR: (40, 39)}, {YEAR: 100})


def test_talent_demand_ranks_by_ratio_and_equals_the_mismatch_report(
    client: TestClient, session: Session
) -> None:
    scenario(session)

    response = client.get(URL.format(code=COUNTY, kind="talent-demand"), params={"year": YEAR})

    assert response.status_code == 200
    body = response.json()
    assert (body["kind"], body["title"], body["region_name"]) == (
        "talent-demand",
        "人才需求清单",
        "沙坪坝区",
    )
    rows = [
        (r["rank"], r["major_code"], r["demand"], r["graduates"], r["ratio"], r["gap"])
        for r in body["talent_demand"]
    ]
    assert rows == [(1, PRIORITY, 100.0, 40, 2.5, 60.0), (2, PLAIN, 80.0, 100, 0.8, -20.0)]
    report = reports.mismatch_report(session, MismatchQuery(region=COUNTY, year=YEAR), viewer=None)
    assert {r.major_code: r.demand for r in report.rows} == {
        r["major_code"]: r["demand"] for r in body["talent_demand"]
    }


def test_industry_list_counts_verified_enterprises_open_posts_and_programmes(
    client: TestClient, session: Session
) -> None:
    enterprise = make_enterprise(session, region_code=SIBLING, industry_code="3670")
    make_position(session, enterprise, headcount=10)
    make_position(session, enterprise, headcount=5, start_date=date(2025, 8, 1))
    make_position(session, enterprise, headcount=7, status=PositionStatus.closed)
    pending = make_enterprise(
        session, region_code=SIBLING, industry_code="3670", status=OrganizationStatus.pending
    )
    make_position(session, pending, headcount=9)
    school = make_school(session, region_code=SIBLING)
    make_programme(session, school, "460702", YEAR)
    make_programme(session, school, "460702", YEAR - 1)

    response = client.get(URL.format(code=SIBLING, kind="industry"), params={"year": YEAR})

    assert response.status_code == 200
    rows = {r["key"]: r for r in response.json()["industries"]}
    vehicles = rows["new-energy-vehicles"]
    assert {
        k: vehicles[k]
        for k in ("industry_codes", "enterprises", "open_positions", "open_headcount", "programmes")
    } == {
        "industry_codes": ["3612", "3670", "3962"],
        "enterprises": 1,
        "open_positions": 2,
        "open_headcount": 15,
        "programmes": 1,
    }
    assert rows["integrated-circuit"]["enterprises"] == 0


def test_policy_support_lists_measures_with_caps(client: TestClient) -> None:
    response = client.get(URL.format(code=COUNTY, kind="policy-support"), params={"year": YEAR})

    assert response.status_code == 200
    measures = {m["key"]: m for m in response.json()["measures"]}
    assert (
        measures["training-base-higher"]["amount_cap_wan_yuan"],
        measures["training-base-secondary"]["amount_cap_wan_yuan"],
        measures["training-base-secondary"]["document_no"],
    ) == (8000, 3000, "发改社会〔2023〕699号")
    assert sorted({m["kind"] for m in measures.values()}) == ["信用", "土地", "财政", "金融"]


def test_talent_demand_as_csv(client: TestClient, session: Session) -> None:
    scenario(session)

    response = client.get(
        URL.format(code=COUNTY, kind="talent-demand"), params={"year": YEAR, "format": "csv"}
    )

    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith(
        f'attachment; filename="talent_demand_{COUNTY}_{YEAR}.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["紧缺排名", "专业代码", "专业名称"]
    assert [row[:2] + row[4:8] for row in rows[1:]] == [
        ["1", PRIORITY, "100.0", "40", "2.5", "60.0"],
        ["2", PLAIN, "80.0", "100", "0.8", "-20.0"],
    ]


def test_bad_region_kind_and_year_are_refused_in_chinese(client: TestClient) -> None:
    unknown = client.get(URL.format(code="999999", kind="industry"), params={"year": YEAR})
    kind = client.get(URL.format(code=COUNTY, kind="wishes"), params={"year": YEAR})
    year = client.get(URL.format(code=COUNTY, kind="industry"), params={"year": 1900})

    assert unknown.status_code == 404
    assert unknown.json()["error"]["message"] == "地区代码 999999 不存在"
    assert kind.status_code == 422
    assert year.status_code == 422
    assert year.json()["error"]["message"] == "年份须在 2000—2100 之间"
