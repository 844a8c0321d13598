"""Headcount is law under concurrent accepts: real sessions, real commits, one thread each."""

from __future__ import annotations

import threading
import uuid

from sqlmodel import Session, col, func, select

from models import Application, ApplicationStatus, Position, Role, User
from service.applications import operations as applications
from service.db import get_engine, session_scope
from service.errors import Conflict
from tests.factories import make_enterprise, make_position, make_school, make_student, make_user

OFFERS = 6
HEADCOUNT = 2


def test_concurrent_accepts_never_exceed_the_headcount(fresh_db_url: str) -> None:
    with session_scope(fresh_db_url) as session:
        school = make_school(session)
        position = make_position(session, make_enterprise(session), headcount=HEADCOUNT)
        work: list[tuple[uuid.UUID, User]] = []
        for _ in range(OFFERS):
            user = make_user(session, Role.student, school)
            student = make_student(session, school, "520201", user_id=user.id)
            application = Application(
                student_id=student.id,
                position_id=position.id,
                status=ApplicationStatus.offered,
                consent_at=position.created_at,
            )
            session.add(application)
            session.flush()
            work.append((application.id, user))
        position_id = position.id
    barrier = threading.Barrier(OFFERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def accept(application_id: uuid.UUID, user: User) -> None:
        barrier.wait()
        try:
            with session_scope(fresh_db_url) as session:
                applications.accept(session, application_id, user)
            outcome = "accepted"
        except Conflict as conflict:
            outcome = conflict.message
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=accept, args=item) for item in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == sorted(
        ["accepted"] * HEADCOUNT
        + ["申请当前状态为“岗位已招满或关闭”，不能接受录用"] * (OFFERS - HEADCOUNT)
    )
    with Session(get_engine(fresh_db_url)) as session:
        counts = session.execute(
            select(col(Application.status), func.count())
            .where(col(Application.position_id) == position_id)
            .group_by(col(Application.status))
        ).all()
        assert dict(counts) == {"accepted": HEADCOUNT, "closed": OFFERS - HEADCOUNT}
        stored = session.get(Position, position_id)
        assert stored is not None
        assert stored.status == "filled"
