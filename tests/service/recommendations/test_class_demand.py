"""Demand that names a 专业类: positions and forecasts ask for a class; the report counts it for the
class's majors at the profile's discount, as its own figure beside the exact-major demand."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models import DemandForecast, PositionMajorClass, Role
from service.reports import operations as reports
from service.reports.operations import MismatchQuery
from tests.factories import (
    auth_headers,
    make_cohort,
    make_enterprise,
    make_forecast,
    make_position,
    make_school,
    make_user,
)

COUNTY = "500106"


def test_a_position_asks_for_a_class_by_code_or_name(client: TestClient, session: Session) -> None:
    company = make_enterprise(session)
    user = make_user(session, Role.enterprise, company)
    body = {
        "kind": "job",
        "title": "护理员",
        "headcount": 4,
        "monthly_pay": 5000,
        "start_date": "2027-07-01",
        "majors": ["护理类", "5202", "520201"],
        "major_level": "高职专科",
    }
    response = client.post("/api/v1/positions", json=body, headers=auth_headers(user))
    assert response.status_code == 201, response.json()
    shown = [(r["input"], r["code"], r["method"]) for r in response.json()["major_resolutions"]]
    assert shown == [
        ("520201", "520201", "code"),
        ("护理类", "5202", "class"),
        ("5202", "5202", "class"),
    ]
    position_id = uuid.UUID(response.json()["id"])
    rows = session.exec(
        select(PositionMajorClass.class_code).where(PositionMajorClass.position_id == position_id)
    ).all()
    assert rows == ["5202"]


def test_an_unknown_or_ambiguous_class_is_422(client: TestClient, session: Session) -> None:
    user = make_user(session, Role.enterprise, make_enterprise(session))
    body = {
        "kind": "job",
        "title": "岗位",
        "headcount": 1,
        "start_date": "2027-07-01",
        "majors": ["护理类"],
    }
    response = client.post("/api/v1/positions", json=body, headers=auth_headers(user))
    assert response.status_code == 422
    detail = response.json()["error"]["details"][0]
    assert [c["code"] for c in detail["candidates"]] == ["3202", "5202", "7202"]
    body["majors"] = ["9999"]
    assert (
        client.post("/api/v1/positions", json=body, headers=auth_headers(user)).status_code == 422
    )


def test_a_forecast_names_a_class(client: TestClient, session: Session) -> None:
    user = make_user(session, Role.enterprise, make_enterprise(session))
    body = {
        "major": "计算机类",
        "major_level": "高职专科",
        "region_code": COUNTY,
        "year": 2027,
        "headcount": 30,
    }
    response = client.post("/api/v1/demand-forecasts", json=body, headers=auth_headers(user))
    assert response.status_code == 201, response.json()
    assert response.json()["major_resolution"]["code"] == "5102"
    stored = session.exec(select(DemandForecast)).one()
    assert (stored.class_code, stored.major_code, stored.target_code) == ("5102", None, "5102")


def test_the_report_counts_class_demand_at_the_discount(session: Session) -> None:
    school = make_school(session, region_code=COUNTY)
    make_cohort(session, school, "520201", 2025, 100, 90)
    make_cohort(session, school, "520202", 2025, 50, 45)
    hospital = make_enterprise(session, region_code=COUNTY)
    make_position(session, hospital, ["520201"], start_date=date(2025, 6, 1), headcount=40)
    by_class = make_position(session, hospital, [], start_date=date(2025, 6, 1), headcount=20)
    session.add(PositionMajorClass(position_id=by_class.id, class_code="5202"))
    forecast = make_forecast(session, hospital, "520201", 2025, 1)
    forecast.major_code, forecast.class_code, forecast.target_code = None, "5202", "5202"
    forecast.headcount = 10
    session.flush()
    report = reports.mismatch_report(session, MismatchQuery(COUNTY, 2025), viewer=None)
    rows = {row.major_code: row for row in report.rows}
    # 30 asked for 护理类 as a whole, at the national profile's 0.5: 15 for each major of the class.
    assert (rows["520201"].demand, rows["520201"].exact_demand, rows["520201"].class_demand) == (
        55.0,
        40.0,
        15.0,
    )
    assert (rows["520202"].demand, rows["520202"].exact_demand, rows["520202"].class_demand) == (
        15.0,
        0.0,
        15.0,
    )
    assert rows["520202"].ratio == 0.3
