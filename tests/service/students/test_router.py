from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from models import AuditLog, Role, Student, User
from tests.factories import (
    auth_headers,
    make_enterprise_user,
    make_position,
    make_school,
    make_user,
)
from tests.personal_data import (
    PLANTED_NAME,
    PLANTED_PHONE,
    leaks,
    scan_routes,
    scanned_operations,
)
from tests.service.applications.conftest import MAJOR, make_student_account

URL = "/api/v1/students"


def create(client: TestClient, school_user: User, **fields: Any) -> Any:
    body = {
        "student_no": "2024001",
        "name": PLANTED_NAME,
        "phone": PLANTED_PHONE,
        "major": "护理",
        "graduation_year": 2027,
        "skills": ["静脉输液", "静脉输液"],
        "preferred_regions": ["500106"],
    }
    body.update(fields)
    return client.post(URL, json=body, headers=auth_headers(school_user))


def test_a_school_creates_a_student_with_an_account(client: TestClient, session: Session) -> None:
    school = make_school(session)
    school_user = make_user(session, Role.school, school)
    response = create(client, school_user)
    assert response.status_code == 201
    body = response.json()
    assert body["username"] == f"{school.code}-2024001"
    assert body["major_resolution"]["code"] == MAJOR
    assert body["student"]["skills"] == ["静脉输液"]
    assert (body["student"]["name"], body["student"]["phone"]) == (PLANTED_NAME, PLANTED_PHONE)
    login = client.post(
        "/api/v1/auth/token",
        data={"username": body["username"], "password": body["initial_password"]},
    )
    assert login.status_code == 200
    token = {"Authorization": f"Bearer {login.json()['access_token']}"}
    me = client.get(f"{URL}/me", headers=token).json()
    assert (me["name"], me["masked"]) == (PLANTED_NAME, False)
    again = create(client, school_user)
    assert (again.status_code, again.json()["error"]["message"]) == (409, "本校已有该学号的学生")
    entry = session.exec(
        select(AuditLog).where(col(AuditLog.entity) == "student", col(AuditLog.action) == "create")
    ).one()
    assert not leaks(str(entry.after), [PLANTED_NAME, PLANTED_PHONE])


def test_an_unresolved_major_is_422_with_candidates(client: TestClient, session: Session) -> None:
    school_user = make_user(session, Role.school, make_school(session))
    response = create(client, school_user, major="护")
    assert response.status_code == 422
    detail = response.json()["error"]["details"][0]
    assert detail["field"] == "major"
    assert isinstance(detail["candidates"], list)
    assert session.exec(select(Student)).all() == []


def test_password_change(client: TestClient, session: Session) -> None:
    school_user = make_user(session, Role.school, make_school(session))
    created = create(client, school_user).json()
    login = client.post(
        "/api/v1/auth/token",
        data={"username": created["username"], "password": created["initial_password"]},
    ).json()
    headers = {"Authorization": f"Bearer {login['access_token']}"}
    wrong = client.post(
        "/api/v1/auth/password",
        json={"old_password": "nope-nope", "new_password": "a-new-secret-1"},
        headers=headers,
    )
    assert (wrong.status_code, wrong.json()["error"]["message"]) == (422, "当前密码不正确")
    short = client.post(
        "/api/v1/auth/password",
        json={"old_password": created["initial_password"], "new_password": "short"},
        headers=headers,
    )
    assert short.status_code == 422
    done = client.post(
        "/api/v1/auth/password",
        json={"old_password": created["initial_password"], "new_password": "a-new-secret-1"},
        headers=headers,
    )
    assert done.status_code == 204
    old = client.post(
        "/api/v1/auth/token",
        data={"username": created["username"], "password": created["initial_password"]},
    )
    new = client.post(
        "/api/v1/auth/token",
        data={"username": created["username"], "password": "a-new-secret-1"},
    )
    assert (old.status_code, new.status_code) == (401, 200)


def test_the_student_edits_its_profile(client: TestClient, session: Session) -> None:
    school = make_school(session)
    _, user = make_student_account(session, school)
    response = client.patch(
        f"{URL}/me",
        json={
            "certificates": ["老年照护（中级）"],
            "preferred_kinds": ["internship", "job"],
            "preferred_regions": ["500106"],
            "introduction": "你好",
        },
        headers=auth_headers(user),
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["certificates"], body["preferred_kinds"], body["introduction"]) == (
        ["老年照护（中级）"],
        ["internship", "job"],
        "你好",
    )
    bad = client.patch(
        f"{URL}/me", json={"preferred_regions": ["999999"]}, headers=auth_headers(user)
    )
    assert (bad.status_code, bad.json()["error"]["details"][0]["message"]) == (
        422,
        "行政区划代码不存在：999999",
    )


def test_a_school_reads_and_edits_only_its_own(client: TestClient, session: Session) -> None:
    school, other = make_school(session), make_school(session)
    student, _ = make_student_account(session, school, PLANTED_NAME, PLANTED_PHONE)
    make_student_account(session, school)
    make_student_account(session, other)
    own = make_user(session, Role.school, school)
    foreign = make_user(session, Role.school, other)
    listed = client.get(URL, headers=auth_headers(own)).json()
    assert listed["count"] == 2
    assert client.get(f"{URL}/{student.id}", headers=auth_headers(foreign)).status_code == 404
    assert (
        client.patch(
            f"{URL}/{student.id}", json={"name": "改"}, headers=auth_headers(foreign)
        ).status_code
        == 404
    )
    edited = client.patch(
        f"{URL}/{student.id}",
        json={"name": "欧阳娜", "graduation_year": 2028},
        headers=auth_headers(own),
    )
    assert (edited.json()["name"], edited.json()["graduation_year"]) == ("欧阳娜", 2028)
    regulator = client.get(URL, headers=auth_headers(make_user(session, Role.regulator))).json()
    assert regulator["count"] == 3
    assert all(row["masked"] for row in regulator["data"])
    assert (
        client.get(URL, headers=auth_headers(make_enterprise_user(session)[1])).status_code == 403
    )


def test_every_route_masks_the_planted_data_for_non_owners(
    client: TestClient, session: Session
) -> None:
    school = make_school(session)
    student, student_user = make_student_account(session, school, PLANTED_NAME, PLANTED_PHONE)
    enterprise, enterprise_user = make_enterprise_user(session)
    position = make_position(session, enterprise, [MAJOR])
    application = client.post(
        "/api/v1/applications",
        json={"position_id": str(position.id)},
        headers=auth_headers(student_user),
    ).json()
    other_school = make_school(session)
    viewers = {
        "anonymous": {},
        "other_school": auth_headers(make_user(session, Role.school, other_school)),
        "other_student": auth_headers(make_student_account(session, other_school)[1]),
        "other_enterprise": auth_headers(make_enterprise_user(session)[1]),
        "applied_enterprise": auth_headers(enterprise_user),
        "regulator": auth_headers(make_user(session, Role.regulator)),
        "admin": auth_headers(make_user(session, Role.admin)),
    }
    ids = {
        "student_id": str(student.id),
        "application_id": application["id"],
        "position_id": str(position.id),
        "organization_id": str(school.id),
        "code": school.code,
        "kind": "students",
        "action": "withdraw",
    }
    allowed = {
        ("applied_enterprise", "/api/v1/applications"),
        ("applied_enterprise", "/api/v1/applications/{application_id}"),
    }
    # Every method: writes by non-owners (refused, or with an empty body invalid) are scanned too.
    methods = ("GET", "POST", "PUT", "PATCH", "DELETE")
    report = scan_routes(client, viewers, ids, allowed=allowed, methods=methods)
    assert report.leaks == []
    assert report.skipped == 3  # GET and POST /applications, GET /applications/{id}
    assert report.requests == len(viewers) * scanned_operations(client, methods) - 3
    # The enterprise's allowed views do carry the data (so the scan can see it when it is there).
    inside = client.get("/api/v1/applications", headers=viewers["applied_enterprise"])
    assert leaks(inside.text, [PLANTED_NAME, PLANTED_PHONE]) == [PLANTED_NAME, PLANTED_PHONE]
    export = client.get("/api/v1/exports/students", headers=viewers["regulator"])
    assert export.status_code == 200
    assert "欧***" in export.text
    assert "139****5678" in export.text


@pytest.mark.parametrize(
    ("column", "message"),
    [
        ("name", "内容为脱敏值（含*），请填写真实信息或留空该列"),
        ("phone", "手机号格式不正确（应为7–20位数字）"),
    ],
)
def test_a_masked_value_is_never_imported(
    client: TestClient, session: Session, column: str, message: str
) -> None:
    school = make_school(session)
    values = {"name": "张三", "phone": "13800001111"}
    values[column] = "张*" if column == "name" else "138****1111"
    csv = (
        "school_code,student_no,name,phone,major_code,graduation_year\n"
        f"{school.code},S1,{values['name']},{values['phone']},{MAJOR},2027\n"
    ).encode()
    response = client.post(
        "/api/v1/imports/students",
        files={"file": ("students.csv", csv, "text/csv")},
        headers=auth_headers(make_user(session, Role.regulator)),
    )
    assert response.status_code == 422
    detail = response.json()["error"]["details"][0]
    assert (detail["column"], detail["message"]) == (column, message)


def test_the_import_opens_accounts_and_returns_the_passwords_once(
    client: TestClient, session: Session
) -> None:
    school = make_school(session)
    csv = (
        "学校标识码,学号,姓名,手机号,专业代码,毕业年份\n"
        f"{school.code},A1,张三,13800001111,{MAJOR},2027\n"
        f"{school.code},A2,李四,,{MAJOR},2027\n"
    ).encode()
    headers = auth_headers(make_user(session, Role.school, school))

    def upload() -> Any:
        files = {"file": ("students.csv", csv, "text/csv")}
        return client.post("/api/v1/imports/students", files=files, headers=headers).json()

    first = upload()
    assert [(p["username"], len(p["initial_password"])) for p in first["initial_passwords"]] == [
        (f"{school.code}-A1", 12),
        (f"{school.code}-A2", 12),
    ]
    login = client.post(
        "/api/v1/auth/token",
        data={
            "username": f"{school.code}-A1",
            "password": first["initial_passwords"][0]["initial_password"],
        },
    )
    assert login.status_code == 200
    assert upload()["initial_passwords"] == []
