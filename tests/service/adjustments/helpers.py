"""A small county for the adjustment cycle: one major flagged 撤并 (设置雷同), schools, a window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from models import Organization, OrganizationKind, Role, User
from service import clock
from tests.factories import (
    auth_headers,
    make_organization,
    make_programme,
    make_school,
    make_user,
)
from tests.service.reports.helpers import CITY, COUNTY, PLAIN, PRIORITY, YEAR, region_with

WINDOWS = "/api/v1/adjustment-windows"
PROPOSALS = "/api/v1/major-proposals"
PLAN_YEAR = YEAR + 1


@dataclass
class World:
    flagged_schools: list[Organization]  # run PLAIN, which the county's report flags 撤并
    school: Organization  # runs PRIORITY only
    school_user: dict[str, str]
    runner_user: dict[str, str]  # an account of flagged_schools[0]
    regulator: dict[str, str]  # the city's education commission
    other_regulator: dict[str, str]  # another province's
    admin: dict[str, str]
    accounts: dict[str, User]  # school, runner, regulator


def build(session: Session) -> World:
    """PLAIN: 供求比 below 0.5 two years running at 3 sites (撤并, 设置雷同); PRIORITY at ours."""
    flagged = region_with(
        session, PLAIN, {YEAR - 1: (90, 81), YEAR: (90, 81)}, {YEAR - 1: 40, YEAR: 30}, sites=3
    )
    for school in flagged:
        make_programme(session, school, PLAIN, YEAR, 30)
        make_programme(session, school, PLAIN, PLAN_YEAR, 30)
    school = make_school(session, region_code=COUNTY, name="重庆测试工业职业学院")
    make_programme(session, school, PRIORITY, YEAR, 40)
    city = make_organization(session, OrganizationKind.government, region_code=CITY)
    beijing = make_organization(session, OrganizationKind.government, region_code="110000")
    accounts = {
        "school": make_user(session, Role.school, school),
        "runner": make_user(session, Role.school, flagged[0]),
        "regulator": make_user(session, Role.regulator, city),
    }
    world = World(
        flagged_schools=flagged,
        school=school,
        school_user=auth_headers(accounts["school"]),
        runner_user=auth_headers(accounts["runner"]),
        regulator=auth_headers(accounts["regulator"]),
        other_regulator=auth_headers(make_user(session, Role.regulator, beijing)),
        admin=auth_headers(make_user(session, Role.admin)),
        accounts=accounts,
    )
    session.commit()
    return world


def window_body(**changes: Any) -> dict[str, Any]:
    today = clock.today()
    body: dict[str, Any] = {
        "region_code": CITY,
        "year": YEAR,
        "opens_on": (today - timedelta(days=10)).isoformat(),
        "closes_on": (today + timedelta(days=10)).isoformat(),
    }
    body.update(changes)
    return body


def open_window(client: TestClient, world: World, **changes: Any) -> dict[str, Any]:
    response = client.post(WINDOWS, json=window_body(**changes), headers=world.regulator)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def propose(client: TestClient, headers: dict[str, str], **body: Any) -> Any:
    return client.post(PROPOSALS, json={"year": YEAR, **body}, headers=headers)


def yesterday() -> date:
    return clock.today() - timedelta(days=1)
