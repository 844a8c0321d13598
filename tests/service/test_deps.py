from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from models import AuditLog
from service.app import create_app
from service.db import get_session, session_scope
from service.deps import SessionDep
from service.errors import AppError, Conflict
from service.settings import settings


def test_a_failed_commit_is_never_acknowledged(session: Session) -> None:
    # The session dependency commits before the response is sent: when the commit fails, the
    # client gets an error, not a 2xx for a write that was lost.
    app = create_app()

    @app.post("/probe")
    def probe(_session: SessionDep) -> dict[str, str]:
        return {"status": "written"}

    def failing_commit() -> Iterator[Session]:
        yield session
        raise RuntimeError("commit failed")

    app.dependency_overrides[get_session] = failing_commit
    response = TestClient(app, raise_server_exceptions=False).post("/probe")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"


class _RefusedButAudited(AppError):
    status_code = 409
    code = "refused"
    keep_writes = True


def test_the_request_session_commits_rolls_back_and_keeps_an_errors_writes(
    fresh_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real session dependency (no test override): a route's writes are committed when it
    succeeds, undone when it raises, and kept when its error asks for it (an audit row of a
    refusal)."""
    monkeypatch.setattr(settings, "database_url", fresh_db_url)
    app = create_app()

    def write(session: Session, action: str) -> None:
        session.add(AuditLog(actor="test", action=action, entity="probe", entity_id="1"))
        session.flush()

    @app.post("/api/v1/probe/{outcome}")
    def probe(session: SessionDep, outcome: str) -> dict[str, str]:
        write(session, outcome)
        if outcome == "refused":
            raise _RefusedButAudited("拒绝")
        if outcome == "failed":
            raise Conflict("冲突")
        return {"status": "written"}

    with TestClient(app) as client:
        statuses = [
            client.post(f"/api/v1/probe/{o}").status_code for o in ("ok", "refused", "failed")
        ]
    assert statuses == [200, 409, 409]
    with session_scope(fresh_db_url, write=False) as session:
        kept = session.execute(
            select(col(AuditLog.action)).where(col(AuditLog.entity) == "probe")
        ).scalars()
        assert sorted(kept) == ["ok", "refused"]
