"""Issue 24 points 4–6: sessions revoked on a password change, refresh-token families, sign out
everywhere; throttling that counts failures per account and address; the password rule."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert
from sqlmodel import Session

from models import Role, User
from models.base import utcnow
from service import throttle
from service.app import create_app
from service.auth import operations as auth
from service.auth.security import hash_generated_password
from service.db import get_engine, session_scope
from service.errors import Unauthorized
from service.settings import settings
from tests.factories import PASSWORD, make_school, make_user

# ---------------------------------------------------------------- point 6: the password rule


@pytest.mark.parametrize(
    "password",
    [
        "abcdefgh",
        "qwertyui",
        "zhang123",
        "1234567a",
        "abcdefghij",
        "qwertyuiop1",
        "zhangwei1988",
        "woaini13145",
        "1qaz2wsx3edc",
        "123456789a",
        "aaaaaaaaaaaa",
        "wang19880808",
    ],
)
def test_weak_passwords_are_refused(password: str) -> None:
    assert auth.password_problem(password) is not None


def test_a_password_with_the_user_name_is_refused() -> None:
    assert auth.password_problem("xiaoli2026-secret", "xiaoli2026") == "密码不能包含用户名"
    assert auth.password_problem("correct-horse-9", "xiaoli2026") is None
    assert auth.password_problem("Demo-ab3xk9PqR2", "demo_school") is None


def test_change_password_uses_the_same_rule(client: TestClient, session: Session) -> None:
    make_user(session, Role.admin, username="rule-admin")
    headers = _login(client, "rule-admin")[0]
    for new, message in (
        ("short-1", "密码长度不能少于10位"),
        ("rule-admin-2026", "密码不能包含用户名"),
        ("zhangwei1988", None),
    ):
        response = client.post(
            "/api/v1/auth/password",
            json={"old_password": PASSWORD, "new_password": new},
            headers=headers,
        )
        assert response.status_code == 422, new
        detail = response.json()["error"]["details"][0]
        assert detail["field"] == "new_password"
        if message:
            assert detail["message"] == message


def test_operator_reset_uses_the_rule_and_signs_out_everywhere(
    client: TestClient, session: Session
) -> None:
    user = make_user(session, Role.admin, username="reset-admin")
    headers, refresh = _login(client, "reset-admin")
    with pytest.raises(Exception, match="密码不符合要求"):
        auth.reset_password(session, "reset-admin", "qwertyuiop", actor="cli")
    auth.reset_password(session, "reset-admin", "a-fresh-start-7", actor="cli")
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": refresh}).status_code == 401
    assert _login(client, "reset-admin", "a-fresh-start-7")[0]
    assert user.username == "reset-admin"


# ---------------------------------------------------------------- point 4: sessions


def _login(
    client: TestClient, username: str, password: str = PASSWORD
) -> tuple[dict[str, str], str]:
    response = client.post("/api/v1/auth/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    body = response.json()
    return {"Authorization": f"Bearer {body['access_token']}"}, body["refresh_token"]


def test_a_password_change_signs_out_every_other_session(
    client: TestClient, session: Session
) -> None:
    make_user(session, Role.admin, username="two-devices")
    phone, phone_refresh = _login(client, "two-devices")
    laptop, laptop_refresh = _login(client, "two-devices")
    response = client.post(
        "/api/v1/auth/password",
        json={"old_password": PASSWORD, "new_password": "a-new-secret-42"},
        headers=laptop,
    )
    assert response.status_code == 204
    assert client.get("/api/v1/auth/me", headers=laptop).status_code == 200
    assert client.get("/api/v1/auth/me", headers=phone).status_code == 401
    refused = client.post("/api/v1/auth/refresh", json={"refresh_token": phone_refresh})
    assert refused.status_code == 401
    kept = client.post("/api/v1/auth/refresh", json={"refresh_token": laptop_refresh})
    assert kept.status_code == 200


def test_reusing_a_rotated_refresh_token_revokes_its_family(
    client: TestClient, session: Session
) -> None:
    make_user(session, Role.admin, username="stolen-token")
    other, _ = _login(client, "stolen-token")  # another device: a family of its own
    _, first = _login(client, "stolen-token")
    rotated = client.post("/api/v1/auth/refresh", json={"refresh_token": first}).json()
    replay = client.post("/api/v1/auth/refresh", json={"refresh_token": first})
    assert replay.status_code == 401
    newer = {"Authorization": f"Bearer {rotated['access_token']}"}
    assert client.get("/api/v1/auth/me", headers=newer).status_code == 401
    again = client.post("/api/v1/auth/refresh", json={"refresh_token": rotated["refresh_token"]})
    assert again.status_code == 401
    assert client.get("/api/v1/auth/me", headers=other).status_code == 200


def test_sign_out_everywhere(client: TestClient, session: Session) -> None:
    make_user(session, Role.admin, username="everywhere")
    one, one_refresh = _login(client, "everywhere")
    two, _ = _login(client, "everywhere")
    assert client.post("/api/v1/auth/logout-all", headers=one).status_code == 204
    assert client.get("/api/v1/auth/me", headers=one).status_code == 401
    assert client.get("/api/v1/auth/me", headers=two).status_code == 401
    refused = client.post("/api/v1/auth/refresh", json={"refresh_token": one_refresh})
    assert refused.status_code == 401
    assert client.post("/api/v1/auth/logout-all").status_code == 401


# ---------------------------------------------------------------- point 5: throttling


def test_guessing_from_anywhere_does_not_lock_the_owner_out(session: Session) -> None:
    make_user(session, Role.admin, username="victim")
    guesses = [f"10.0.0.{i}" for i in range(3)] + ["10.0.0.9"] * 8
    for address in guesses:
        with pytest.raises((Unauthorized, throttle.TooManyAttempts)):
            auth.authenticate(session, "victim", "wrong-guess-1", address)
    with pytest.raises(throttle.TooManyAttempts):
        auth.authenticate(session, "victim", PASSWORD, "10.0.0.9")
    assert auth.authenticate(session, "victim", PASSWORD, "192.0.2.7").username == "victim"


def test_one_address_failing_on_one_account_does_not_stop_others(session: Session) -> None:
    make_user(session, Role.admin, username="guessed")
    make_user(session, Role.admin, username="bystander")
    for _ in range(40):
        try:
            auth.authenticate(session, "guessed", "wrong-guess-1", "198.51.100.1")
        except (Unauthorized, throttle.TooManyAttempts):
            pass
    assert auth.authenticate(session, "bystander", PASSWORD, "198.51.100.1")


def test_an_address_has_a_failure_bound(session: Session) -> None:
    for i in range(throttle.LOGIN_FAILURES_PER_ADDRESS.attempts):
        try:
            auth.authenticate(session, f"ghost-{i}", "wrong-guess-1", "203.0.113.9")
        except Unauthorized:
            pass
    with pytest.raises(throttle.TooManyAttempts):
        auth.authenticate(session, "ghost-x", "wrong-guess-1", "203.0.113.9")


@pytest.fixture
def real_app(fresh_db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The app on a database of its own, without the tests' session override, and with the
    database throttle store production uses."""
    monkeypatch.setattr(settings, "database_url", fresh_db_url)
    throttle.use_store(throttle.DatabaseStore(fresh_db_url))
    with TestClient(create_app()) as test_client:
        yield test_client
    get_engine(fresh_db_url).dispose()


def _students(url: str, count: int, password: str) -> list[str]:
    with session_scope(url) as session:
        school = make_school(session)
        password_hash = hash_generated_password(password)
        rows: list[dict[str, Any]] = [
            {
                "id": uuid.uuid4(),
                "username": f"{school.code}-{i:05d}",
                "password_hash": password_hash,
                "role": Role.student.value,
                "organization_id": school.id,
                "is_active": True,
                "created_at": utcnow(),
            }
            for i in range(count)
        ]
        session.execute(insert(User), rows)
    return [row["username"] for row in rows]


def test_a_class_signs_in_from_one_address(real_app: TestClient, fresh_db_url: str) -> None:
    """300 students behind one NAT address at a 双选会, each with its initial password, within
    five minutes: every one gets in (successes are not counted), on the database store."""
    password = "Kx7mQp2wZr9t"
    names = _students(fresh_db_url, 300, password)
    statuses = [
        real_app.post("/api/v1/auth/token", data={"username": n, "password": password}).status_code
        for n in names
    ]
    assert statuses.count(200) == 300, {s: statuses.count(s) for s in set(statuses)}
    assert throttle.store_name() == "DatabaseStore"


def test_database_store_slows_one_account_and_address(
    real_app: TestClient, fresh_db_url: str
) -> None:
    names = _students(fresh_db_url, 2, "Kx7mQp2wZr9t")
    wrong = {"username": names[0], "password": "wrong-guess-1"}
    statuses = [real_app.post("/api/v1/auth/token", data=wrong).status_code for _ in range(7)]
    assert statuses == [401] * 5 + [429, 429]
    other = {"username": names[1], "password": "Kx7mQp2wZr9t"}
    assert real_app.post("/api/v1/auth/token", data=other).status_code == 200


def test_forwarded_headers_are_trusted_only_from_named_proxies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import uvicorn

    from service.cli.serve import serve

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: calls.append(k))
    monkeypatch.setattr(settings, "database_url", "postgresql+psycopg://x@127.0.0.1/none")
    serve(host="127.0.0.1", port=8000, workers=1, reload=False)
    assert calls[-1]["proxy_headers"] is False
    monkeypatch.setattr(settings, "forwarded_allow_ips", "10.1.2.3")
    serve(host="127.0.0.1", port=8000, workers=1, reload=False)
    assert calls[-1]["proxy_headers"] is True
    assert calls[-1]["forwarded_allow_ips"] == "10.1.2.3"
