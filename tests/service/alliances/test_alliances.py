"""市域产教联合体: recording one, refusing bad input, and its indicators 4.1, 3.1 and 4.4."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from models import (
    Alliance,
    OrganizationKind,
    PartnerKind,
    PositionKind,
    PositionStatus,
    ProgrammePartner,
    Role,
)
from tests.factories import (
    auth_headers,
    make_enterprise,
    make_position,
    make_programme,
    make_school,
    make_user,
)

YEAR = 2025
URL = "/api/v1/alliances"


@pytest.fixture
def members(session: Session) -> dict[str, Any]:
    park = make_enterprise(session, kind=OrganizationKind.park, region_code="500106")
    government = make_enterprise(session, kind=OrganizationKind.government, region_code="500106")
    school = make_school(session)
    vehicles = make_programme(session, school, "460702", YEAR, enrolled=40)
    make_programme(session, school, "410201", YEAR)
    make_programme(session, school, "460702", YEAR - 1)
    e = make_enterprise(session, staff_count=500)
    f = make_enterprise(session, staff_count=300)
    g = make_enterprise(session, staff_count=100)
    session.add(
        ProgrammePartner(
            programme_id=vehicles.id, enterprise_id=e.id, kind=PartnerKind.order_training
        )
    )
    apprenticeship, internship = PositionKind.apprenticeship, PositionKind.internship
    make_position(session, e, kind=apprenticeship, headcount=10, start_date=date(YEAR, 3, 1))
    make_position(session, e, kind=apprenticeship, headcount=4, start_date=date(YEAR - 1, 3, 1))
    make_position(session, f, kind=internship, headcount=20, start_date=date(YEAR, 7, 1))
    make_position(
        session,
        f,
        kind=internship,
        headcount=5,
        start_date=date(YEAR, 8, 1),
        status=PositionStatus.draft,
    )
    make_position(session, g, kind=internship, headcount=7, start_date=date(YEAR, 7, 1))
    session.flush()
    return {
        "name": "沙坪坝区智能网联新能源汽车市域产教联合体",
        "region_code": "500106",
        "park_code": park.code,
        "government_code": government.code,
        "school_codes": [school.code],
        "enterprise_codes": [e.code, f.code],
        "research_institutions": ["重庆汽车研究院"],
        "lead_industries": ["new-energy-vehicles"],
    }


def test_a_regulator_records_it_and_anyone_reads_its_indicators(
    client: TestClient, session: Session, members: dict[str, Any]
) -> None:
    regulator = auth_headers(make_user(session, Role.regulator))

    created = client.post(URL, json=members, headers=regulator)
    assert created.status_code == 201, created.text
    alliance_id = created.json()["id"]
    listed = client.get(URL, params={"region": "500106"})
    response = client.get(f"{URL}/{alliance_id}/indicators", params={"year": YEAR})

    assert [a["name"] for a in listed.json()] == [members["name"]]
    assert response.status_code == 200
    got = {
        i["code"]: (i["numerator"], i["denominator"], i["value"])
        for i in response.json()["indicators"]
    }
    assert got == {"4.1": (1, 2, 0.5), "3.1": (1, 2, 0.5), "4.4": (30, 800, 0.0375)}
    posts = next(i for i in response.json()["indicators"] if i["code"] == "4.4")["figures"]
    assert posts == {
        "apprenticeship_posts": 10,
        "internship_posts": 20,
        "enterprises": 2,
        "posts_per_enterprise": 15.0,
        "staff": 800,
        "order_training_students": 40,
    }


def test_bad_input_is_refused_in_chinese_and_nothing_is_written(
    client: TestClient, session: Session, members: dict[str, Any]
) -> None:
    regulator = auth_headers(make_user(session, Role.regulator))
    school_user = auth_headers(make_user(session, Role.school))

    not_a_school = client.post(
        URL, json={**members, "school_codes": members["enterprise_codes"][:1]}, headers=regulator
    )
    unknown_industry = client.post(
        URL, json={**members, "lead_industries": ["flying-cars"]}, headers=regulator
    )
    forbidden = client.post(URL, json=members, headers=school_user)
    missing = client.get(
        f"{URL}/00000000-0000-0000-0000-000000000000/indicators", params={"year": YEAR}
    )

    assert not_a_school.status_code == 422
    assert not_a_school.json()["error"]["details"][0] == {
        "field": "school_codes",
        "message": f"{members['enterprise_codes'][0]} 不是已登记的学校",
    }
    assert (
        unknown_industry.json()["error"]["message"] == "以下主导产业不在重点产业清单中：flying-cars"
    )
    assert (forbidden.status_code, forbidden.json()["error"]["message"]) == (
        403,
        "只有监管部门可以登记联合体",
    )
    assert (missing.status_code, missing.json()["error"]["message"]) == (404, "联合体不存在")
    assert session.exec(select(func.count()).select_from(Alliance)).one() == 0


def test_a_second_alliance_of_the_same_name_conflicts(
    client: TestClient, session: Session, members: dict[str, Any]
) -> None:
    regulator = auth_headers(make_user(session, Role.regulator))

    first = client.post(URL, json=members, headers=regulator)
    second = client.post(URL, json=members, headers=regulator)

    assert (first.status_code, second.status_code) == (201, 409)
    assert second.json()["error"]["message"] == f"联合体“{members['name']}”已存在"
