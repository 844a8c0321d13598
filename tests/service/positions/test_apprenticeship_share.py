"""The apprentice-share report: per enterprise, per county and per industry, in SQL."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from models import OrganizationKind, OrganizationStatus, PositionKind, PositionStatus, Role
from tests.factories import (
    auth_headers,
    make_enterprise,
    make_organization,
    make_position,
    make_user,
)

URL = "/api/v1/reports/apprenticeship-share"
APPRENTICE = PositionKind.apprenticeship


@pytest.fixture
def regulator_headers(session: Session) -> dict[str, str]:
    machinery = make_enterprise(
        session, name="甲机械", region_code="500106", industry_code="3670", staff_count=200
    )
    make_position(session, machinery, kind=APPRENTICE, headcount=6)
    make_position(session, machinery, kind=APPRENTICE, headcount=4, status=PositionStatus.closed)
    make_position(session, machinery, kind=APPRENTICE, headcount=99, status=PositionStatus.draft)
    make_position(session, machinery, kind=PositionKind.job, headcount=50)
    software = make_enterprise(
        session, name="乙软件", region_code="500112", industry_code="6511", staff_count=100
    )
    make_position(session, software, kind=APPRENTICE, headcount=5)
    make_enterprise(
        session, name="丙机械", region_code="500106", industry_code="3612", staff_count=300
    )
    make_enterprise(session, name="丁成都", region_code="510104", staff_count=50)
    # Not counted: a pending enterprise, one without staff count, and a school.
    pending = make_enterprise(session, status=OrganizationStatus.pending, staff_count=10)
    make_position(session, pending, kind=APPRENTICE, headcount=5)
    make_enterprise(session, staff_count=None)
    make_organization(session, OrganizationKind.school, staff_count=999)
    return auth_headers(make_user(session, Role.regulator))


def test_report_for_a_city(client: TestClient, regulator_headers: dict[str, str]) -> None:
    response = client.get(URL, params={"region": "500100"}, headers=regulator_headers)
    assert response.status_code == 200
    report = response.json()
    assert report["region"] == "500100"
    assert report["total"] == {
        "code": "",
        "name": "",
        "enterprises": 3,
        "enterprises_with_apprentices": 2,
        "staff_count": 600,
        "apprentice_posts": 15,
        "share": 0.025,
    }
    assert [
        (g["code"], g["name"], g["enterprises"], g["apprentice_posts"], g["share"])
        for g in report["by_region"]
    ] == [("500106", "沙坪坝区", 2, 10, 0.02), ("500112", "渝北区", 1, 5, 0.05)]
    assert [
        (g["code"], g["name"], g["staff_count"], g["share"]) for g in report["by_industry"]
    ] == [
        ("36", "汽车制造业", 500, 0.02),
        ("65", "软件和信息技术服务业", 100, 0.05),
    ]
    assert [(e["name"], e["apprentice_posts"], e["share"]) for e in report["enterprises"]] == [
        ("甲机械", 10, 0.05),  # same share: more posts first
        ("乙软件", 5, 0.05),
        ("丙机械", 0, 0.0),
    ]
    assert report["count"] == 3


def test_without_region_covers_everything_and_pages(
    client: TestClient, regulator_headers: dict[str, str]
) -> None:
    report = client.get(URL, params={"page_size": 2}, headers=regulator_headers).json()
    assert report["total"]["enterprises"] == 4
    assert report["count"] == 4
    assert len(report["enterprises"]) == 2
    page_two = client.get(URL, params={"page_size": 2, "page": 2}, headers=regulator_headers).json()
    assert {e["name"] for e in page_two["enterprises"]} == {"丙机械", "丁成都"}


def test_enterprises_cannot_read_the_report(client: TestClient, session: Session) -> None:
    company = make_enterprise(session)
    response = client.get(URL, headers=auth_headers(make_user(session, Role.enterprise, company)))
    assert response.status_code == 403
    assert client.get(URL).status_code == 401
