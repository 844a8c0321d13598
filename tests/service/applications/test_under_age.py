"""Issue 28 point 4: no application or placement of a student under 16 to an internship or an
apprenticeship; the school enters the birth date, which is personal data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from models import PositionKind, Role
from rules.screen import age_on
from service import clock
from service.applications import operations
from tests.factories import auth_headers, make_position, make_user

from .conftest import MAJOR, World
from .test_router import apply


def born(years: int, days: int = 0) -> date:
    today = clock.today()
    return today.replace(year=today.year - years) - timedelta(days=days)


def test_age_on() -> None:
    assert age_on(date(2010, 6, 1), date(2026, 5, 31)) == 15
    assert age_on(date(2010, 6, 1), date(2026, 6, 1)) == 16
    assert age_on(date(2008, 2, 29), date(2024, 2, 28)) == 15
    assert age_on(date(2008, 2, 29), date(2024, 3, 1)) == 16


def test_a_student_under_16_cannot_apply_to_an_internship(
    client: TestClient, world: World, session: Session
) -> None:
    world.student.birth_date = born(15)
    session.add(world.student)
    for kind in (PositionKind.internship, PositionKind.apprenticeship):
        position = make_position(
            session, world.enterprise, [MAJOR], kind=kind, start_date=clock.today()
        )
        session.commit()
        response = apply(client, world.headers(world.student_user), position.id)
        assert response.status_code == 422, response.json()
        error = response.json()["error"]
        assert error["code"] == "student_under_min_age"
        [detail] = error["details"]
        assert "禁止使用童工规定" in detail["source"]
        assert "职业学校学生实习管理规定" in detail["source"]
        assert "未满16周岁" in detail["message"]
    # A job is not an internship: the rule is the posting's own (its age limits are screened).
    job = make_position(session, world.enterprise, [MAJOR], kind=PositionKind.job, title="就业岗")
    session.commit()
    assert apply(client, world.headers(world.student_user), job.id).status_code == 201


def test_sixteen_on_the_start_date_is_enough(
    client: TestClient, world: World, session: Session
) -> None:
    world.student.birth_date = born(16, days=-30)  # turns 16 in 30 days
    session.add(world.student)
    later = make_position(
        session,
        world.enterprise,
        [MAJOR],
        kind=PositionKind.internship,
        start_date=clock.today() + timedelta(days=60),
    )
    session.commit()
    assert apply(client, world.headers(world.student_user), later.id).status_code == 201


def test_a_placement_offers_nothing_to_a_student_under_16(world: World, session: Session) -> None:
    world.student.birth_date = born(14)
    session.add(world.student)
    position = make_position(
        session, world.enterprise, [MAJOR], kind=PositionKind.internship, start_date=clock.today()
    )
    organiser = make_user(session, Role.admin)
    offered = operations.offer_placed(
        session, organiser, world.student.id, position.id, datetime.now(UTC), "测试分配"
    )
    assert offered is None


def test_the_school_enters_the_birth_date_and_others_do_not_see_it(
    client: TestClient, world: World, session: Session
) -> None:
    session.commit()
    url = f"/api/v1/students/{world.student.id}"
    school = auth_headers(world.school_user)
    response = client.patch(url, json={"birth_date": "2009-03-01"}, headers=school)
    assert response.status_code == 200, response.json()
    assert response.json()["birth_date"] == "2009-03-01"
    regulator = auth_headers(make_user(session, Role.regulator))
    session.commit()
    seen = client.get(url, headers=regulator).json()
    assert (seen["masked"], seen["birth_date"]) == (True, None)
    assert client.get(url, headers=school).json()["birth_date"] == "2009-03-01"
