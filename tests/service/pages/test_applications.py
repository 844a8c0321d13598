"""Applications on the pages: a student applies with consent, the enterprise offers or rejects,
the student accepts, declines or withdraws — the API's operations and rules."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models import Application, ApplicationStatus, Role
from tests.factories import make_enterprise, make_position, make_school, make_student, make_user
from tests.service.pages.helpers import post_form, sign_in

NURSING = "520201"
ENTERPRISE, TITLE = "重庆护联医院", "护理学徒"


def world(session: Session):
    enterprise = make_enterprise(session, name=ENTERPRISE)
    position = make_position(session, enterprise, [NURSING], title=TITLE)
    make_user(session, Role.enterprise, enterprise, username="hosp")
    school = make_school(session)
    user = make_user(session, Role.student, school, username="stu")
    make_student(session, school, NURSING, name="李小红", phone="13900001111", user_id=user.id)
    return position


def status_of(session: Session) -> ApplicationStatus:
    application = session.exec(select(Application)).one()
    session.refresh(application)
    return ApplicationStatus(application.status)


def test_applying_needs_consent_and_then_shows_on_both_sides(
    client: TestClient, session: Session
) -> None:
    position = world(session)
    sign_in(client, "stu")
    page = f"/positions/{position.id}"

    refused = post_form(client, page, f"{page}/apply", {"message": "你好"})
    applied = post_form(client, page, f"{page}/apply", {"message": "你好", "consent": "yes"})
    again = post_form(client, page, f"{page}/apply", {"message": "再投", "consent": "yes"})

    assert refused.status_code == 422
    assert 'id="consent-error" role="alert">申请须同意向该企业提供您的姓名和手机号</p>' in (
        refused.text
    )
    assert applied.status_code == 303
    application = session.exec(select(Application)).one()
    assert (
        applied.headers["location"] == f"/me?done=apply&application={application.id}#applications"
    )
    told = client.get(applied.headers["location"]).text
    assert f"已投递申请：{ENTERPRISE}的“{TITLE}”。企业审核后会在这里更新状态" in told
    assert "已处理" not in told
    assert again.status_code == 409
    assert "已投递过该岗位，不能重复投递" in again.text
    assert "您已申请此岗位，当前状态：<strong>已投递</strong>" in client.get(page).text
    mine = client.get("/me").text
    assert '<span class="badge app-submitted">已投递</span>' in mine
    assert "撤回申请" in mine

    client.cookies.clear()
    sign_in(client, "hosp")
    received = client.get("/enterprise/applications").text
    assert "李小红" in received
    assert "13900001111" in received
    assert "发录用通知" in received


def test_offer_then_accept(client: TestClient, session: Session) -> None:
    position = world(session)
    sign_in(client, "stu")
    post_form(
        client, f"/positions/{position.id}", f"/positions/{position.id}/apply", {"consent": "yes"}
    )
    application = session.exec(select(Application)).one()
    client.cookies.clear()
    sign_in(client, "hosp")

    offered = post_form(
        client, "/enterprise/applications", f"/enterprise/applications/{application.id}/offer", {}
    )
    not_for_enterprises = post_form(
        client, "/enterprise/applications", f"/enterprise/applications/{application.id}/accept", {}
    )

    assert offered.status_code == 303
    assert status_of(session) == ApplicationStatus.offered
    told = client.get(offered.headers["location"]).text
    assert f"已发录用通知：李小红申请的“{TITLE}”。等待学生接受或婉拒" in told
    assert not_for_enterprises.status_code == 422
    client.cookies.clear()
    sign_in(client, "stu")
    accepted = post_form(client, "/me", f"/me/applications/{application.id}/accept", {})
    assert accepted.status_code == 303
    assert status_of(session) == ApplicationStatus.accepted
    told = client.get(accepted.headers["location"]).text
    assert f"已接受录用：{ENTERPRISE}的“{TITLE}”。请按岗位的到岗日期" in told


def test_a_student_withdraws(client: TestClient, session: Session) -> None:
    position = world(session)
    sign_in(client, "stu")
    post_form(
        client, f"/positions/{position.id}", f"/positions/{position.id}/apply", {"consent": "yes"}
    )
    application = session.exec(select(Application)).one()

    response = post_form(client, "/me", f"/me/applications/{application.id}/withdraw", {})

    assert response.status_code == 303
    assert status_of(session) == ApplicationStatus.withdrawn


def test_the_profile_is_edited_with_errors_by_the_field(
    client: TestClient, session: Session
) -> None:
    world(session)
    sign_in(client, "stu")
    form = {
        "phone": "12345",
        "skills": "基础护理、急救",
        "certificates": "",
        "preferred_regions": "500106",
        "introduction": "热爱护理",
        "preferred_kinds": "internship",
    }

    bad = post_form(client, "/me", "/me/profile", form)
    good = post_form(client, "/me", "/me/profile", {**form, "phone": "13900002222"})

    assert bad.status_code == 422
    assert 'id="phone-error" role="alert">' in bad.text
    assert good.status_code == 303
    page = client.get("/me").text
    assert 'value="13900002222"' in page
    assert 'value="基础护理、急救"' in page
    assert 'value="internship" checked' in page
