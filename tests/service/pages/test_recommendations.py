"""Matching on the pages: a student's recommendations with their reasons, the school's programmes
aligned to priority industries, an enterprise's candidate programmes for a position."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from models import Role
from service.recommendations import index as position_index
from tests.factories import (
    make_enterprise,
    make_position,
    make_programme,
    make_school,
    make_student,
    make_user,
)
from tests.service.pages.helpers import sign_in

NURSING = "520201"


@pytest.fixture(autouse=True)
def _fresh_index() -> Iterator[None]:
    position_index.forget()
    yield
    position_index.forget()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_student_sees_recommendations_with_their_reasons(
    client: TestClient, session: Session
) -> None:
    school = make_school(session)
    user = make_user(session, Role.student, school, username="stu")
    make_student(
        session, school, NURSING, skills=["急救"], preferred_regions=["500000"], user_id=user.id
    )
    hospital = make_enterprise(session, name="重庆护联医院", industry_code="8411")
    exact = make_position(
        session,
        hospital,
        [NURSING],
        title="护士",
        skills=["急救", "静脉输液"],
        closing_date=date.today() + timedelta(days=30),
    )
    sibling = make_position(session, hospital, ["520202"], title="助产士")
    sign_in(client, "stu")

    page = client.get("/me")

    assert page.status_code == 200
    section = page.text.split('id="recommendations"')[1].split("</section>")[0]
    assert re.findall(r'href="/positions/([0-9a-f-]+)"', section) == [
        str(exact.id),
        str(sibling.id),
    ]
    first = _text(section.split("</ul></li>")[0])
    assert "专业：专业对口" in first
    assert "具备的技能与证书：急救" in first
    assert "尚需的技能：静脉输液" in first
    assert "重点产业：护理" in first


def test_the_school_sees_its_programmes_aligned_to_priority_industries(
    client: TestClient, session: Session
) -> None:
    school = make_school(session)
    make_programme(session, school, NURSING, 2026)
    make_programme(session, school, "530302", 2026)
    make_user(session, Role.school, school, username="sch")
    sign_in(client, "sch")

    page = client.get("/school/alignment")

    assert page.status_code == 200
    section = _text(page.text.split('id="alignment"')[1].split("</section>")[0])
    assert "开设专业 2 个，对接重点产业 1 个，对接比例 50.0%" in section
    nursing, other = section.split("530302")
    assert "护理 520201" in nursing
    assert "已对接 护理" in nursing
    assert "未对接" in other
    assert "已对接" not in other


def test_the_enterprise_sees_candidate_programmes_for_its_position(
    client: TestClient, session: Session
) -> None:
    factory = make_enterprise(session, industry_code="3491", region_code="500106")
    make_user(session, Role.enterprise, factory, username="ent")
    position = make_position(
        session, factory, ["460305"], headcount=10, start_date=date(2027, 7, 1)
    )
    near = make_school(session, name="重庆近郊职业学院", region_code="500106")
    far = make_school(session, name="成都远方职业学院", region_code="510104")
    for year in (2024, 2025):
        make_programme(session, near, "460305", year, enrolment_plan=40)
        make_programme(session, far, "460305", year, enrolment_plan=40)
    make_programme(session, near, "520201", 2025, enrolment_plan=400)
    make_user(session, Role.enterprise, make_enterprise(session), username="rival")
    sign_in(client, "ent")

    form = client.get(f"/enterprise/positions/{position.id}")
    page = client.get(f"/enterprise/positions/{position.id}/programmes")

    assert f'href="/enterprise/positions/{position.id}/programmes"' in form.text
    assert page.status_code == 200
    rows = page.text.split('id="candidates"')[1].split("<tbody>")[1].split("</tr>")[:-1]
    assert [near.name in rows[0], far.name in rows[1], len(rows)] == [True, True, 2]
    assert "专业对口；即将毕业 80 人（2027、2028 届）；同一区县" in _text(rows[0])
    client.cookies.clear()
    sign_in(client, "rival")
    # The position is public: another enterprise sees it but not its candidates (403).
    assert client.get(f"/enterprise/positions/{position.id}/programmes").status_code == 403
