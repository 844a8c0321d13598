"""Notifications in a real browser on the shipped set-up: the student sees the header's unread
badge, opens 通知, marks one read (the badge counts down) and then all; 忘记密码 answers."""

from __future__ import annotations

import uuid

from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from models import User
from service import notifications
from service.db import get_engine
from tests.browser.conftest import LiveServer
from tests.browser.harness import sign_in


def _notify(live_server: LiveServer, titles: list[str]) -> None:
    engine = get_engine(live_server.database_url)
    with Session(engine) as session:
        user = session.exec(select(User).where(User.username == live_server.accounts.student)).one()
        for title in titles:
            notifications.notify(
                session,
                user_ids=[user.id],
                kind=notifications.NotificationKind.application_offered,
                title=title,
                link="/me#applications",
            )
        session.commit()


def test_the_student_sees_the_badge_opens_notifications_and_marks_them_read(
    page: Page, live_server: LiveServer
) -> None:
    tag = uuid.uuid4().hex[:6]
    offered = f"数控车工（测试企业）：已发录用通知 {tag}"
    rejected = f"焊工（测试企业）：未通过 {tag}"
    _notify(live_server, [offered, rejected])
    sign_in(page, live_server.url, live_server.accounts.student, live_server.accounts.password)
    badge = page.locator("header .badge.unread")
    expect(badge).to_be_visible()
    before = int(badge.inner_text())
    assert before >= 2
    page.locator("header").get_by_role("link", name="通知").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("通知")
    expect(page.get_by_text(rejected)).to_be_visible()
    row = page.locator("li", has_text=offered)
    row.get_by_role("button", name="查看").click()
    expect(page).to_have_url(f"{live_server.url}/me#applications")
    expect(page.locator("header .badge.unread")).to_have_text(str(before - 1))
    page.goto(f"{live_server.url}/notifications")
    page.get_by_role("button", name="全部标为已读").click()
    expect(page.locator("#unread-count")).to_have_text("0")
    expect(page.locator("header .badge.unread")).to_have_count(0)


def test_forgot_password_answers_without_telling_whether_the_account_exists(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(f"{live_server.url}/login")
    page.get_by_role("link", name="忘记密码？").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("忘记密码")
    page.get_by_label("用户名").fill(live_server.accounts.student)
    page.get_by_role("button", name="发送重置链接").click()
    expect(page.get_by_text("如果该账户存在并登记了电子邮箱")).to_be_visible()
