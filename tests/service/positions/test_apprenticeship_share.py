"""The apprentice-share report by year against a target (issue 27 point 8): apprentices active
in the year (accepted places whose dates overlap it) per enterprise, county and industry, in SQL,
with the region's target share kept as data."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from models import (
    Application,
    ApplicationStatus,
    Organization,
    OrganizationKind,
    OrganizationStatus,
    PositionKind,
    PositionStatus,
    Role,
)
from tests.factories import (
    auth_headers,
    make_enterprise,
    make_organization,
    make_position,
    make_school,
    make_student,
    make_user,
)

URL = "/api/v1/reports/apprenticeship-share"
APPRENTICE = PositionKind.apprenticeship


def apprentices(
    session: Session,
    enterprise: Organization,
    count: int,
    *,
    start: date = date(2026, 3, 1),
    end: date | None = None,
    status: ApplicationStatus = ApplicationStatus.accepted,
    position_status: PositionStatus = PositionStatus.open,
) -> None:
    """One apprenticeship position with ``count`` applications in ``status``."""
    position = make_position(
        session,
        enterprise,
        kind=APPRENTICE,
        headcount=max(count, 1),
        start_date=start,
        end_date=end,
        status=position_status,
    )
    school = make_school(session)
    for _ in range(count):
        student = make_student(session, school, "460103")
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
def regulator_headers(session: Session) -> dict[str, str]:
    machinery = make_enterprise(
        session, name="甲机械", region_code="500106", industry_code="3670", staff_count=200
    )
    apprentices(session, machinery, 6)
    # Ended before 2026 or starting after it: not in the 2026 figures.
    apprentices(session, machinery, 7, start=date(2023, 9, 1), end=date(2025, 6, 30))
    apprentices(session, machinery, 8, start=date(2027, 3, 1))
    # A closed position's accepted apprentices still count; offers not accepted do not.
    apprentices(
        session,
        machinery,
        4,
        start=date(2025, 9, 1),
        end=date(2026, 1, 31),
        position_status=PositionStatus.closed,
    )
    apprentices(session, machinery, 9, status=ApplicationStatus.offered)
    make_position(session, machinery, kind=APPRENTICE, headcount=99, status=PositionStatus.draft)
    make_position(session, machinery, kind=PositionKind.job, headcount=50)
    software = make_enterprise(
        session, name="乙软件", region_code="500112", industry_code="6511", staff_count=100
    )
    apprentices(session, software, 5)
    make_enterprise(
        session, name="丙机械", region_code="500106", industry_code="3612", staff_count=300
    )
    make_enterprise(session, name="丁成都", region_code="510104", staff_count=50)
    # Not counted: a pending enterprise, one without staff count, and a school.
    pending = make_enterprise(session, status=OrganizationStatus.pending, staff_count=10)
    apprentices(session, pending, 5)
    make_enterprise(session, staff_count=None)
    make_organization(session, OrganizationKind.school, staff_count=999)
    return auth_headers(make_user(session, Role.regulator))


def test_report_for_a_city(client: TestClient, regulator_headers: dict[str, str]) -> None:
    response = client.get(URL, params={"region": "500100", "year": 2026}, headers=regulator_headers)
    assert response.status_code == 200
    report = response.json()
    assert report["region"] == "500100"
    assert report["year"] == 2026
    assert report["total"] == {
        "code": "",
        "name": "",
        "enterprises": 3,
        "enterprises_with_apprentices": 2,
        "staff_count": 600,
        "apprentices": 15,
        "share": 0.025,
    }
    # 重庆's own target (seed/data/apprenticeship_targets.json), for the city inside it.
    assert report["target"]["share"] == 0.03
    assert report["target"]["region"] == "500000"
    assert "一定比例" in report["target"]["source"]
    assert (report["share"], report["gap"], report["status"], report["status_label"]) == (
        0.025,
        -0.005,
        "below",
        "低于目标",
    )
    assert [
        (g["code"], g["name"], g["enterprises"], g["apprentices"], g["share"])
        for g in report["by_region"]
    ] == [("500106", "沙坪坝区", 2, 10, 0.02), ("500112", "渝北区", 1, 5, 0.05)]
    assert [
        (g["code"], g["name"], g["staff_count"], g["share"]) for g in report["by_industry"]
    ] == [
        ("36", "汽车制造业", 500, 0.02),
        ("65", "软件和信息技术服务业", 100, 0.05),
    ]
    assert [(e["name"], e["apprentices"], e["share"]) for e in report["enterprises"]] == [
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


def test_each_year_counts_the_apprentices_of_that_year(
    client: TestClient, regulator_headers: dict[str, str]
) -> None:
    def total(year: int) -> int:
        params = {"region": "500100", "year": year}
        body = client.get(URL, params=params, headers=regulator_headers).json()
        return int(body["total"]["apprentices"])

    assert (total(2024), total(2025), total(2026), total(2027)) == (7, 11, 15, 19)
    other = client.get(URL, params={"region": "510100", "year": 2026}, headers=regulator_headers)
    body = other.json()
    # No override for 四川: the national default.
    assert (body["target"]["region"], body["target"]["share"]) == (None, 0.02)
    assert body["status"] == "below"


def test_year_defaults_to_this_year(client: TestClient, regulator_headers: dict[str, str]) -> None:
    from service import clock

    body = client.get(URL, params={"region": "500100"}, headers=regulator_headers).json()
    assert body["year"] == clock.today().year


def test_enterprises_cannot_read_the_report(client: TestClient, session: Session) -> None:
    company = make_enterprise(session)
    response = client.get(URL, headers=auth_headers(make_user(session, Role.enterprise, company)))
    assert response.status_code == 403
    assert client.get(URL).status_code == 401
