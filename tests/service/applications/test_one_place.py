"""One accepted place per student per kind (实习 / 学徒 / 就业) at a time (issue 24 point 8)."""

from __future__ import annotations

import threading
import uuid
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from models import Application, ApplicationStatus, PositionKind, Role, Student, User
from service.applications import operations as applications
from service.db import get_engine, session_scope
from service.errors import Conflict
from tests.factories import (
    auth_headers,
    make_enterprise,
    make_position,
    make_school,
    make_student,
    make_user,
)

from .conftest import World

URL = "/api/v1/applications"


def _offer(session: Session, student: Student, position: Any) -> Application:
    application = Application(
        student_id=student.id,
        position_id=position.id,
        status=ApplicationStatus.offered,
        consent_at=position.created_at,
    )
    session.add(application)
    session.flush()
    return application


def _accept(client: TestClient, user: User, application: Application) -> Any:
    return client.post(f"{URL}/{application.id}/accept", headers=auth_headers(user))


def test_a_second_place_of_the_same_kind_is_409_naming_the_held_one(
    client: TestClient, session: Session, world: World
) -> None:
    company = make_enterprise(session, name="渝北汽车零部件有限公司")
    first = make_position(session, company, ["520201"], title="护理助理", headcount=3)
    second = make_position(session, world.enterprise, ["520201"], headcount=3)
    held = _offer(session, world.student, first)
    other = _offer(session, world.student, second)
    assert _accept(client, world.student_user, held).status_code == 200
    refused = _accept(client, world.student_user, other)
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "place_already_held"
    assert error["message"] == (
        "已接受就业岗位“护理助理”（渝北汽车零部件有限公司，2025-07-01起），"
        "同一时间只能接受一个就业岗位"
    )
    assert error["details"][0]["held_application_id"] == str(held.id)
    session.expire_all()
    stored = session.get(Application, other.id)
    assert stored is not None
    assert stored.status == ApplicationStatus.offered


def test_other_kinds_and_later_periods_are_free(
    client: TestClient, session: Session, world: World
) -> None:
    internship = make_position(
        session,
        world.enterprise,
        ["520201"],
        kind=PositionKind.internship,
        start_date=date(2025, 3, 1),
        end_date=date(2025, 6, 30),
    )
    later = make_position(
        session,
        world.enterprise,
        ["520201"],
        kind=PositionKind.internship,
        start_date=date(2025, 9, 1),
        end_date=date(2025, 12, 31),
    )
    job = make_position(session, world.enterprise, ["520201"], start_date=date(2026, 7, 1))
    for position in (internship, later, job):
        response = _accept(client, world.student_user, _offer(session, world.student, position))
        assert response.status_code == 200, response.json()
    overlapping = make_position(
        session,
        world.enterprise,
        ["520201"],
        kind=PositionKind.internship,
        start_date=date(2025, 12, 1),
        end_date=date(2026, 2, 28),
    )
    refused = _accept(client, world.student_user, _offer(session, world.student, overlapping))
    assert refused.status_code == 409
    assert "2025-09-01至2025-12-31" in refused.json()["error"]["message"]


def test_two_accepts_racing_give_one_place(fresh_db_url: str) -> None:
    with session_scope(fresh_db_url) as session:
        school = make_school(session)
        user = make_user(session, Role.student, school)
        student = make_student(session, school, "520201", user_id=user.id)
        enterprise = make_enterprise(session)
        offers = [
            _offer(session, student, make_position(session, enterprise, headcount=5)).id
            for _ in range(2)
        ]
        student_id = student.id
    barrier = threading.Barrier(len(offers))
    outcomes: list[str] = []
    lock = threading.Lock()

    def accept(application_id: uuid.UUID) -> None:
        barrier.wait()
        try:
            with session_scope(fresh_db_url) as session:
                applications.accept(session, application_id, user)
            outcome = "accepted"
        except Conflict as conflict:
            outcome = conflict.code
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=accept, args=(offer,)) for offer in offers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["accepted", "place_already_held"]
    with Session(get_engine(fresh_db_url)) as session:
        accepted = session.exec(
            select(Application).where(
                col(Application.student_id) == student_id,
                col(Application.status) == ApplicationStatus.accepted,
            )
        ).all()
        assert len(accepted) == 1
