"""Self-registration: a pending organisation and its first account, or nothing at all."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models import AuditLog, Organization, OrganizationStatus, Role, User
from service.auth import security
from service.organizations.operations import REGISTRATION_MESSAGE
from tests.factories import make_enterprise, make_school_code, make_uscc, make_user

URL = "/api/v1/auth/register"


def registration(**organization: Any) -> dict[str, Any]:
    org: dict[str, Any] = {
        "kind": "enterprise",
        "code": make_uscc("500106"),
        "name": "重庆智造科技有限公司",
        "region_code": "500106",
        "industry_code": "3670",
        "staff_count": 120,
    }
    org.update(organization)
    return {"organization": org, "username": "zhizao-hr", "password": "s3cret-pass"}


def test_enterprise_registers_pending_with_its_first_user(
    client: TestClient, session: Session
) -> None:
    body = registration()
    response = client.post(URL, json=body)
    assert response.status_code == 202
    result = response.json()
    organization = session.exec(
        select(Organization).where(Organization.code == body["organization"]["code"])
    ).one()
    assert result == {
        "status": "submitted",
        "reference": str(organization.id),
        "message": REGISTRATION_MESSAGE,
    }
    assert organization.status == "pending"

    user = session.exec(select(User).where(User.username == "zhizao-hr")).one()
    assert (user.role, user.organization_id) == ("enterprise", organization.id)
    assert user.password_hash.startswith("$argon2")
    entries = session.exec(select(AuditLog).where(AuditLog.actor_id == user.id)).all()
    assert sorted((e.entity, e.action) for e in entries) == [
        ("organization", "register"),
        ("user", "create"),
    ]
    assert all("password_hash" not in (e.after or {}) for e in entries)

    # The account acts once a regulator has verified its organisation, not before.
    login = {"username": "zhizao-hr", "password": "s3cret-pass"}
    pending = client.post("/api/v1/auth/token", data=login)
    assert (pending.status_code, pending.json()["error"]["message"]) == (401, "用户名或密码错误")
    organization.status = OrganizationStatus.verified
    session.add(organization)
    session.commit()
    assert client.post("/api/v1/auth/token", data=login).status_code == 200


def test_school_registers_with_school_role(client: TestClient, session: Session) -> None:
    body = registration(
        kind="school",
        code=make_school_code(),
        name="重庆某职业学院",
        industry_code=None,
        staff_count=None,
        level="高职专科",
    )
    response = client.post(URL, json=body)
    assert response.status_code == 202
    user = session.exec(select(User).where(User.username == "zhizao-hr")).one()
    assert user.role == "school"


def test_parks_and_governments_cannot_self_register(client: TestClient, session: Session) -> None:
    body = registration(kind="government", code="CQ-JW", industry_code=None, staff_count=None)
    response = client.post(URL, json=body)
    assert response.status_code == 422
    assert response.json()["error"]["details"] == [
        {
            "field": "organization.kind",
            "message": "园区和政府机构由监管部门或管理员创建，不能自助注册",
        }
    ]
    assert session.exec(select(Organization).where(Organization.code == "CQ-JW")).first() is None


def test_all_problems_at_once_and_nothing_written(client: TestClient, session: Session) -> None:
    body = registration(code="91500106MA5H0HLK5X", staff_count=None)
    body["password"] = "short"
    response = client.post(URL, json=body)
    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "invalid",
        "message": "注册信息有误",
        "details": [
            {"field": "organization.code", "message": "统一社会信用代码校验位错误：应为E，实际为X"},
            {"field": "organization.staff_count", "message": "企业须填写在岗职工总数"},
            {"field": "password", "message": "密码长度不能少于10位"},
        ],
    }
    assert session.exec(select(User).where(User.username == "zhizao-hr")).first() is None


def test_taken_code_is_409_and_no_user_is_left(client: TestClient, session: Session) -> None:
    existing = make_enterprise(session)
    session.commit()
    response = client.post(URL, json=registration(code=existing.code))
    assert response.status_code == 409
    assert response.json()["error"]["details"] == [
        {"field": "organization.code", "message": f"机构代码已被注册：{existing.code}"}
    ]
    assert session.exec(select(User).where(User.username == "zhizao-hr")).first() is None


def test_a_taken_username_answers_like_a_free_one(client: TestClient, session: Session) -> None:
    """No enumeration: same status, same body shape, same work (argon2), same login answer."""
    owner = make_user(session, Role.admin, username="zhizao-hr")
    session.commit()
    calls: list[str] = []
    hash_password = security.hash_password

    def counting_hash(password: str) -> str:
        calls.append(password)
        return hash_password(password)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("service.auth.security.hash_password", counting_hash)
        taken = client.post(URL, json=registration())
        free_body = registration()
        free_body["username"] = "fresh-name"
        free = client.post(URL, json=free_body)

    assert (taken.status_code, free.status_code) == (202, 202)
    assert taken.json().keys() == free.json().keys() == {"status", "reference", "message"}
    assert taken.json()["message"] == free.json()["message"]
    assert calls == ["s3cret-pass", "s3cret-pass"]  # hashed once each, taken or not
    # The organisation is recorded either way (so a second try with its code is 409 both ways) and
    # the reviewing regulator finds the requested name in the audit log; the owner is untouched.
    organization = session.get(Organization, uuid.UUID(taken.json()["reference"]))
    assert organization is not None
    assert organization.status == "pending"
    note = session.exec(
        select(AuditLog).where(
            AuditLog.entity_id == str(organization.id), AuditLog.action == "register_name_taken"
        )
    ).one()
    assert (note.actor, note.after) == ("registration", {"requested_username": "zhizao-hr"})
    session.refresh(owner)
    assert owner.organization_id is None
    # Trying the chosen password afterwards answers as for the free name (pending: not yet).
    answers = [
        client.post("/api/v1/auth/token", data={"username": name, "password": "s3cret-pass"})
        for name in ("zhizao-hr", "fresh-name")
    ]
    assert [(a.status_code, a.json()) for a in answers] == [
        (401, answers[1].json()),
        (401, answers[0].json()),
    ]


def test_malformed_body_is_422_with_field_paths(client: TestClient) -> None:
    body = registration(kind="bank")
    body["username"] = "a b"
    response = client.post(URL, json=body)
    assert response.status_code == 422
    fields = [d["field"] for d in response.json()["error"]["details"]]
    assert fields == ["organization.kind", "username"]
