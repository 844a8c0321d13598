"""Outcomes that feed the figures (issue 27 point 7): a school opts in, and each cohort's placed
and in-field counts are computed from accepted places beside the figures it typed."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from models import (
    Application,
    ApplicationStatus,
    AuditLog,
    Organization,
    OrganizationKind,
    PositionKind,
    Role,
)
from tests.factories import (
    auth_headers,
    make_cohort,
    make_enterprise,
    make_organization,
    make_position,
    make_programme,
    make_school,
    make_student,
    make_user,
)

MAJOR = "460103"  # 数控技术
SAME_CLASS = "460104"  # 机械制造及自动化, the same 专业类
OTHER = "520201"  # 护理


def _place(
    session: Session,
    school: Organization,
    enterprise: Organization,
    majors: list[str],
    kind: PositionKind = PositionKind.job,
    status: ApplicationStatus = ApplicationStatus.accepted,
) -> None:
    student = make_student(session, school, MAJOR, 2025)
    position = make_position(session, enterprise, majors, kind=kind)
    session.add(
        Application(
            student_id=student.id,
            position_id=position.id,
            status=status,
            consent_at=position.created_at,
        )
    )
    session.flush()


@pytest.fixture
def world(session: Session) -> dict[str, Any]:
    school = make_school(session, region_code="500106")
    make_programme(session, school, MAJOR, 2022)
    make_cohort(session, school, MAJOR, 2025, 10, 8, 6)
    make_cohort(session, school, MAJOR, 2024, 12, 11, 9)
    enterprise = make_enterprise(session, region_code="500106")
    _place(session, school, enterprise, [MAJOR])  # placed, in field
    _place(session, school, enterprise, [SAME_CLASS], PositionKind.apprenticeship)  # same 专业类
    _place(session, school, enterprise, [OTHER])  # placed, not in field
    _place(session, school, enterprise, [], PositionKind.job)  # no major asked: not in field
    _place(session, school, enterprise, [MAJOR], PositionKind.internship)  # an intern only
    _place(session, school, enterprise, [MAJOR], status=ApplicationStatus.offered)  # not accepted
    government = make_organization(session, OrganizationKind.government, region_code="500000")
    far = make_organization(session, OrganizationKind.government, region_code="110000")
    return {
        "school": school,
        "own": auth_headers(make_user(session, Role.school, school)),
        "other_school": auth_headers(make_user(session, Role.school, make_school(session))),
        "enterprise": auth_headers(make_user(session, Role.enterprise, enterprise)),
        "regulator": auth_headers(make_user(session, Role.regulator, government)),
        "far_regulator": auth_headers(make_user(session, Role.regulator, far)),
    }


def _url(world: dict[str, Any], tail: str = "outcomes") -> str:
    return f"/api/v1/schools/{world['school'].code}/{tail}"


def test_before_opting_in_only_the_typed_figures(client: TestClient, world: dict[str, Any]) -> None:
    body = client.get(_url(world), headers=world["own"]).json()
    assert (body["opted_in"], body["opted_in_label"]) == (False, "未开启")
    assert [
        (c["graduation_year"], c["reported"]["placed"], c["computed"]) for c in body["cohorts"]
    ] == [
        (2025, 8, None),
        (2024, 11, None),
    ]


def test_opted_in_the_platform_computes_placed_and_in_field(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    response = client.put(
        _url(world, "outcomes/opt-in"), json={"opted_in": True}, headers=world["own"]
    )
    assert response.status_code == 200
    assert response.json() == {
        "school_code": world["school"].code,
        "opted_in": True,
        "opted_in_label": "已开启",
    }
    entry = session.exec(select(AuditLog).where(col(AuditLog.action) == "outcomes_opt_in")).one()
    assert entry.after == {"outcomes_opt_in": True}
    body = client.get(_url(world), params={"year": 2025}, headers=world["own"]).json()
    assert body["year"] == 2025
    assert "对口" in body["rule"]
    [cohort] = body["cohorts"]
    assert (cohort["major_code"], cohort["major_name"], cohort["graduation_year"]) == (
        MAJOR,
        "数控技术",
        2025,
    )
    assert cohort["reported"] == {"graduates": 10, "placed": 8, "in_field": 6}
    assert cohort["computed"] == {"students": 6, "placed": 4, "in_field": 2, "interns": 1}
    assert cohort["difference"] == {"placed": 4, "in_field": 4}
    # The regulator of the school's region reads the same.
    regulator = client.get(_url(world), params={"year": 2025}, headers=world["regulator"])
    assert regulator.json()["cohorts"] == body["cohorts"]
    # Turning it off leaves the typed figures only.
    client.put(_url(world, "outcomes/opt-in"), json={"opted_in": False}, headers=world["own"])
    off = client.get(_url(world), params={"year": 2025}, headers=world["own"]).json()
    assert off["cohorts"][0]["computed"] is None


@pytest.mark.parametrize(
    ("who", "status"),
    [("other_school", 403), ("enterprise", 403), ("far_regulator", 404), ("regulator", 200)],
)
def test_who_reads(client: TestClient, world: dict[str, Any], who: str, status: int) -> None:
    assert client.get(_url(world), headers=world[who]).status_code == status


@pytest.mark.parametrize(("who", "status"), [("other_school", 403), ("regulator", 403)])
def test_only_the_school_opts_in(
    client: TestClient, world: dict[str, Any], who: str, status: int
) -> None:
    response = client.put(
        _url(world, "outcomes/opt-in"), json={"opted_in": True}, headers=world[who]
    )
    assert response.status_code == status
