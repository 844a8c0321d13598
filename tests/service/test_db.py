"""One connection per request; SQLite writers queue instead of failing."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import httpx
import pytest
from fastapi import Request
from fastapi.testclient import TestClient
from sqlalchemy import QueuePool, func, select, text
from sqlmodel import Session, col

from models import Position, User
from service.app import create_app
from service.auth.dependencies import CurrentUser
from service.db import end_reading, get_engine, read_engine, session_scope
from service.deps import ReadSessionDep, SessionDep
from service.errors import Unavailable
from service.settings import settings
from tests.factories import auth_headers, make_enterprise_user
from tests.live_server import live_server


def _checked_out() -> int:
    pool = get_engine().pool
    assert isinstance(pool, QueuePool)
    return pool.checkedout()


def _enterprise_headers(url: str) -> dict[str, str]:
    with Session(get_engine(url), expire_on_commit=False) as session:
        _, user = make_enterprise_user(session)
        session.commit()
    return auth_headers(user)


def test_a_request_holds_one_connection_whatever_its_dependencies(
    fresh_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "database_url", fresh_db_url)
    headers = _enterprise_headers(fresh_db_url)
    app = create_app()

    # The user is looked up on the request's read session; the write then reuses that session
    # after ending its read transaction, instead of taking a second connection.
    @app.post("/api/v1/user-then-write")
    def user_then_write(user: CurrentUser, session: SessionDep) -> dict[str, int]:
        session.execute(text("SELECT 1"))
        assert session.get(User, user.id) is user
        return {"connections": _checked_out()}

    @app.post("/api/v1/write-then-user")
    def write_then_user(session: SessionDep, user: CurrentUser) -> dict[str, int]:
        session.execute(text("SELECT 1"))
        assert session.get(User, user.id) is user
        return {"connections": _checked_out()}

    @app.get("/api/v1/read")
    def read(session: ReadSessionDep, user: CurrentUser) -> dict[str, int]:
        session.execute(text("SELECT 1"))
        assert session.get(User, user.id) is user
        return {"connections": _checked_out()}

    with TestClient(app) as client:
        answers = [
            client.post("/api/v1/user-then-write", headers=headers).json(),
            client.post("/api/v1/write-then-user", headers=headers).json(),
            client.get("/api/v1/read", headers=headers).json(),
        ]
        assert _checked_out() == 0
    assert answers == [{"connections": 1}] * 3


def test_a_read_route_may_end_its_reading_early_and_a_write_route_may_not(
    fresh_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """end_reading returns a read session's connection in the route's own thread (the session
    dependency then has nothing left to end); a write transaction stays its dependency's."""
    monkeypatch.setattr(settings, "database_url", fresh_db_url)
    app = create_app()

    @app.get("/api/v1/read-then-end")
    def read_then_end(request: Request, session: ReadSessionDep) -> dict[str, bool]:
        session.execute(text("SELECT 1"))
        end_reading(request, session)
        return {"in_transaction": session.in_transaction()}

    @app.post("/api/v1/write-then-end")
    def write_then_end(request: Request, session: SessionDep) -> dict[str, bool]:
        session.execute(text("SELECT 1"))
        end_reading(request, session)
        return {"in_transaction": session.in_transaction()}

    with TestClient(app) as client:
        assert client.get("/api/v1/read-then-end").json() == {"in_transaction": False}
        assert client.post("/api/v1/write-then-end").json() == {"in_transaction": True}
        searches = [client.get("/api/v1/positions").status_code for _ in range(3)]
    assert searches == [200, 200, 200]
    for engine in (get_engine(), read_engine()):
        pool = engine.pool
        assert isinstance(pool, QueuePool)
        assert pool.checkedout() == 0


def test_64_concurrent_writers_all_succeed(
    fresh_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "database_url", fresh_db_url)
    # Waits long enough for 64 writes in turn on a busy machine: what is tested is that writers
    # queue for SQLite's write turn instead of failing ("database is locked"), not the bounds.
    monkeypatch.setattr(settings, "admission_wait_s", 60.0)
    monkeypatch.setattr(settings, "sqlite_write_wait_s", 60.0)
    headers = _enterprise_headers(fresh_db_url)
    body = {
        "kind": "job",
        "title": "数控车床操作工",
        "headcount": 2,
        "monthly_pay": 6000,
        "start_date": str(date.today() + timedelta(days=30)),
    }
    with live_server(create_app()) as base, ThreadPoolExecutor(64) as pool:
        barrier = threading.Barrier(64)

        def post(n: int) -> int:
            with httpx.Client(base_url=base, timeout=30) as client:
                barrier.wait()
                answer = client.post(
                    "/api/v1/positions",
                    json=body | {"title": f"数控车床操作工{n}", "headcount": n + 1},
                    headers=headers,
                )
                return answer.status_code

        statuses = list(pool.map(post, range(64)))
    assert statuses == [201] * 64
    with session_scope(fresh_db_url, write=False) as session:
        headcounts = session.execute(
            select(col(Position.headcount)).order_by(col(Position.headcount))
        )
        assert list(headcounts.scalars()) == list(range(1, 65))
        assert session.execute(select(func.count()).select_from(Position)).scalar_one() == 64


def test_a_sqlite_writer_waits_its_turn_then_gets_503_past_the_bound(
    fresh_db_url: str, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if backend != "sqlite":
        pytest.skip("SQLite's single writer")
    monkeypatch.setattr(settings, "sqlite_write_wait_s", 0.2)
    outcome: list[str] = []

    def second_writer() -> None:
        try:
            with session_scope(fresh_db_url) as session:
                session.execute(text("SELECT 1"))
            outcome.append("written")
        except Unavailable as error:
            outcome.append(f"{error.status_code} {error.code}")

    with session_scope(fresh_db_url) as first:
        first.execute(text("SELECT 1"))  # BEGIN IMMEDIATE: this session has the write turn
        waiting = threading.Thread(target=second_writer)
        waiting.start()
        waiting.join()
        assert outcome == ["503 write_queue_full"]
        # Within the bound, the next writer gets the turn as soon as the first is done.
        waiting = threading.Thread(target=second_writer)
        waiting.start()
    waiting.join()
    assert outcome == ["503 write_queue_full", "written"]
