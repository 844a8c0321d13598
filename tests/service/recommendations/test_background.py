"""Served processes build the recommendation index in the background: no request builds it.

A request before the first build is answered 503 at once; writes reach the index through the
background thread while requests keep being answered by the index they find; the real
``chanjiao serve`` answers recommendations after start-up without any request paying the build.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlmodel import Session

from matching.recommend import StudentProfile
from models import Organization, Role
from service.auth.security import create_access_token
from service.db import get_engine
from service.recommendations import index as position_index
from service.recommendations.operations import index_fingerprint
from service.settings import settings
from tests.factories import (
    auth_headers,
    make_enterprise,
    make_position,
    make_school,
    make_student,
    make_user,
)
from tests.service.pages.helpers import sign_in
from tests.service.security.faults import service

B = "/api/v1"
AT_ONCE_S = 2.0  # a request that does not build (the build is held): well under, even loaded
NURSE = StudentProfile("520201")


@pytest.fixture(autouse=True)
def _background() -> Iterator[None]:
    position_index.stop()
    position_index.forget()
    yield
    position_index.build_hook = None
    position_index.stop()
    position_index.forget()


def _blocking_hook() -> tuple[threading.Event, threading.Event]:
    """A build hook that holds the builder until released: (reached, release)."""
    reached, release = threading.Event(), threading.Event()

    def hook() -> None:
        reached.set()
        assert release.wait(60)

    position_index.build_hook = hook
    return reached, release


def test_a_request_before_the_first_build_is_answered_503_at_once(
    client: TestClient, session: Session, db_url: str
) -> None:
    school = make_school(session)
    user = make_user(session, Role.student, school)
    make_student(session, school, "520201", user_id=user.id)
    reached, release = _blocking_hook()
    position_index.start(get_engine(db_url), index_fingerprint)
    assert reached.wait(60)  # the build is under way (held before its swap)

    started = time.monotonic()
    response = client.get(f"{B}/students/me/recommendations", headers=auth_headers(user))
    seconds = time.monotonic() - started

    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(settings.retry_after_s)
    assert "岗位推荐正在准备中" in response.json()["error"]["message"]
    assert seconds < AT_ONCE_S
    assert not position_index.ready(session)  # the request built nothing
    release.set()
    assert position_index.wait_ready(session, 60)
    answered = client.get(f"{B}/students/me/recommendations", headers=auth_headers(user))
    assert answered.status_code == 200


def test_the_students_page_works_while_the_index_is_built(
    client: TestClient, session: Session, db_url: str
) -> None:
    school = make_school(session)
    user = make_user(session, Role.student, school, username="stu-waiting")
    make_student(session, school, "520201", user_id=user.id)
    reached, release = _blocking_hook()
    position_index.start(get_engine(db_url), index_fingerprint)
    assert reached.wait(60)
    sign_in(client, "stu-waiting")

    page = client.get("/me")

    release.set()
    assert page.status_code == 200
    section = page.text.split('id="recommendations"')[1].split("</section>")[0]
    assert "岗位推荐正在准备中" in section
    assert "个人资料" in page.text  # the rest of the page is there


def _recommended(url: str) -> list[str]:
    with Session(get_engine(url)) as session:
        results, _ = position_index.recommend(
            session, index_fingerprint, NURSE, 10, date(2026, 11, 23), ()
        )
    return [r.position_id for r in results]


def _eventually(check: Callable[[], bool], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


def test_a_write_reaches_the_next_index_while_the_old_one_answers(fresh_db_url: str) -> None:
    engine = get_engine(fresh_db_url)
    with Session(engine) as session:
        hospital = make_enterprise(session)
        first = make_position(session, hospital, ["520201"])
        session.commit()
        hospital_id, first_id = hospital.id, str(first.id)
    builder = position_index.start(engine, index_fingerprint)
    assert position_index.wait_ready(engine, 60)
    assert _recommended(fresh_db_url) == [first_id]
    assert builder.builds == 1

    reached, release = _blocking_hook()
    with Session(engine) as session:
        again = session.get(Organization, hospital_id)
        assert again is not None
        second = make_position(session, again, ["520201"])
        session.commit()
        second_id = str(second.id)
    position_index.refresh_now()
    assert reached.wait(60)  # the thread has read the write and holds before applying it
    started = time.monotonic()
    assert _recommended(fresh_db_url) == [first_id]  # the old index answers, at once
    assert time.monotonic() - started < AT_ONCE_S
    release.set()
    position_index.build_hook = None
    assert _eventually(lambda: sorted(_recommended(fresh_db_url)) == sorted([first_id, second_id]))
    assert builder.builds == 1  # an incremental refresh, not a new build


def test_chanjiao_serve_answers_after_start_up_without_a_request_building(
    fresh_db_url: str, tmp_path: Path
) -> None:
    engine = get_engine(fresh_db_url)
    with Session(engine) as session:
        school = make_school(session)
        user = make_user(session, Role.student, school)
        make_student(session, school, "520201", user_id=user.id)
        hospital = make_enterprise(session)
        position = make_position(session, hospital, ["520201"], title="护士")
        session.commit()
        user_id, position_id = user.id, str(position.id)
    engine.dispose()

    with service(fresh_db_url, log=tmp_path / "serve.log") as running:
        running.start()
        kept = settings.secret_key, settings.environment
        settings.secret_key, settings.environment = SecretStr(running.secret), "production"
        try:
            token = create_access_token(user_id, Role.student.value)
        finally:
            settings.secret_key, settings.environment = kept
        headers = {"Authorization": f"Bearer {token}"}
        timings: list[tuple[int, float]] = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            started = time.monotonic()
            response = httpx.get(
                f"{running.base}{B}/students/me/recommendations", headers=headers, timeout=30
            )
            timings.append((response.status_code, time.monotonic() - started))
            if response.status_code == 200:
                break
            assert response.status_code == 503, response.text
            time.sleep(0.1)
        running.stop()

    assert timings[-1][0] == 200, timings
    assert [r["position_id"] for r in response.json()["data"]] == [position_id]
    # No request paid the build: the first one, and every one until the index was there.
    assert all(seconds < AT_ONCE_S for _, seconds in timings), timings
