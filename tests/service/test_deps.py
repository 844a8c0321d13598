from __future__ import annotations

from collections.abc import Iterator

from fastapi.testclient import TestClient
from sqlmodel import Session

from service.app import create_app
from service.db import get_session
from service.deps import SessionDep


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
