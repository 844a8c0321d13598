"""注册: the public registration page — pending review, the code checks beside their fields,
CSRF and the throttle like the sign-in form."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models import Organization, OrganizationStatus, User
from tests.factories import make_uscc
from tests.service.pages.helpers import csrf_of, post_form

FORM = {
    "kind": "enterprise",
    "name": "重庆两江智造有限公司",
    "org_region_province": "500000",
    "org_region_city": "500100",
    "org_region_county": "500112",
    "industry_code": "34",
    "staff_count": "120",
    "username": "liangjiang_hr",
    "password": "Liangjiang-2026-hr",
    "password_again": "Liangjiang-2026-hr",
}


def test_an_enterprise_registers_and_is_told_it_waits_for_review(
    client: TestClient, session: Session
) -> None:
    code = make_uscc("500112")
    page = client.get("/register")
    assert page.status_code == 200
    assert '<option value="500000">重庆市</option>' in page.text

    answer = post_form(client, "/register", "/register", {**FORM, "code": code})

    assert answer.status_code == 200
    assert "已提交企业“重庆两江智造有限公司”（重庆市渝北区）的注册申请，状态：" in answer.text
    assert '<span class="badge">待审核</span>' in answer.text
    organization = session.exec(select(Organization).where(Organization.code == code)).one()
    assert (organization.status, organization.region_code) == (
        OrganizationStatus.pending,
        "500112",
    )
    assert session.exec(select(User).where(User.username == "liangjiang_hr")).one()


def test_a_wrong_check_digit_and_a_weak_password_are_shown_by_their_fields(
    client: TestClient, session: Session
) -> None:
    code = make_uscc("500112")
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")

    answer = post_form(
        client,
        "/register",
        "/register",
        {**FORM, "code": wrong, "password": "123", "password_again": "1234"},
    )

    assert answer.status_code == 422
    assert 'id="code-error"' in answer.text
    assert "校验" in answer.text
    assert 'id="password-error"' in answer.text
    assert (
        '<p class="field-error" id="password_again-error" role="alert">两次输入的密码不一致</p>'
        in (answer.text)
    )
    assert session.exec(select(Organization).where(Organization.code == wrong)).first() is None


def test_a_school_without_a_region_is_asked_for_one(client: TestClient) -> None:
    answer = post_form(
        client,
        "/register",
        "/register",
        {
            "kind": "school",
            "name": "重庆两江职业学院",
            "code": "4150099999",
            "level": "高职专科",
            "username": "lj_school",
            "password": "Liangjiang-2026-sc",
            "password_again": "Liangjiang-2026-sc",
        },
    )

    assert answer.status_code == 422
    assert "请选择所在地（省、市、区县）" in answer.text


def test_registration_needs_the_pages_csrf_token(client: TestClient) -> None:
    client.get("/register")
    refused = client.post("/register", data={**FORM, "csrf_token": "0" * 64})
    assert refused.status_code == 403
    assert "页面已过期" in refused.text
    assert csrf_of(client.get("/register").text)


def test_the_sixth_registration_in_an_hour_from_one_address_is_refused(
    client: TestClient, session: Session
) -> None:
    for _ in range(5):
        assert post_form(client, "/register", "/register", FORM).status_code == 422
    refused = post_form(client, "/register", "/register", {**FORM, "code": make_uscc("500112")})

    assert refused.status_code == 429
    assert "尝试次数过多，请60分钟后再试" in refused.text
    assert session.exec(select(User).where(User.username == "liangjiang_hr")).first() is None
