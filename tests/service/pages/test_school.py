"""学校 pages: uploads with the import's row errors, cohort entry, the school's warnings."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models import Cohort, Role
from tests.factories import make_programme, make_school, make_student, make_user
from tests.service.pages.helpers import csrf_of, post_form, sign_in
from tests.service.reports.helpers import PLAIN, region_with

HEADER = "学校标识码,专业代码,专业名称,毕业年份,毕业生数,去向落实人数,对口就业人数\n"


def signed_in_school(client: TestClient, session: Session):
    school = make_school(session, name="重庆测试职业学院")
    make_programme(session, school, "510203", 2022)  # cohorts only of majors the school runs
    make_user(session, Role.school, school, username="sch1")
    sign_in(client, "sch1")
    return school


def upload(client: TestClient, kind: str, name: str, content: bytes):
    token = csrf_of(client.get("/school/imports").text)
    return client.post(
        "/school/imports",
        data={"kind": kind, "csrf_token": token},
        files={"file": (name, content, "text/csv")},
    )


def test_an_upload_with_one_bad_row_lists_it_and_writes_nothing(
    client: TestClient, session: Session
) -> None:
    school = signed_in_school(client, session)
    content = (
        HEADER
        + f"{school.code},510203,,2025,100,92,70\n"
        + f"{school.code},,火星种植,2025,80,75,60\n"
    ).encode()

    response = upload(client, "cohorts", "cohorts.csv", content)

    assert response.status_code == 422
    table = response.text.split('<table class="problems">')[1].split("</table>")[0]
    assert '<td class="n">第 3 行</td>' in table
    assert "<td>火星种植</td>" in table
    assert "<td>专业目录（高职专科）中没有与“火星种植”相近的专业，请填写专业代码</td>" in table
    assert session.exec(select(Cohort)).all() == []


def test_a_good_upload_reports_what_it_wrote(client: TestClient, session: Session) -> None:
    school = signed_in_school(client, session)
    content = (HEADER + f"{school.code},510203,,2025,100,92,70\n").encode()

    response = upload(client, "cohorts", "cohorts.csv", content)

    assert response.status_code == 200
    assert "已导入毕业生去向，共 1 行：新增 1 行，更新 0 行，未变 0 行。" in response.text
    assert [(c.major_code, c.graduates) for c in session.exec(select(Cohort))] == [("510203", 100)]


def test_an_upload_without_a_file_says_so_by_the_file_input(
    client: TestClient, session: Session
) -> None:
    signed_in_school(client, session)
    token = csrf_of(client.get("/school/imports").text)

    response = client.post("/school/imports", data={"kind": "cohorts", "csrf_token": token})

    assert response.status_code == 422
    assert 'id="file-error" role="alert">请选择CSV或XLSX文件</p>' in response.text


def test_a_cohort_is_entered_with_the_import_checks(client: TestClient, session: Session) -> None:
    signed_in_school(client, session)
    cohort = {
        "major_code": "510203",
        "graduation_year": "2025",
        "graduates": "50",
        "placed": "45",
        "in_field": "40",
    }

    bad = post_form(client, "/school/cohorts", "/school/cohorts", {**cohort, "placed": "很多"})
    good = post_form(client, "/school/cohorts", "/school/cohorts", cohort)

    assert bad.status_code == 422
    assert 'id="placed-error" role="alert">' in bad.text
    assert good.status_code == 303
    assert good.headers["location"] == "/school/cohorts?saved=cohort&major=510203&year=2025"
    saved = session.exec(select(Cohort)).one()
    assert (saved.graduates, saved.placed, saved.in_field) == (50, 45, 40)


def test_the_school_sees_its_majors_warnings_with_reasons(
    client: TestClient, session: Session
) -> None:
    (school,) = region_with(session, PLAIN, {2024: (100, 55), 2025: (100, 50)}, {2025: 80})
    make_user(session, Role.school, school, username="sch2")
    sign_in(client, "sch2")

    page = client.get("/school").text

    assert "林业技术" in page
    assert '<span class="badge a-merge_or_close">撤并</span>' in page
    assert "毕业去向落实率" in page


def test_the_school_lists_its_students(client: TestClient, session: Session) -> None:
    school = signed_in_school(client, session)
    make_student(session, school, "510203", student_no="2025001", name="赵一")
    make_student(session, make_school(session), "510203", student_no="9999", name="别校学生")

    page = client.get("/school/students").text

    assert "本校学生（1）" in page
    assert "<td>2025001</td><td>赵一</td>" in page
    assert "别校学生" not in page


def test_the_school_opts_in_to_outcomes_on_its_page(client: TestClient, session: Session) -> None:
    school = signed_in_school(client, session)
    before = client.get("/school").text
    assert "毕业去向核对（平台录用数据）" in before
    assert "开启核对" in before
    response = post_form(client, "/school", "/school/outcomes", {"opted_in": "1"})
    assert response.status_code == 303
    assert response.headers["location"] == "/school?saved=outcomes"
    session.refresh(school)
    assert school.outcomes_opt_in is True
    after = client.get("/school?saved=outcomes").text
    assert "毕业去向核对已开启。" in after
    assert "关闭核对" in after
