from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from models import OrganizationStatus, Role
from tests.factories import PASSWORD, auth_headers, make_enterprise_user, make_user


def test_token_for_valid_credentials(client: TestClient, session: Session) -> None:
    user = make_user(session, Role.admin, username="admin-a")
    response = client.post("/api/v1/auth/token", data={"username": "admin-a", "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["access_token"].count(".") == 2
    assert user.username == "admin-a"


def test_wrong_password_is_401_in_chinese(client: TestClient, session: Session) -> None:
    make_user(session, Role.admin, username="admin-b")
    response = client.post("/api/v1/auth/token", data={"username": "admin-b", "password": "nope"})
    assert response.status_code == 401
    assert response.json()["error"] == {
        "code": "unauthorized",
        "message": "用户名或密码错误",
        "details": [],
    }


def test_unknown_user_is_the_same_401(client: TestClient) -> None:
    response = client.post("/api/v1/auth/token", data={"username": "ghost", "password": "x" * 10})
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "用户名或密码错误"


def test_missing_form_fields_are_422_with_field_messages(client: TestClient) -> None:
    response = client.post("/api/v1/auth/token", data={"username": "someone"})
    assert response.status_code == 422
    assert response.json()["error"]["details"] == [
        {"field": "password", "message": "必填项缺失", "type": "missing"}
    ]


def test_garbage_token_is_refused(client: TestClient, session: Session) -> None:
    user = make_user(session, Role.admin)
    good = auth_headers(user)
    assert good["Authorization"].startswith("Bearer ")
    response = client.get("/api/v1/auth/me", headers={"Authorization": "Bearer not.a.token"})
    assert response.status_code == 401


def test_a_token_stops_working_when_its_organisation_is_suspended(
    client: TestClient, session: Session
) -> None:
    enterprise, user = make_enterprise_user(session)
    headers = auth_headers(user)
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
    enterprise.status = OrganizationStatus.suspended
    session.add(enterprise)
    session.flush()
    response = client.get("/api/v1/auth/me", headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "所属机构已被暂停"
