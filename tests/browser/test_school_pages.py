"""The school's whole job through its tabs: a programme with a partner enterprise picked by name,
edited; a student added one at a time whose slip's password signs in; a cohort by major name;
the alignment; the roster in pages."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from service import clock
from tests.browser.conftest import LiveServer
from tests.browser.harness import screenshot, sign_in


def test_a_school_adds_and_edits_a_programme_with_a_partner(
    page: Page, live_server: LiveServer
) -> None:
    url, accounts = live_server.url, live_server.accounts
    year = clock.today().year
    sign_in(page, url, accounts.school, accounts.password)
    tabs = page.get_by_role("navigation", name="学校功能")
    tabs.get_by_role("link", name="专业", exact=True).click()
    page.get_by_role("link", name="新增专业开设").click()
    page.get_by_label("专业（名称）").fill("护理")
    page.get_by_label("招生年份").fill(str(year))
    page.get_by_label("招生计划（人）").fill("40")
    page.get_by_label("实践性教学课时占比（%）").fill("40")
    page.get_by_label("合作企业 1").select_option(label="重庆南岸康复医院")
    page.get_by_label("合作方式 1").select_option(label="订单培养")
    screenshot(page, live_server.screenshots, "school-programme-new")
    page.get_by_role("button", name="保存专业开设").click()

    saved = page.get_by_role("status")
    expect(saved).to_contain_text(
        f"已新增专业开设：护理（520201，高职专科）{year}年，招生计划 40 人，"
        "合作企业 重庆南岸康复医院。下一步："
    )
    expect(saved).to_contain_text("实践性教学课时")
    row = page.locator("tbody tr", has_text="护理")
    expect(row).to_contain_text("重庆南岸康复医院（订单培养）")
    expect(row.locator("td").first).to_have_text("护理 520201")
    screenshot(page, live_server.screenshots, "school-programmes")

    row.get_by_role("link", name=f"修改 护理 {year}年").click()
    expect(page.get_by_text("专业：护理（520201，高职专科）")).to_be_visible()
    expect(page.get_by_label("合作企业 1")).to_have_value(re.compile(".+"))
    page.get_by_label("招生计划（人）").fill("45")
    page.get_by_label("招生计划（人）").press("Tab")
    page.get_by_label("实践性教学课时占比（%）").fill("150")
    page.get_by_role("button", name="保存修改").click()
    expect(page.locator("#practical_hours_share-error")).to_be_visible()
    page.get_by_label("实践性教学课时占比（%）").fill("60")
    page.get_by_role("button", name="保存修改").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"已保存专业开设：护理（520201，高职专科）{year}年，招生计划 45 人"
    )

    page.get_by_role("link", name="毕业生去向", exact=True).first.click()
    page.get_by_label("专业（名称或代码）").fill("护理")
    page.get_by_label("毕业年份").fill(str(year - 1))
    page.get_by_label("毕业生数").fill("50")
    page.get_by_label("去向落实人数").fill("45")
    page.get_by_label("对口就业人数").fill("40")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("status")).to_contain_text(f"已保存 护理 {year - 1}届的毕业生去向。")
    screenshot(page, live_server.screenshots, "school-cohorts")

    page.get_by_role("link", name="专业对接").click()
    expect(page.get_by_role("heading", name="专业与重点产业对接")).to_be_visible()
    expect(page.locator("#alignment tbody tr", has_text="护理")).to_have_count(1)
    screenshot(page, live_server.screenshots, "school-alignment")


def test_a_school_adds_a_student_and_the_slip_signs_in(page: Page, live_server: LiveServer) -> None:
    url, accounts = live_server.url, live_server.accounts
    sign_in(page, url, accounts.school, accounts.password)
    page.get_by_role("navigation", name="学校功能").get_by_role("link", name="学生").click()
    expect(page.get_by_role("heading", name=re.compile(r"^本校学生（\d+）$"))).to_be_visible()
    page.get_by_role("link", name="添加学生").click()
    page.get_by_label("学号").fill("B2026101")
    page.get_by_label("姓名").fill("李小红")
    page.get_by_label("专业（名称或代码）").fill("火星种植")
    page.get_by_label("毕业年份").fill("2027")
    page.get_by_role("button", name="保存并开通账户").click()
    expect(page.locator("#major-error")).to_contain_text("火星种植")
    page.get_by_label("专业（名称或代码）").fill("护理")
    page.get_by_role("button", name="保存并开通账户").click()

    expect(page.get_by_role("status")).to_contain_text(
        "已添加学生 李小红（学号 B2026101，护理）并开通账户。初始密码只在本页显示这一次"
    )
    username = page.locator("#slip-username").inner_text()
    password = page.locator("#slip-password").inner_text()
    assert username == f"{accounts.school_code}-B2026101"
    assert len(password) >= 10
    expect(page.get_by_role("button", name="打印账户通知单")).to_be_visible()
    screenshot(page, live_server.screenshots, "school-student-slip")
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="打印账户通知单")).to_be_hidden()
    expect(page.locator(".slip")).to_be_visible()
    page.emulate_media(media="screen")

    page.goto(f"{url}/school/students")
    expect(page.locator("tbody tr", has_text="B2026101")).to_contain_text("李小红")
    screenshot(page, live_server.screenshots, "school-students")

    page.context.clear_cookies()
    sign_in(page, url, username, password)
    expect(page).to_have_url(f"{url}/me")
