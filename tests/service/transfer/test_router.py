from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, col, select

from models import AuditLog, Organization, OrganizationKind, Position, Role, User
from service.settings import settings
from service.transfer.readers import read_file
from tests.factories import auth_headers, import_file_bytes, make_organization, make_user

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "transfer"
E1, E2 = "91500106000000038W", "91500112000000039M"
S1, S2 = "4150000101", "4150000102"


def fixture(name: str) -> bytes:
    return (FIXTURES / f"{name}.csv").read_bytes()


def upload(
    client: TestClient, user: User | None, kind: str, data: bytes, **params: str
) -> tuple[int, dict[str, Any]]:
    response = client.post(
        f"/api/v1/imports/{kind}",
        files={"file": (f"{kind}.csv", data, "text/csv")},
        headers=auth_headers(user) if user is not None else {},
        params=params,
    )
    return response.status_code, response.json()


def member(session: Session, role: Role, code: str) -> User:
    organization = session.exec(select(Organization).where(col(Organization.code) == code)).one()
    return make_user(session, role, organization)


@pytest.fixture
def regulator(session: Session) -> User:
    return make_user(session, Role.regulator)


@pytest.fixture
def loaded(client: TestClient, regulator: User) -> None:
    """The organisations of the fixture files, loaded by a regulator."""
    assert upload(client, regulator, "organizations", fixture("organizations"))[0] == 200


def test_a_regulator_uploads_organisations(
    client: TestClient, session: Session, regulator: User
) -> None:
    status, body = upload(client, regulator, "organizations", fixture("organizations"))
    assert (status, body) == (
        200,
        {
            "kind": "organizations",
            "rows": 6,
            "inserted": 6,
            "updated": 0,
            "unchanged": 0,
            "dry_run": False,
            "initial_passwords": [],
        },
    )
    entry = session.exec(select(AuditLog).where(col(AuditLog.action) == "import")).one()
    assert (entry.actor_id, entry.actor) == (regulator.id, regulator.username)
    status, body = upload(client, regulator, "organizations", fixture("organizations"))
    assert (status, body["unchanged"], body["inserted"]) == (200, 6, 0)


def test_dry_run_over_the_api(client: TestClient, session: Session, regulator: User) -> None:
    status, body = upload(
        client, regulator, "organizations", fixture("organizations"), dry_run="true"
    )
    assert (status, body["inserted"], body["dry_run"]) == (200, 6, True)
    count = session.execute(
        select(func.count()).select_from(Organization).where(col(Organization.code) == E1)
    ).scalar_one()
    assert count == 0


@pytest.mark.usefixtures("loaded")
def test_bad_rows_answer_422_with_every_problem(
    client: TestClient, session: Session, regulator: User
) -> None:
    status, body = upload(client, regulator, "positions", fixture("positions_one_bad_row"))
    assert status == 422
    assert body["error"]["code"] == "import_invalid"
    assert body["error"]["message"] == "导入失败：1行数据有误（共1处问题），未写入任何数据"
    [detail] = body["error"]["details"]
    assert {key: detail[key] for key in ("row", "column", "label", "value")} == {
        "row": 4,
        "column": "major_codes",
        "label": "专业要求",
        "value": "计算机",
    }
    assert [c["code"] for c in detail["candidates"]] == ["310201", "510201", "710201"]
    assert session.execute(select(func.count()).select_from(Position)).scalar_one() == 0


@pytest.mark.usefixtures("loaded")
def test_an_enterprise_imports_only_its_own_positions(client: TestClient, session: Session) -> None:
    user = member(session, Role.enterprise, E2)
    status, body = upload(client, user, "positions", fixture("positions"))
    assert status == 422
    assert [(d["row"], d["column"], d["message"]) for d in body["error"]["details"]] == [
        (row, "enterprise_code", f"只能导入本机构（{E2}）的数据") for row in (2, 3, 4)
    ]
    sheet = read_file(fixture("positions"))
    own = import_file_bytes(sheet.headers, [cells for _, cells in sheet.rows if cells[0] == E2])
    status, body = upload(client, user, "positions", own)
    assert (status, body["inserted"]) == (200, 2)


@pytest.mark.usefixtures("loaded")
def test_a_school_imports_its_own_cohorts(client: TestClient, session: Session) -> None:
    user = member(session, Role.school, S2)
    headers = ["学校标识码", "专业代码", "毕业年份", "毕业生数", "去向落实人数", "对口就业人数"]
    own = import_file_bytes(headers, [[S2, "720201", "2024", "40", "38", "35"]])
    # Only a major the school runs (issue 24 point 8): 422 naming the row and the column.
    status, body = upload(client, user, "cohorts", own)
    assert status == 422
    assert [(d["row"], d["column"], d["message"]) for d in body["error"]["details"]] == [
        (2, "major_code", f"学校{S2}未开设专业720201，不能填报该专业的毕业生；请先录入专业开设")
    ]
    plan = import_file_bytes(
        ["学校标识码", "专业代码", "年份", "招生计划数"], [[S2, "720201", "2021", "45"]]
    )
    assert upload(client, user, "programmes", plan)[0] == 200
    status, body = upload(client, user, "cohorts", own)
    assert (status, body["inserted"]) == (200, 1)
    other = import_file_bytes(headers, [[S1, "510203", "2024", "40", "38", "35"]])
    status, body = upload(client, user, "cohorts", other)
    assert status == 422
    assert body["error"]["details"][0]["message"] == f"只能导入本机构（{S2}）的数据"


@pytest.mark.usefixtures("loaded")
@pytest.mark.parametrize(
    ("role", "code", "kind"),
    [
        (Role.enterprise, E1, "organizations"),
        (Role.enterprise, E1, "cohorts"),
        (Role.school, S1, "positions"),
        (Role.school, S1, "demand"),
    ],
)
def test_members_are_refused_other_kinds(
    client: TestClient, session: Session, role: Role, code: str, kind: str
) -> None:
    user = member(session, role, code)
    status, body = upload(client, user, kind, fixture(kind))
    assert (status, body["error"]["code"]) == (403, "forbidden")
    response = client.get(f"/api/v1/exports/{kind}", headers=auth_headers(user))
    assert response.status_code == 403


def test_students_and_anonymous_callers_are_refused(client: TestClient, session: Session) -> None:
    student = make_user(session, Role.student)
    assert upload(client, student, "students", fixture("students"))[0] == 403
    assert upload(client, None, "students", fixture("students"))[0] == 401


def test_an_upload_over_the_limit_is_413(
    client: TestClient, regulator: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "import_max_bytes", 100)
    status, body = upload(client, regulator, "organizations", fixture("organizations"))
    assert (status, body["error"]["code"]) == (413, "too_large")
    assert body["error"]["message"] == "文件超过100字节的上限，请拆分后分批导入"


def test_an_unreadable_file_is_422(client: TestClient, regulator: User) -> None:
    status, body = upload(client, regulator, "organizations", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    assert (status, body["error"]["code"]) == (422, "import_unreadable")


def test_an_unknown_kind_is_422(client: TestClient, regulator: User) -> None:
    status, body = upload(client, regulator, "schools", fixture("organizations"))
    assert (status, body["error"]["code"]) == (422, "validation_error")


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_templates_download(client: TestClient, file_format: str) -> None:
    response = client.get(f"/api/v1/imports/cohorts/template?format={file_format}")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == (
        f'attachment; filename="cohorts-template.{file_format}"'
    )
    sheet = read_file(response.content)
    assert sheet.headers == [
        "学校标识码",
        "专业代码",
        "专业名称",
        "毕业年份",
        "毕业生数",
        "去向落实人数",
        "对口就业人数",
        "升学人数",
        "平均月薪",
    ]
    assert sheet.rows == [
        (2, ["4150000001", "510203", "", "2025", "100", "92", "70", "10", "4800"])
    ]


@pytest.mark.usefixtures("loaded")
def test_exports_are_scoped_to_the_caller(
    client: TestClient, session: Session, regulator: User
) -> None:
    assert upload(client, regulator, "positions", fixture("positions"))[0] == 200
    everything = client.get(
        "/api/v1/exports/positions?format=xlsx", headers=auth_headers(regulator)
    )
    assert everything.status_code == 200
    assert everything.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert len(read_file(everything.content).rows) == 5
    user = member(session, Role.enterprise, E2)
    own = client.get("/api/v1/exports/positions", headers=auth_headers(user))
    assert own.headers["content-type"] == "text/csv; charset=utf-8"
    assert [cells[1] for _, cells in read_file(own.content).rows] == [
        "Java开发实习生",
        "软件测试工程师",
    ]
    status, body = upload(client, user, "positions", own.content)
    assert (status, body["unchanged"]) == (200, 2)


def test_a_regional_regulator_imports_only_its_regions_rows(
    client: TestClient, session: Session, regulator: User
) -> None:
    """A park's regulator of 500112: the fixture's rows of 500106 refuse the whole file (403)."""
    park = make_organization(session, OrganizationKind.park, region_code="500112")
    regional = make_user(session, Role.regulator, park)
    session.commit()
    status, body = upload(client, regional, "organizations", fixture("organizations"))
    assert status == 403
    outside = [d["row"] for d in body["error"]["details"]]
    assert (
        body["error"]["message"] == f"文件中有{len(outside)}行不在本部门管辖地区内，未导入任何数据"
    )
    assert outside == sorted(outside)
    assert (
        body["error"]["details"][0]["message"] == f"第{outside[0]}行不在本部门管辖地区（500112）内"
    )
    assert session.exec(select(func.count()).select_from(Organization)).one() == 1  # the park
    # The national regulator loads the same file.
    assert upload(client, regulator, "organizations", fixture("organizations"))[0] == 200
