"""The organisation endpoints: creation, scoped lists, details, edits, verification."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from models import AuditLog, Organization, OrganizationKind, OrganizationStatus, Role
from tests.factories import (
    auth_headers,
    make_enterprise,
    make_organization,
    make_school,
    make_uscc,
    make_user,
)

URL = "/api/v1/organizations"


def new_enterprise(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "enterprise",
        "code": make_uscc("500106"),
        "name": "重庆精工机械有限公司",
        "region_code": "500106",
        "industry_code": "3670",
        "staff_count": 800,
    }
    body.update(changes)
    return body


def audit_rows(session: Session, entity_id: object) -> list[AuditLog]:
    return list(
        session.exec(
            select(AuditLog).where(AuditLog.entity_id == str(entity_id)).order_by(col(AuditLog.at))
        ).all()
    )


def test_regulator_creates_a_verified_organisation(client: TestClient, session: Session) -> None:
    regulator = make_user(session, Role.regulator)
    body = new_enterprise(is_integration_enterprise=True)
    response = client.post(URL, json=body, headers=auth_headers(regulator))
    assert response.status_code == 201
    created = response.json()
    assert created["status"] == "verified"
    assert created["verified_at"] is not None
    assert created["code"] == body["code"]
    assert created["is_integration_enterprise"] is True
    [entry] = audit_rows(session, created["id"])
    assert (entry.actor, entry.actor_id, entry.action, entry.entity) == (
        regulator.username,
        regulator.id,
        "create",
        "organization",
    )
    assert entry.before is None
    assert entry.after is not None
    assert entry.after["code"] == body["code"]


def test_invalid_fields_are_422_with_chinese_field_messages(
    client: TestClient, session: Session
) -> None:
    admin = make_user(session, Role.admin)
    session.commit()
    body = new_enterprise(code="91110000600037341X", region_code="999999", staff_count=-5)
    response = client.post(URL, json=body, headers=auth_headers(admin))
    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "invalid",
        "message": "机构信息有误",
        "details": [
            {"field": "code", "message": "统一社会信用代码校验位错误：应为L，实际为X"},
            {"field": "region_code", "message": "行政区划代码不存在：999999"},
            {"field": "staff_count", "message": "在岗职工总数不能为负数"},
        ],
    }
    assert session.exec(select(Organization).where(Organization.name == body["name"])).all() == []


def test_duplicate_code_is_409(client: TestClient, session: Session) -> None:
    admin = make_user(session, Role.admin)
    existing = make_enterprise(session)
    response = client.post(
        URL, json=new_enterprise(code=existing.code), headers=auth_headers(admin)
    )
    assert response.status_code == 409
    assert response.json()["error"]["details"] == [
        {"field": "code", "message": f"机构代码已被注册：{existing.code}"}
    ]


def test_only_regulators_and_admins_create(client: TestClient, session: Session) -> None:
    company = make_enterprise(session)
    user = make_user(session, Role.enterprise, company)
    assert client.post(URL, json=new_enterprise(), headers=auth_headers(user)).status_code == 403
    assert client.post(URL, json=new_enterprise()).status_code == 401


def test_regulator_lists_all_with_filters_and_region_roll_up(
    client: TestClient, session: Session
) -> None:
    regulator = make_user(session, Role.regulator)
    in_county = make_enterprise(session, region_code="500106", status=OrganizationStatus.pending)
    in_other_county = make_enterprise(session, region_code="500103")
    make_enterprise(session, region_code="510104")
    school = make_school(session, region_code="500112")
    headers = auth_headers(regulator)

    city = client.get(URL, params={"region": "500100", "page_size": 100}, headers=headers).json()
    ids = {row["id"] for row in city["data"]}
    assert ids == {str(in_county.id), str(in_other_county.id), str(school.id)}
    assert city["count"] == len(ids)
    assert all(row["region_code"].startswith("5001") for row in city["data"])

    pending = client.get(
        URL,
        params={"region": "500106", "status": "pending", "kind": "enterprise"},
        headers=headers,
    ).json()
    assert [row["id"] for row in pending["data"]] == [str(in_county.id)]
    assert pending["count"] == 1


def test_unknown_region_filter_is_422(client: TestClient, session: Session) -> None:
    admin = make_user(session, Role.admin)
    response = client.get(URL, params={"region": "999999"}, headers=auth_headers(admin))
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "region"


def test_others_see_only_their_own_organisation(client: TestClient, session: Session) -> None:
    mine = make_enterprise(session)
    make_enterprise(session)
    user = make_user(session, Role.enterprise, mine)
    body = client.get(URL, headers=auth_headers(user)).json()
    assert body["count"] == 1
    assert [row["id"] for row in body["data"]] == [str(mine.id)]
    regulator_without_org = make_user(session, Role.student)
    assert client.get(URL, headers=auth_headers(regulator_without_org)).json() == {
        "data": [],
        "count": 0,
    }


def test_reading_another_organisation_is_404(client: TestClient, session: Session) -> None:
    mine, other = make_enterprise(session), make_enterprise(session)
    user = make_user(session, Role.enterprise, mine)
    assert client.get(f"{URL}/{mine.id}", headers=auth_headers(user)).status_code == 200
    response = client.get(f"{URL}/{other.id}", headers=auth_headers(user))
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "机构不存在"


def test_member_edits_own_organisation_and_it_is_audited(
    client: TestClient, session: Session
) -> None:
    company = make_enterprise(session, staff_count=500)
    user = make_user(session, Role.enterprise, company)
    response = client.patch(
        f"{URL}/{company.id}",
        json={"staff_count": 650, "name": "  新名称有限公司 "},
        headers=auth_headers(user),
    )
    assert response.status_code == 200
    assert (response.json()["staff_count"], response.json()["name"]) == (650, "新名称有限公司")
    [entry] = audit_rows(session, company.id)
    assert entry.action == "update"
    assert entry.before is not None
    assert entry.after is not None
    assert (entry.before["staff_count"], entry.after["staff_count"]) == (500, 650)


def test_member_cannot_declare_integration_enterprise(client: TestClient, session: Session) -> None:
    company = make_enterprise(session)
    user = make_user(session, Role.enterprise, company)
    session.commit()  # a failed request rolls back to here
    response = client.patch(
        f"{URL}/{company.id}", json={"is_integration_enterprise": True}, headers=auth_headers(user)
    )
    assert response.status_code == 403
    session.refresh(company)
    assert company.is_integration_enterprise is False


def test_patch_checks_the_merged_fields(client: TestClient, session: Session) -> None:
    school = make_school(session)
    user = make_user(session, Role.school, school)
    session.commit()
    response = client.patch(
        f"{URL}/{school.id}",
        json={"level": "本科", "region_code": "500199"},
        headers=auth_headers(user),
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"] == [
        {"field": "region_code", "message": "行政区划代码不存在：500199"},
        {"field": "level", "message": "学校办学层次应为中职、高职专科、职教本科之一"},
    ]
    session.refresh(school)
    assert school.level == "高职专科"


def test_kind_and_code_cannot_be_patched(client: TestClient, session: Session) -> None:
    company = make_enterprise(session)
    admin = make_user(session, Role.admin)
    response = client.patch(
        f"{URL}/{company.id}", json={"code": make_uscc()}, headers=auth_headers(admin)
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"] == [
        {"field": "code", "message": "不允许的字段", "type": "extra_forbidden"}
    ]


def test_student_cannot_edit_its_school(client: TestClient, session: Session) -> None:
    school = make_school(session)
    student = make_user(session, Role.student, school)
    response = client.patch(
        f"{URL}/{school.id}", json={"name": "改名"}, headers=auth_headers(student)
    )
    assert response.status_code == 403


def test_verify_and_suspend_lifecycle(client: TestClient, session: Session) -> None:
    regulator = make_user(session, Role.regulator)
    company = make_enterprise(session, status=OrganizationStatus.pending)
    headers = auth_headers(regulator)

    verified = client.post(f"{URL}/{company.id}/verify", headers=headers)
    assert verified.status_code == 200
    assert verified.json()["status"] == "verified"
    # Timestamps carry their offset on both databases (SQLite returns them naive).
    assert datetime.fromisoformat(verified.json()["verified_at"]).utcoffset() is not None
    assert datetime.fromisoformat(verified.json()["created_at"]).utcoffset() is not None
    again = client.post(f"{URL}/{company.id}/verify", headers=headers)
    assert again.status_code == 409
    assert again.json()["error"]["message"] == "机构已通过审核"

    suspended = client.post(f"{URL}/{company.id}/suspend", headers=headers)
    assert suspended.json()["status"] == "suspended"
    assert client.post(f"{URL}/{company.id}/suspend", headers=headers).status_code == 409
    assert [
        (e.action, e.before and e.before["status"], e.after and e.after["status"])
        for e in audit_rows(session, company.id)
    ] == [
        ("verify", "pending", "verified"),
        ("suspend", "verified", "suspended"),
    ]


def test_users_of_a_suspended_organisation_cannot_log_in(
    client: TestClient, session: Session
) -> None:
    company = make_enterprise(session)
    make_user(session, Role.enterprise, company, username="suspended-user")
    admin = make_user(session, Role.admin)
    client.post(f"{URL}/{company.id}/suspend", headers=auth_headers(admin))
    response = client.post(
        "/api/v1/auth/token", data={"username": "suspended-user", "password": "correct-horse-9"}
    )
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "所属机构已被暂停"


def test_verify_unknown_organisation_is_404(client: TestClient, session: Session) -> None:
    admin = make_user(session, Role.admin)
    response = client.post(
        f"{URL}/00000000-0000-0000-0000-000000000000/verify", headers=auth_headers(admin)
    )
    assert response.status_code == 404


def test_park_created_by_admin(client: TestClient, session: Session) -> None:
    admin = make_user(session, Role.admin)
    body = {
        "kind": "park",
        "code": "CQ-XBKXC",
        "name": "西部科学城产教联合体",
        "region_code": "500106",
    }
    response = client.post(URL, json=body, headers=auth_headers(admin))
    assert response.status_code == 201
    assert response.json()["kind"] == "park"
    assert make_organization(session, OrganizationKind.government).kind == "government"
