"""Browser sign-in: the session cookie, CSRF on every form, the API's accounts and roles."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from models import OrganizationStatus, Role
from service.errors import AppError
from service.pages import web
from service.positions import operations as positions
from service.settings import settings
from tests.factories import make_enterprise, make_user
from tests.service.pages.helpers import csrf_of, post_form, sign_in


def test_signing_in_sets_an_http_only_lax_cookie_and_goes_to_the_role_home(
    client: TestClient, session: Session
) -> None:
    enterprise = make_enterprise(session)
    make_user(session, Role.enterprise, enterprise, username="ent1")

    response = sign_in(client, "ent1")

    assert response.status_code == 303
    assert response.headers["location"] == "/enterprise"
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith("chanjiao_session=")
    )
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    max_age = f"max-age={settings.access_token_minutes * 60}"
    assert attributes == {"httponly", max_age, "path=/", "samesite=lax"}
    assert client.get("/enterprise").status_code == 200


def test_cookies_are_secure_outside_demo_and_test(monkeypatch) -> None:
    monkeypatch.setattr(settings, "environment", "production")
    assert web.secure_cookies() is True
    monkeypatch.setattr(settings, "environment", "demo")
    assert web.secure_cookies() is False


def test_a_wrong_password_is_shown_on_the_form_in_chinese(
    client: TestClient, session: Session
) -> None:
    make_user(session, Role.regulator, username="reg1")

    response = sign_in(client, "reg1", "wrong-password")

    assert response.status_code == 401
    assert "用户名或密码错误" in response.text
    assert 'value="reg1"' in response.text
    assert "chanjiao_session" not in response.headers.get("set-cookie", "")


def test_empty_fields_are_flagged_next_to_each_input(client: TestClient) -> None:
    token = csrf_of(client.get("/login").text)

    response = client.post("/login", data={"username": "", "password": "", "csrf_token": token})

    assert response.status_code == 422
    assert '<p class="field-error" id="username-error" role="alert">请输入用户名</p>' in (
        response.text
    )
    assert '<p class="field-error" id="password-error" role="alert">请输入密码</p>' in (
        response.text
    )


def test_a_form_without_its_csrf_token_is_refused(client: TestClient, session: Session) -> None:
    make_user(session, Role.regulator, username="reg2")
    client.get("/login")

    missing = client.post("/login", data={"username": "reg2", "password": "x" * 10})
    forged = client.post(
        "/login", data={"username": "reg2", "password": "x" * 10, "csrf_token": "0" * 64}
    )

    assert (missing.status_code, forged.status_code) == (403, 403)
    assert "页面已过期或请求来源不明" in forged.text


def test_a_token_from_another_browser_is_refused(client: TestClient) -> None:
    other = csrf_of(client.get("/login").text)
    client.cookies.clear()
    client.get("/login")  # this browser gets a nonce of its own

    response = client.post("/login", data={"username": "a", "password": "b", "csrf_token": other})

    assert response.status_code == 403


def test_next_returns_to_local_pages_only(client: TestClient, session: Session) -> None:
    make_user(session, Role.regulator, username="reg3")
    page = client.get("/login?next=/regulator/findings").text
    assert 'name="next" value="/regulator/findings"' in page
    token = csrf_of(page)

    local = client.post(
        "/login",
        data={
            "username": "reg3",
            "password": "correct-horse-9",
            "csrf_token": token,
            "next": "/regulator/findings",
        },
        follow_redirects=False,
    )
    # A token is bound to the sign-in (issue 24): the signed-in browser takes a new one.
    token = csrf_of(client.get("/login").text)
    elsewhere = client.post(
        "/login",
        data={
            "username": "reg3",
            "password": "correct-horse-9",
            "csrf_token": token,
            "next": "//evil.example/x",
        },
        follow_redirects=False,
    )

    assert local.headers["location"] == "/regulator/findings"
    assert elsewhere.headers["location"] == "/regulator"


def test_pages_of_a_role_ask_for_sign_in_then_refuse_other_roles(
    client: TestClient, session: Session
) -> None:
    anonymous = client.get("/regulator/findings?severity=warning", follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == (
        "/login?next=%2Fregulator%2Ffindings%3Fseverity%3Dwarning"
    )

    enterprise = make_enterprise(session)
    make_user(session, Role.enterprise, enterprise, username="ent2")
    sign_in(client, "ent2")
    refused = client.get("/regulator")

    assert refused.status_code == 403
    assert "此页面仅供监管部门、管理员用户使用" in refused.text
    assert refused.headers["content-type"] == "text/html; charset=utf-8"


def test_signing_out_clears_the_cookie(client: TestClient, session: Session) -> None:
    make_user(session, Role.regulator, username="reg4")
    sign_in(client, "reg4")

    response = post_form(client, "/regulator/findings", "/logout", {})

    assert response.status_code == 303
    assert 'chanjiao_session=""' in response.headers["set-cookie"]
    assert client.get("/regulator", follow_redirects=False).status_code == 303


def test_a_suspended_organisation_is_signed_out_at_once(
    client: TestClient, session: Session
) -> None:
    enterprise = make_enterprise(session)
    make_user(session, Role.enterprise, enterprise, username="ent3")
    sign_in(client, "ent3")
    enterprise.status = OrganizationStatus.suspended
    session.add(enterprise)
    session.flush()

    response = client.get("/enterprise")

    # The access token is refused, so is the refresh: both cookies go, then the sign-in page.
    assert [r.status_code for r in response.history] == [307, 303]
    assert (response.status_code, response.url.path) == (200, "/login")
    assert client.cookies.get("chanjiao_refresh") is None


def test_a_saturated_service_answers_pages_with_the_api_503(
    client: TestClient, monkeypatch
) -> None:
    def busy(*_args, **_kwargs):
        raise AppError("服务繁忙，请稍后重试", code="unavailable", status_code=503)

    monkeypatch.setattr(positions, "search_positions", busy)

    response = client.get("/positions")

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "unavailable"


def test_static_assets_are_served_while_the_service_is_saturated() -> None:
    # A full admission queue (no place at all) refuses the API at once but not the page's stylesheet
    # or the offline documentation's scripts: they touch no database.
    from fastapi import FastAPI

    from service.admission import AdmissionMiddleware
    from service.pages import install_pages

    app = FastAPI()
    install_pages(app)
    guarded = AdmissionMiddleware(app, limit=0, wait_s=0.01)

    with TestClient(guarded) as saturated:
        stylesheet = saturated.get("/static/pages/app.css")
        api = saturated.get("/api/v1/positions")

    assert stylesheet.status_code == 200
    assert "text/css" in stylesheet.headers["content-type"]
    assert (api.status_code, api.json()["error"]["code"]) == (503, "overloaded")


def _expire_access(client: TestClient) -> str:
    """What the browser does after 15 minutes: the access cookie is gone; returns the refresh."""
    refresh = client.cookies.get("chanjiao_refresh")
    assert refresh is not None
    client.cookies.delete("chanjiao_session")
    return str(refresh)


def test_an_active_user_stays_signed_in_through_a_rotating_refresh(
    client: TestClient, session: Session
) -> None:
    enterprise = make_enterprise(session)
    make_user(session, Role.enterprise, enterprise, username="ent5")
    signed_in = sign_in(client, "ent5")
    refresh_cookie = next(
        c for c in signed_in.headers.get_list("set-cookie") if c.startswith("chanjiao_refresh=")
    )
    attributes = {part.strip().lower() for part in refresh_cookie.split(";")[1:]}
    days = f"max-age={settings.refresh_token_days * 24 * 60 * 60}"
    assert attributes == {"httponly", days, "path=/", "samesite=lax"}
    first = _expire_access(client)

    detour = client.get("/enterprise?page=2", follow_redirects=False)
    assert (detour.status_code, detour.headers["location"]) == (
        307,
        "/session/refresh?next=%2Fenterprise%3Fpage%3D2",
    )
    response = client.get("/enterprise")

    assert [r.status_code for r in response.history] == [307, 307]
    assert (response.status_code, response.url.path) == (200, "/enterprise")
    second = client.cookies.get("chanjiao_refresh")
    assert second not in (None, first)
    # Rotation: the new refresh token works once more.
    _expire_access(client)
    assert client.get("/enterprise").status_code == 200
    assert client.cookies.get("chanjiao_refresh") not in (None, first, second)
    # The first one is used up, and replaying it ends the whole family (issue 24): signed out.
    reused = client.post("/api/v1/auth/refresh", json={"refresh_token": first})
    assert reused.status_code == 401
    _expire_access(client)
    assert client.get("/enterprise").url.path == "/login"


def test_a_form_posted_after_expiry_is_sent_again_after_the_refresh(
    client: TestClient, session: Session
) -> None:
    pending = make_enterprise(session, status=OrganizationStatus.pending)
    make_user(session, Role.regulator, username="reg6")
    sign_in(client, "reg6")
    token = csrf_of(client.get("/regulator/findings").text)
    _expire_access(client)

    response = client.post(
        f"/regulator/organizations/{pending.id}/verify", data={"csrf_token": token}
    )

    assert [(r.status_code, r.request.method) for r in response.history] == [
        (307, "POST"),
        (307, "POST"),
        (303, "POST"),
    ]
    assert response.status_code == 200
    session.refresh(pending)
    assert pending.status == OrganizationStatus.verified


def test_signing_out_revokes_the_tokens(client: TestClient, session: Session) -> None:
    make_user(session, Role.regulator, username="reg7")
    sign_in(client, "reg7")
    access = client.cookies.get("chanjiao_session")
    refresh = client.cookies.get("chanjiao_refresh")

    post_form(client, "/regulator/findings", "/logout", {})

    assert (client.cookies.get("chanjiao_session"), client.cookies.get("chanjiao_refresh")) == (
        None,
        None,
    )
    # Replaying the old cookies gets nowhere: both tokens were revoked, not only forgotten.
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": refresh}).status_code == 401
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {access}"})
    assert me.status_code == 401
    client.cookies.set("chanjiao_refresh", str(refresh))
    response = client.get("/regulator")
    assert [r.status_code for r in response.history] == [307, 303]
    assert (response.status_code, response.url.path) == (200, "/login")


def test_the_sign_out_page_signs_out_everywhere(client: TestClient, session: Session) -> None:
    """Issue 24: a button that revokes every session of the account, the API's logout-all."""
    make_user(session, Role.admin, username="adm-everywhere")
    other = client.post(
        "/api/v1/auth/token", data={"username": "adm-everywhere", "password": "correct-horse-9"}
    ).json()
    sign_in(client, "adm-everywhere")
    page = client.get("/logout")
    assert "退出所有设备" in page.text
    response = client.post(
        "/logout-all", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False
    )
    assert response.status_code == 303
    bearer = {"Authorization": f"Bearer {other['access_token']}"}
    assert client.get("/api/v1/auth/me", headers=bearer).status_code == 401


def test_a_csrf_token_is_bound_to_the_session(client: TestClient, session: Session) -> None:
    """Issue 24: a token of one sign-in is refused in another (same browser cookie)."""
    make_user(session, Role.admin, username="csrf-one")
    make_user(session, Role.admin, username="csrf-two")
    sign_in(client, "csrf-one")
    token = csrf_of(client.get("/logout").text)
    sign_in(client, "csrf-two")
    refused = client.post("/logout-all", data={"csrf_token": token}, follow_redirects=False)
    assert refused.status_code == 403
    fresh = csrf_of(client.get("/logout").text)
    kept = client.post("/logout-all", data={"csrf_token": fresh}, follow_redirects=False)
    assert kept.status_code == 303
