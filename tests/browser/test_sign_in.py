"""Signing in through the pages on the shipped set-up: ``chanjiao serve`` in production with the
scheduler on and the login throttle in the database (the fixture starts it so), as every role.

The suite's in-process tests keep the throttle in memory; this is where the store that ships is
met. With the page's write transaction begun before the throttle counted on its own connection,
every sign-in on SQLite waited 10 s and showed the browser a JSON 503.
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, text

from tests.browser.conftest import LiveServer
from tests.browser.harness import sign_in

# A sign-in is a password hash and two short transactions; far below the 10 s write-queue wait.
SIGN_IN_SECONDS = 5.0

HOMES = {
    "student": "/me",
    "enterprise": "/enterprise",
    "school": "/school",
    "regulator": "/regulator",
}


@pytest.mark.parametrize("role", list(HOMES))
def test_every_role_signs_in_and_out_through_the_form(
    page: Page, live_server: LiveServer, role: str
) -> None:
    username = getattr(live_server.accounts, role)
    started = time.monotonic()
    sign_in(page, live_server.url, username, live_server.accounts.password)
    expect(page).to_have_url(f"{live_server.url}{HOMES[role]}")
    assert time.monotonic() - started < SIGN_IN_SECONDS
    page.get_by_role("button", name="退出").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("link", name="登录")).to_be_visible()
    page.goto(f"{live_server.url}{HOMES[role]}")
    expect(page).to_have_url(re.compile(r"/login\?next="))


def test_a_wrong_password_is_answered_on_the_form_in_chinese(
    page: Page, live_server: LiveServer
) -> None:
    started = time.monotonic()
    sign_in(page, live_server.url, live_server.accounts.school, "not-the-password-1")
    assert time.monotonic() - started < SIGN_IN_SECONDS
    expect(page.get_by_role("heading", level=1)).to_have_text("登录")
    expect(page.get_by_text("用户名或密码错误")).to_be_visible()
    assert "{" not in page.locator("main").inner_text()
    # The failure was counted by the database store the deployment uses, not one in memory.
    engine = create_engine(live_server.database_url)
    try:
        with engine.connect() as conn:
            keys = conn.execute(text("select key from throttle_counter")).scalars().all()
    finally:
        engine.dispose()
    assert any(key.startswith("login:") for key in keys)


def test_an_expired_access_cookie_is_refreshed_without_signing_in_again(
    page: Page, live_server: LiveServer
) -> None:
    sign_in(page, live_server.url, live_server.accounts.student, live_server.accounts.password)
    expect(page).to_have_url(f"{live_server.url}/me")
    # Only the refresh cookie is left, as after the 15-minute access token has lapsed.
    page.context.clear_cookies(name="chanjiao_session")

    page.goto(f"{live_server.url}/me")
    expect(page).to_have_url(f"{live_server.url}/me")
    expect(page.get_by_role("button", name="退出")).to_be_visible()
    assert any(c["name"] == "chanjiao_session" for c in page.context.cookies())
