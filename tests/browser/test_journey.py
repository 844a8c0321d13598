"""Issue 26 in a real browser: the school organises a 双选会 and approves the enterprise's booth,
the student signs up and applies from the fair's page; the enterprise proposes an interview, the
student confirms it and downloads the calendar file."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.harness import screenshot, sign_in

TITLE = "春季校园双选会（浏览器测试）"
POSITION = "设备维护技术员"


def test_fair_sign_up_then_interview_confirmed(page: Page, live_server: LiveServer) -> None:
    url, accounts = live_server.url, live_server.accounts

    sign_in(page, url, accounts.school, accounts.password)
    page.goto(f"{url}/fairs")
    page.get_by_label("名称").fill(TITLE)
    page.get_by_label("开始时间（北京时间）").fill("2099-03-01T09:00")
    page.get_by_label("结束时间（北京时间）").fill("2099-03-01T16:00")
    page.get_by_label("举办地点").fill("学校体育馆")
    page.get_by_label("面向地区（行政区划代码）").fill("500106")
    page.get_by_label("学生报名名额").fill("50")
    page.get_by_role("button", name="创建双选会").click()
    expect(page.get_by_text("双选会已创建。")).to_be_visible()
    fair_url = page.url.split("?")[0]

    page.context.clear_cookies()
    sign_in(page, url, accounts.enterprise, accounts.password)
    page.goto(fair_url)
    page.get_by_label(POSITION).check()
    page.get_by_role("button", name="预订展位").click()
    expect(page.get_by_text("已预订展位，等待主办方审核。")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, url, accounts.school, accounts.password)
    page.goto(fair_url)
    page.get_by_role("button", name="通过 重庆精工数控有限公司").click()
    expect(page.get_by_text("展位已通过。")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, url, accounts.student, accounts.password)
    page.goto(f"{url}/fairs")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("button", name="报名参加").click()
    expect(page.get_by_text("报名成功。")).to_be_visible()
    expect(page.locator("#registered")).to_have_text("1")
    page.get_by_label("同意向重庆精工数控有限公司提供姓名和手机号").check()
    page.get_by_role("button", name=f"投递 {POSITION}").click()
    expect(page.get_by_text("已通过本场双选会投递申请。")).to_be_visible()
    screenshot(page, live_server.screenshots, "fair-student")

    page.context.clear_cookies()
    sign_in(page, url, accounts.enterprise, accounts.password)
    page.goto(f"{url}/enterprise/applications")
    page.locator("tbody tr", has_text=POSITION).get_by_role(
        "link", name=re.compile("面试与消息")
    ).click()
    page.get_by_label("开始时间（北京时间）").fill("2099-03-02T10:00")
    page.get_by_label("地点", exact=True).fill("厂区办公楼2楼")
    page.get_by_role("button", name="发出面试邀请").click()
    expect(page.get_by_text("已发出面试邀请，等待学生确认。")).to_be_visible()
    application_url = page.url.split("?")[0]

    page.context.clear_cookies()
    sign_in(page, url, accounts.student, accounts.password)
    page.goto(application_url)
    expect(page.get_by_text("2099-03-02 10:00")).to_be_visible()
    page.get_by_role("button", name="确认参加").click()
    expect(page.get_by_text("已确认参加面试")).to_be_visible()
    expect(page.locator(".interview .badge")).to_have_text("已确认")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载日历文件（.ics）").click()
    path = download.value.path()
    text = path.read_bytes().decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\n")
    assert "DTSTART:20990302T020000Z\r\n" in text
    assert "STATUS:CONFIRMED\r\n" in text
    screenshot(page, live_server.screenshots, "interview-confirmed")
