"""Pages of issue 26: the organiser creates a fair, approves a booth, checks a student in and
reads the figures; the enterprise books; the student signs up and applies from the fair page;
interviews and messages on the application page; the public enterprise page."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models import Application, Interview, JobFair, JobFairBooth, JobFairRegistration, Role
from tests.factories import make_enterprise, make_position, make_school, make_student, make_user
from tests.service.pages.helpers import post_form, sign_in

NURSING = "520201"


def test_fair_interview_and_messages_through_the_pages(
    client: TestClient, session: Session
) -> None:
    enterprise = make_enterprise(session, name="重庆护联医院")
    position = make_position(session, enterprise, [NURSING], title="护理学徒")
    make_user(session, Role.enterprise, enterprise, username="hosp")
    school = make_school(session)
    make_user(session, Role.school, school, username="sch")
    user = make_user(session, Role.student, school, username="stu")
    make_student(session, school, NURSING, name="李小红", phone="13900001111", user_id=user.id)
    session.commit()

    sign_in(client, "sch")
    created = post_form(
        client,
        "/fairs",
        "/fairs",
        {
            "title": "春季双选会",
            "starts_at": "2099-03-01T09:00",
            "ends_at": "2099-03-01T16:00",
            "venue": "体育馆",
            "region_code": "500106",
            "capacity": "100",
        },
    )
    assert created.status_code == 303, created.text
    fair = session.exec(select(JobFair)).one()
    page = f"/fairs/{fair.id}"

    sign_in(client, "hosp")
    booked = post_form(client, page, f"{page}/booths", {"position_ids": str(position.id)})
    assert booked.status_code == 303, booked.text
    booth = session.exec(select(JobFairBooth)).one()

    sign_in(client, "sch")
    approved = post_form(client, page, f"{page}/booths/{booth.id}/approve", {})
    assert approved.status_code == 303

    sign_in(client, "stu")
    assert post_form(client, page, f"{page}/register", {}).status_code == 303
    refused = post_form(client, page, f"{page}/apply/{position.id}", {})
    assert refused.status_code == 422
    assert "申请须同意向该企业提供您的姓名和手机号" in refused.text
    applied = post_form(client, page, f"{page}/apply/{position.id}", {"consent": "yes"})
    assert applied.status_code == 303
    application = session.exec(select(Application)).one()
    assert application.job_fair_id == fair.id

    sign_in(client, "hosp")
    app_page = f"/applications/{application.id}"
    proposed = post_form(
        client,
        app_page,
        f"{app_page}/interviews",
        {"starts_at": "2099-03-02T10:00", "duration_minutes": "30", "place": "门诊楼3楼"},
    )
    assert proposed.status_code == 303, proposed.text
    screened = post_form(client, app_page, f"{app_page}/messages", {"body": "请交押金200元"})
    assert screened.status_code == 422
    assert "违规收费" in screened.text
    assert (
        post_form(client, app_page, f"{app_page}/messages", {"body": "请准时到"}).status_code == 303
    )

    sign_in(client, "stu")
    interview = session.exec(select(Interview)).one()
    shown = client.get(app_page).text
    assert "2099-03-02 10:00" in shown
    assert "请准时到" in shown
    confirmed = post_form(client, app_page, f"/interviews/{interview.id}/confirm", {})
    assert confirmed.status_code == 303
    assert "已确认" in client.get(app_page).text

    sign_in(client, "sch")
    fair_page = client.get(page).text
    assert "经由本场的申请" in fair_page
    assert "李小红" in fair_page  # its own student's name at the door
    registration = session.exec(select(JobFairRegistration)).one()
    checked = post_form(client, page, f"{page}/registrations/{registration.id}/check-in", {})
    assert checked.status_code == 303
    session.refresh(registration)
    assert registration.checked_in_at is not None


def test_public_enterprise_page_needs_no_sign_in(client: TestClient, session: Session) -> None:
    enterprise = make_enterprise(session, name="重庆山城车身")
    position = make_position(session, enterprise, [NURSING], title="焊接学徒")
    session.commit()
    page = client.get(f"/enterprises/{enterprise.code}")
    assert page.status_code == 200
    assert "重庆山城车身" in page.text
    assert "焊接学徒" in page.text
    assert f'href="/enterprises/{enterprise.code}"' in client.get(f"/positions/{position.id}").text
    assert client.get("/enterprises/XXXXXXXXXXXXXXXXXX").status_code == 404
