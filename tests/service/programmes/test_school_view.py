"""GET /schools/{code}/programmes: the school's figures beside the region's, computed by hand."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from models import OrganizationStatus, PartnerKind, ProgrammePartner, Role
from service.reports import operations as reports
from service.reports.operations import MismatchQuery
from tests.factories import (
    auth_headers,
    make_cohort,
    make_enterprise,
    make_programme,
    make_school,
    make_user,
)

PLAIN = "410201"  # 林业技术, 高职专科
PRIORITY = "460103"  # 数控技术, 高职专科
OTHER = "410202"  # 园林技术, 高职专科


def url(code: str) -> str:
    return f"/api/v1/schools/{code}/programmes"


def test_the_school_sees_its_rates_beside_the_regions_and_the_reports_action(
    client: TestClient, session: Session
) -> None:
    school = make_school(session, region_code="500106", name="甲校")
    rival = make_school(session, region_code="500107")  # same municipality, another district
    partner = make_enterprise(session)
    first = make_programme(
        session, school, PLAIN, 2024, 100, enrolled=95, practical_hours_share=0.45
    )
    session.add(
        ProgrammePartner(
            programme_id=first.id, enterprise_id=partner.id, kind=PartnerKind.order_training
        )
    )
    make_programme(session, school, PLAIN, 2025, 110)
    for year, figures in {
        2022: (70, 50, 30),
        2023: (80, 60, 40),
        2024: (90, 81, 60),
        2025: (100, 70, 50),
    }.items():
        make_cohort(session, school, PLAIN, year, *figures)
    make_cohort(session, rival, PLAIN, 2025, 60, 24, 12)
    make_cohort(session, school, OTHER, 2024, 30, 30, 30)  # graduates, but no plan on record
    headers = auth_headers(make_user(session, Role.school, school))

    response = client.get(url(school.code), headers=headers)

    assert response.status_code == 200, response.text
    body = response.json()
    # 500106 lies in 500100 市辖区, a nominal city: Chongqing is compared as a whole.
    assert (body["region"], body["region_name"], body["year"], body["profile"]) == (
        "500000",
        "重庆市",
        2025,
        "national",
    )
    assert [p["major_code"] for p in body["programmes"]] == [PLAIN, OTHER]
    plain, other = body["programmes"]
    assert (plain["major_name"], plain["major_level"]) == ("林业技术", "高职专科")
    assert [
        (p["year"], p["enrolment_plan"], p["enrolled"], p["practical_hours_share"])
        for p in plain["plans"]
    ] == [(2024, 100, 95, 0.45), (2025, 110, None, None)]
    assert [f["code"] for f in plain["plans"][0]["findings"]] == ["practical_hours_below_minimum"]
    assert [(p["enterprise_code"], p["kind"]) for p in plain["plans"][0]["partners"]] == [
        (partner.code, "order_training")
    ]
    assert [c["graduation_year"] for c in plain["cohorts"]] == [2025, 2024, 2023]
    # The school: 70 / 100 placed, 50 / 100 in field.
    assert plain["school"] == {
        "graduates": 100,
        "placed": 70,
        "in_field": 50,
        "destination_rate": 0.7,
        "in_field_rate": 0.5,
    }
    # The region: (70 + 24) / (100 + 60) = 94 / 160, (50 + 12) / 160 = 62 / 160.
    assert plain["region"] == {
        "graduates": 160,
        "placed": 94,
        "in_field": 62,
        "destination_rate": 0.5875,
        "in_field_rate": 0.3875,
    }
    # 58.75 % < 60 % in 2025 only (2024: 81 / 90), and no demand at all: 调减.
    assert (plain["action"], plain["action_label"]) == ("reduce", "调减")
    assert [r["rule_id"] for r in plain["reasons"]] == ["destination_low", "oversupply"]
    report = reports.mismatch_report(session, MismatchQuery("500000", 2025), viewer=None)
    (row,) = [row for row in report.rows if row.major_code == PLAIN]
    assert plain["reasons"] == [reason.model_dump() for reason in row.reasons]
    # 园林技术: no 2025 cohort at the school, none in the region either.
    assert other["plans"] == []
    assert [c["graduation_year"] for c in other["cohorts"]] == [2024]
    assert (other["school"], other["region"], other["action"], other["reasons"]) == (
        None,
        None,
        None,
        [],
    )


def test_the_year_and_the_region_can_be_chosen(client: TestClient, session: Session) -> None:
    school = make_school(session, region_code="500106")
    make_cohort(session, school, PLAIN, 2024, 90, 81, 60)
    make_cohort(session, school, PLAIN, 2025, 100, 70, 50)
    make_cohort(session, make_school(session, region_code="500107"), PLAIN, 2024, 10, 1, 1)
    regulator = auth_headers(make_user(session, Role.regulator))

    body = client.get(
        url(school.code), params={"year": 2024, "region": "500106"}, headers=regulator
    ).json()

    assert (body["region"], body["year"]) == ("500106", 2024)
    (plain,) = body["programmes"]
    assert plain["school"] == plain["region"]
    assert plain["school"]["destination_rate"] == 0.9


def test_only_the_school_and_supervisors_see_it(client: TestClient, session: Session) -> None:
    school = make_school(session)
    pending = make_school(session, status=OrganizationStatus.pending)
    outsider = auth_headers(make_user(session, Role.school, make_school(session)))
    enterprise = auth_headers(make_user(session, Role.enterprise, make_enterprise(session)))
    student = auth_headers(make_user(session, Role.student, school))
    assert client.get(url(school.code), headers=student).status_code == 403
    assert client.get(url(school.code)).status_code == 401
    assert client.get(url(school.code), headers=outsider).status_code == 403
    assert client.get(url(school.code), headers=enterprise).status_code == 403
    assert client.get(url(pending.code), headers=outsider).status_code == 404
    assert client.get(url("4150999999"), headers=outsider).status_code == 404
    admin = auth_headers(make_user(session, Role.admin))
    assert client.get(url(pending.code), headers=admin).status_code == 200
