"""人才需求发布: forecasts by enterprises, parks and governments; a public list."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models import AuditLog, DemandForecast, OrganizationKind, OrganizationStatus, Role
from tests.factories import (
    auth_headers,
    make_enterprise,
    make_forecast,
    make_organization,
    make_school,
    make_user,
)

URL = "/api/v1/demand-forecasts"


def forecast(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "major": "460103",
        "region_code": "500106",
        "year": 2027,
        "headcount": 40,
    }
    body.update(changes)
    return body


def test_enterprise_publishes_a_major_forecast(client: TestClient, session: Session) -> None:
    company = make_enterprise(session, name="重庆精工")
    user = make_user(session, Role.enterprise, company)
    response = client.post(URL, json=forecast(), headers=auth_headers(user))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["major_code"], body["target_code"], body["occupation_code"]) == (
        "460103",
        "460103",
        None,
    )
    assert (body["publisher_name"], body["major_name"], body["region_name"]) == (
        "重庆精工",
        "数控技术",
        "沙坪坝区",
    )
    assert body["major_resolution"]["method"] == "code"
    entry = session.exec(select(AuditLog).where(AuditLog.entity_id == body["id"])).one()
    assert (entry.entity, entry.action, entry.actor) == ("demand_forecast", "create", user.username)


def test_government_publishes_an_occupation_forecast(client: TestClient, session: Session) -> None:
    government = make_organization(session, OrganizationKind.government, name="区人社局")
    user = make_user(session, Role.regulator, government)
    body = {
        "occupation_code": "2-02-10-01",
        "region_code": "500100",
        "year": 2027,
        "headcount": 120,
    }
    response = client.post(URL, json=body, headers=auth_headers(user))
    assert response.status_code == 201, response.json()
    assert (response.json()["target_code"], response.json()["occupation_name"]) == (
        "2-02-10-01",
        "通信工程技术人员",
    )
    assert response.json()["major_resolution"] is None


def test_free_text_major_is_resolved_and_shown(client: TestClient, session: Session) -> None:
    user = make_user(session, Role.enterprise, make_enterprise(session))
    response = client.post(
        URL, json=forecast(major="机械设计与制造专业"), headers=auth_headers(user)
    )
    assert response.status_code == 201
    assert response.json()["major_resolution"] == {
        "input": "机械设计与制造专业",
        "code": "460101",
        "name": "机械设计与制造",
        "level": "高职专科",
        "method": "exact",
        "score": 100.0,
    }


def test_a_level_settles_a_name_shared_by_two_levels(client: TestClient, session: Session) -> None:
    user = make_user(session, Role.enterprise, make_enterprise(session))
    session.commit()
    ambiguous = client.post(URL, json=forecast(major="数控技术"), headers=auth_headers(user))
    assert ambiguous.status_code == 422
    assert [c["code"] for c in ambiguous.json()["error"]["details"][0]["candidates"]] == [
        "260103",
        "460103",
    ]
    settled = client.post(
        URL, json=forecast(major="数控技术", major_level="职教本科"), headers=auth_headers(user)
    )
    assert settled.status_code == 201
    assert settled.json()["major_code"] == "260103"


def test_bad_input_is_422_field_by_field(client: TestClient, session: Session) -> None:
    user = make_user(session, Role.enterprise, make_enterprise(session))
    session.commit()
    both = client.post(
        URL,
        json=forecast(occupation_code="9-99-99-99", region_code="500199"),
        headers=auth_headers(user),
    )
    assert both.status_code == 422
    assert both.json()["error"]["details"] == [
        {"field": "major", "message": "须填写专业或职业之一（不能同时填写）"},
        {"field": "occupation_code", "message": "须填写专业或职业之一（不能同时填写）"},
        {"field": "occupation_code", "message": "职业代码不存在：9-99-99-99"},
        {"field": "region_code", "message": "行政区划代码不存在：500199"},
    ]
    unknown = client.post(URL, json=forecast(major="新能源汽车修理"), headers=auth_headers(user))
    assert unknown.status_code == 422
    [detail] = unknown.json()["error"]["details"]
    assert detail["field"] == "major"
    assert detail["candidates"][0]["code"] == "460702"
    schema = client.post(URL, json=forecast(year=1990, headcount=0), headers=auth_headers(user))
    assert [d["field"] for d in schema.json()["error"]["details"]] == ["year", "headcount"]
    assert session.exec(select(DemandForecast)).all() == []


def test_same_target_region_and_year_twice_is_409(client: TestClient, session: Session) -> None:
    user = make_user(session, Role.enterprise, make_enterprise(session))
    assert client.post(URL, json=forecast(), headers=auth_headers(user)).status_code == 201
    again = client.post(URL, json=forecast(headcount=10), headers=auth_headers(user))
    assert again.status_code == 409


def test_who_may_publish(client: TestClient, session: Session) -> None:
    pending = make_enterprise(session, status=OrganizationStatus.pending)
    school = make_school(session)
    cases = [
        (make_user(session, Role.enterprise, pending), 403),
        (make_user(session, Role.school, school), 403),
        (make_user(session, Role.student, school), 403),
        (make_user(session, Role.regulator), 403),  # a regulator without an organisation
        (make_user(session, Role.admin), 403),
    ]
    session.commit()
    for user, status in cases:
        assert client.post(URL, json=forecast(), headers=auth_headers(user)).status_code == status
    assert client.post(URL, json=forecast()).status_code == 401


def test_public_list_with_filters(client: TestClient, session: Session) -> None:
    company = make_enterprise(session)
    park = make_organization(session, OrganizationKind.park)
    hidden = make_enterprise(session, status=OrganizationStatus.suspended)
    a = make_forecast(session, company, "460103", 2027, 40, region_code="500106")
    b = make_forecast(session, park, "460101", 2026, 15, region_code="500112")
    c = make_forecast(session, company, "460101", 2027, 8, region_code="510104")
    make_forecast(session, hidden, "460103", 2027, 99)

    everything = client.get(URL).json()
    assert everything["count"] == 3
    assert {row["id"] for row in everything["data"]} == {str(a.id), str(b.id), str(c.id)}
    assert [row["year"] for row in everything["data"]] == [2027, 2027, 2026]
    city = client.get(URL, params={"region": "500100"}).json()
    assert {row["id"] for row in city["data"]} == {str(a.id), str(b.id)}
    major = client.get(URL, params={"major": "460101", "year": 2027}).json()
    assert [row["id"] for row in major["data"]] == [str(c.id)]
    by_park = client.get(URL, params={"publisher_id": str(park.id)}).json()
    assert [row["publisher_name"] for row in by_park["data"]] == [park.name]
