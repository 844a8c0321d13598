from __future__ import annotations

import pytest
from anyio import to_thread
from fastapi.testclient import TestClient
from sqlmodel import Session

from service import migrate
from service.app import create_app
from service.settings import settings


def test_healthz_answers_without_database() -> None:
    with TestClient(create_app()) as client:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_ready_on_a_migrated_database(fresh_db_url: str, monkeypatch) -> None:
    monkeypatch.setattr(settings, "database_url", fresh_db_url)
    with TestClient(create_app()) as client:
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ready"
    assert response.json()["revision"] == "0030"


def test_readyz_is_503_when_not_migrated(fresh_db_url: str, monkeypatch) -> None:
    migrate.downgrade(fresh_db_url, "base")
    monkeypatch.setattr(settings, "database_url", fresh_db_url)
    with TestClient(create_app()) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "not_ready"


def test_readyz_is_503_when_database_unreachable(tmp_path, monkeypatch) -> None:
    # A SQLite path inside a missing directory cannot be opened.
    monkeypatch.setattr(settings, "database_url", f"sqlite:///{tmp_path}/missing/dir/x.db")
    with TestClient(create_app()) as client:
        response = client.get("/readyz")
    assert response.status_code == 503


def test_openapi_docs_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    schema = client.get("/openapi.json").json()
    assert "/healthz" in schema["paths"]
    assert "/api/v1/auth/token" in schema["paths"]


def test_unknown_route_uses_the_error_body(client: TestClient) -> None:
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "not_found", "message": "资源不存在", "details": []}
    }


def test_sqlite_connections_use_wal_and_foreign_keys(session: Session, backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("SQLite pragmas")
    connection = session.connection()
    assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_admitted_requests_fit_the_pool_and_never_wait_for_a_thread() -> None:
    # One connection per admitted request: admission stays under pool + overflow (one kept for the
    # scheduled jobs), and every admitted request finds a thread, with some left for health checks.
    with TestClient(create_app()) as client:
        assert client.get("/healthz").status_code == 200
        assert client.portal is not None
        limit = client.portal.call(_thread_tokens)
    assert settings.max_requests_in_db == settings.db_pool_size + settings.db_max_overflow - 1 == 14
    assert limit == settings.max_requests_in_db + 8 == 22


def _thread_tokens() -> float:
    return to_thread.current_default_thread_limiter().total_tokens
