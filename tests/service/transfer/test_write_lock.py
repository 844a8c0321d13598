"""Issue 24 point 1: an import checks and parses without the write lock; only its prepared writes
take it (the real request sessions, no test override)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from models import Role
from service import throttle
from service.app import create_app
from service.db import get_engine, session_scope
from service.settings import settings
from service.transfer import operations
from tests.factories import auth_headers, make_user

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "transfer"


@pytest.fixture
def app_on(fresh_db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setattr(settings, "database_url", fresh_db_url)
    monkeypatch.setattr(settings, "sqlite_write_wait_s", 1.0)
    throttle.use_store(throttle.MemoryStore())
    with TestClient(create_app()) as client:
        yield client
    get_engine(fresh_db_url).dispose()


def _other_writer(url: str, outcome: dict[str, Any]) -> None:
    """A write of another request while the import checks its file (a student's PATCH)."""
    started = time.monotonic()
    try:
        with session_scope(url) as session:
            make_user(session, Role.admin, username=f"concurrent{time.monotonic_ns()}")
        outcome["ok"] = True
    except Exception as error:
        outcome["error"] = repr(error)
    outcome["seconds"] = time.monotonic() - started


@pytest.mark.parametrize("dry_run", ["true", "false"])
def test_checking_a_file_takes_no_write_lock(
    app_on: TestClient, fresh_db_url: str, monkeypatch: pytest.MonkeyPatch, dry_run: str
) -> None:
    with session_scope(fresh_db_url) as session:
        regulator = make_user(session, Role.regulator, username="lock-regulator")
    headers = auth_headers(regulator)
    outcome: dict[str, Any] = {}
    original = operations.check_file

    def checking(session: Session, *args: Any, **kwargs: Any) -> Any:
        writer = threading.Thread(target=_other_writer, args=(fresh_db_url, outcome))
        writer.start()
        writer.join(5)
        return original(session, *args, **kwargs)

    monkeypatch.setattr(operations, "check_file", checking)
    data = (FIXTURES / "organizations.csv").read_bytes()
    response = app_on.post(
        "/api/v1/imports/organizations",
        files={"file": ("organizations.csv", data, "text/csv")},
        headers=headers,
        params={"dry_run": dry_run},
    )
    assert response.status_code == 200, response.text
    assert outcome.get("ok"), outcome
    assert outcome["seconds"] < 0.9
