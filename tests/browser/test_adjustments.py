"""专业动态调整 in a real browser: the regulator opens the window, a school proposes to open a major
the report flags (against the warning, with its justification) and submits, the regulator
approves, and the school reads the notice."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from service import clock
from tests.browser.conftest import LiveServer
from tests.browser.harness import screenshot, sign_in
from tests.service.reports.helpers import COUNTY, YEAR


def test_a_school_submits_and_the_regulator_approves(page: Page, live_server: LiveServer) -> None:
    url, accounts = live_server.url, live_server.accounts
    today = clock.today()

    sign_in(page, url, accounts.regulator, accounts.password)
    page.goto(f"{url}/regulator/adjustments")
    page.get_by_label("地区代码").fill(COUNTY)
    page.get_by_label("调整年度").fill(str(YEAR))
    page.get_by_label("开始日期").fill((today - timedelta(days=1)).isoformat())
    page.get_by_label("截止日期").fill((today + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="开放窗口").click()
    expect(page.get_by_text("受理中")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, url, accounts.school, accounts.password)
    page.goto(f"{url}/school/adjustments")
    page.get_by_label("调整年度").fill(str(YEAR))
    page.get_by_label("申请类型").select_option("open")
    page.get_by_label("专业（代码或名称）").fill("林业技术")
    page.get_by_label("下一年招生计划（人）").fill("30")
    page.get_by_role("button", name="保存草稿").click()
    expect(page).to_have_url(re.compile(r"/school/adjustments/[0-9a-f-]+$"))
    expect(page.get_by_text("与供需预警相反")).to_be_visible()
    screenshot(page, live_server.screenshots, "adjustment-draft")
    page.get_by_label("书面说明（与预警相反时必填）").fill("与林场签订订单培养协议，定向录用")
    page.get_by_role("button", name="保存修改").click()
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_text("已提交，依据已冻结")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, url, accounts.regulator, accounts.password)
    page.goto(f"{url}/regulator/adjustments?region={COUNTY}&year={YEAR}")
    page.get_by_role("link", name="林业技术").click()
    page.get_by_label("审核意见（可选）").fill("同意，按订单规模招生")
    page.get_by_role("button", name="批准", exact=True).click()
    expect(page.get_by_text("已批准，学校的招生计划已变更")).to_be_visible()
    expect(page.get_by_text("410201 2026年招生计划：— → 30")).to_be_visible()
    screenshot(page, live_server.screenshots, "adjustment-approved")

    page.context.clear_cookies()
    sign_in(page, url, accounts.school, accounts.password)
    page.goto(f"{url}/school/adjustments")
    expect(page.get_by_text(re.compile("已批准：同意，按订单规模招生"))).to_be_visible()
