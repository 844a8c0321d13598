"""Pages of issue 26: the header's unread badge and /notifications, favourites and saved searches,
忘记密码, the school's and the regulator's password resets shown once."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models import Favorite, OrganizationKind, Role, SavedSearch, User
from service import notifications
from service.auth.security import verify_password
from tests.factories import (
    make_enterprise,
    make_organization,
    make_position,
    make_school,
    make_student,
    make_user,
)
from tests.service.pages.helpers import post_form, sign_in


def test_the_badge_counts_unread_and_marking_read_clears_it(
    client: TestClient, session: Session
) -> None:
    school = make_school(session)
    user = make_user(session, Role.student, school, username="stu-notices")
    for title in ("第一条", "第二条"):
        notifications.notify(
            session,
            user_ids=[user.id],
            kind=notifications.NotificationKind.application_offered,
            title=title,
            link="/me#applications",
        )
    session.flush()
    sign_in(client, "stu-notices")
    page = client.get("/positions").text
    assert '<span class="badge unread" aria-label="2 条未读">2</span>' in page
    listed = client.get("/notifications").text
    assert "第一条" in listed
    assert "第二条" in listed
    notice_id = re.findall(r'action="/notifications/([0-9a-f-]{36})/read"', listed)[0]
    followed = post_form(
        client, "/notifications", f"/notifications/{notice_id}/read", {"follow": "1"}
    )
    assert (followed.status_code, followed.headers["location"]) == (303, "/me#applications")
    assert 'aria-label="1 条未读"' in client.get("/notifications").text
    done = post_form(client, "/notifications", "/notifications/read-all", {})
    assert done.status_code == 303
    assert "条未读" not in client.get("/notifications").text
    bad = post_form(client, "/notifications", "/notifications/preferences", {"email": "不是邮箱"})
    assert bad.status_code == 422
    assert "请填写有效的电子邮箱地址" in bad.text


def test_a_student_keeps_a_position_and_a_search(client: TestClient, session: Session) -> None:
    school = make_school(session)
    user = make_user(session, Role.student, school, username="stu-keeps")
    position = make_position(session, make_enterprise(session), title="数控车工")
    sign_in(client, "stu-keeps")
    page = f"/positions/{position.id}"
    assert ">收藏</button>" in client.get(page).text
    kept = post_form(client, page, f"/me/favorites/{position.id}", {})
    assert kept.status_code == 303
    assert "已收藏" in client.get(page).text
    assert "数控车工" in client.get("/me/favorites").text
    assert session.get(Favorite, (user.id, position.id)) is not None
    hall = "/positions?q=%E6%95%B0%E6%8E%A7"
    assert "保存此搜索" in client.get(hall).text
    saved = post_form(client, hall, "/me/saved-searches", {"name": "数控", "q": "数控"})
    assert (saved.status_code, saved.headers["location"]) == (303, "/me/saved-searches?saved=1")
    row = session.exec(select(SavedSearch).where(SavedSearch.user_id == user.id)).one()
    assert row.params == {"q": "数控"}
    assert 'href="/positions?q=%E6%95%B0%E6%8E%A7"' in client.get("/me/saved-searches").text


def test_forgot_password_answers_the_same_for_anyone(client: TestClient) -> None:
    assert "忘记密码？" in client.get("/login").text
    answer = post_form(client, "/password-reset", "/password-reset", {"username": "nobody"})
    assert answer.status_code == 200
    assert "如果该账户存在并登记了电子邮箱" in answer.text
    form = client.get("/password-reset?token=abc").text
    assert 'name="new_password"' in form
    refused = post_form(
        client,
        "/password-reset?token=abc",
        "/password-reset/confirm",
        {"token": "abc", "new_password": "Lantern-Harbor-42"},
    )
    assert refused.status_code == 422
    assert "重置链接无效" in refused.text


def _slip_password(html: str) -> str:
    match = re.search(r'id="new-password">([^<]+)<', html)
    assert match is not None
    return match.group(1)


def test_the_school_and_the_regulator_reset_and_see_the_password_once(
    client: TestClient, session: Session
) -> None:
    school = make_school(session)
    make_user(session, Role.school, school, username="sch-reset")
    pupil = make_user(session, Role.student, school)
    student = make_student(session, school, "460104", name="张三", user_id=pupil.id)
    sign_in(client, "sch-reset")
    assert f"/school/students/{student.id}/password-reset" in client.get("/school/students").text
    slip = post_form(client, "/school", f"/school/students/{student.id}/password-reset", {})
    assert slip.status_code == 200
    session.refresh(pupil)
    assert verify_password(_slip_password(slip.text), pupil.password_hash)

    client.cookies.clear()
    government = make_organization(session, OrganizationKind.government, region_code="500000")
    make_user(session, Role.regulator, government, username="reg-reset")
    enterprise = make_enterprise(session, region_code="500106")
    staff = make_user(session, Role.enterprise, enterprise)
    sign_in(client, "reg-reset")
    page = "/regulator/organizations?status=verified"
    slip = post_form(
        client,
        page,
        f"/regulator/organizations/{enterprise.id}/password-reset",
        {"username": staff.username},
    )
    assert slip.status_code == 200
    refreshed = session.get(User, staff.id)
    assert refreshed is not None
    session.refresh(refreshed)
    assert verify_password(_slip_password(slip.text), refreshed.password_hash)
