"""Bounded concurrency against a real server: saturation answers 503 and recovers, no hang."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import text
from sqlmodel import Session

from models import Role
from service.app import create_app
from service.db import get_engine
from service.deps import ReadSessionDep
from service.settings import settings
from tests.live_server import live_server


def test_a_saturated_service_answers_503_at_once_and_recovers(
    fresh_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "database_url", fresh_db_url)
    monkeypatch.setattr(settings, "admission_limit", 2)
    monkeypatch.setattr(settings, "admission_wait_s", 0.2)
    release = threading.Event()
    app = create_app()

    @app.get("/api/v1/hold")
    def hold(session: ReadSessionDep) -> dict[str, int]:
        # Holds its connection until the test lets go: the two admitted requests saturate.
        value = session.execute(text("SELECT 1")).scalar_one()
        release.wait(10)
        return {"value": value}

    with live_server(app) as base, ThreadPoolExecutor(10) as pool:
        futures = [pool.submit(httpx.get, f"{base}/api/v1/hold", timeout=10) for _ in range(10)]
        # The eight not admitted are answered after the 0.2 s wait, while two still hold.
        deadline = time.monotonic() + 5
        while sum(future.done() for future in futures) < 8 and time.monotonic() < deadline:
            time.sleep(0.01)
        answered_while_saturated = sum(future.done() for future in futures)
        # Readiness neither queues for admission (it would be a 503 after the wait) nor waits
        # for the saturated pool.
        ready_while_saturated = httpx.get(f"{base}/readyz", timeout=5)
        release.set()
        responses = [future.result(timeout=10) for future in futures]
        after = httpx.get(f"{base}/api/v1/hold", timeout=5)
        ready = httpx.get(f"{base}/readyz", timeout=1)
    assert answered_while_saturated == 8
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200, 200] + [503] * 8
    overloaded = [response for response in responses if response.status_code == 503]
    assert {response.headers["retry-after"] for response in overloaded} == {"1"}
    assert {response.json()["error"]["code"] for response in overloaded} == {"overloaded"}
    assert (after.status_code, after.json()) == (200, {"value": 1})
    assert ready.status_code == 200
    assert ready_while_saturated.status_code == 200


def test_login_with_the_database_throttle_store_answers_at_once(
    fresh_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outside the tests the login throttle counts in the database on a connection of its own; the
    login's write transaction begins only after it (on SQLite the counting waited for the write
    turn its own request held: 10 s, then 503, on every login — found by ``make load``)."""
    from service import throttle
    from tests.factories import PASSWORD, make_enterprise, make_user

    monkeypatch.setattr(settings, "database_url", fresh_db_url)
    monkeypatch.setattr(settings, "sqlite_write_wait_s", 1.0)
    with Session(get_engine(fresh_db_url)) as session:
        user = make_user(session, Role.enterprise, make_enterprise(session))
        session.commit()
        username = user.username
    throttle.use_store(throttle.DatabaseStore())
    try:
        with live_server(create_app()) as base:
            form = {"username": username, "password": PASSWORD}
            good = httpx.post(f"{base}/api/v1/auth/token", data=form, timeout=10)
            form["password"] = "wrong-password-1"
            bad = httpx.post(f"{base}/api/v1/auth/token", data=form, timeout=10)
    finally:
        throttle.use_store(None)
    assert good.status_code == 200, good.text
    assert "access_token" in good.json()
    assert bad.status_code == 401, bad.text
