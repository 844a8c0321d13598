"""The city regulator's whole job through its tabs: organisations verified and suspended by name,
identity changes decided, the registry reviewed, a list drafted and published, the 联合体
indicators, the policy profile, a placement round created, run, read by name and published; an
empty year explained; the drill-down and the Excel file without internal rule names."""

from __future__ import annotations

import io
import re
import time
from datetime import datetime, timedelta

import httpx
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from service.pages.supervision import BEIJING
from tests.browser.conftest import LiveServer
from tests.browser.harness import screenshot, sign_in
from tests.service.reports.helpers import YEAR

INTERNAL = re.compile(r"vanishing|oversupply|lookback|[a-z]+_[a-z_]+")


def _tabs(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="监管功能").get_by_role("link", name=name).click()


def test_a_regulator_verifies_and_suspends_by_name(page: Page, live_server: LiveServer) -> None:
    url, accounts = live_server.url, live_server.accounts
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, url, accounts.city_regulator, accounts.password)
    _tabs(page, "机构审核")
    page.get_by_label("机构名称").fill("待审")
    page.get_by_role("button", name="查找").click()
    row = page.locator("tbody tr", has_text="重庆待审科技有限公司")
    expect(row).to_contain_text("沙坪坝区")
    screenshot(page, live_server.screenshots, "regulator-organizations-search")
    row.get_by_role("button", name="审核通过 重庆待审科技有限公司").click()
    expect(page.get_by_role("status")).to_contain_text(
        "已审核通过：重庆待审科技有限公司（企业）。该机构的账户现在可以登录"
    )

    page.get_by_role("link", name="已审核").click()
    page.get_by_label("机构名称").fill("待审")
    page.get_by_role("button", name="查找").click()
    page.get_by_role("button", name="暂停 重庆待审科技有限公司").click()
    expect(page.get_by_role("status")).to_contain_text("已暂停：重庆待审科技有限公司（企业）")


def test_a_regulator_decides_identity_changes_and_the_registry(
    page: Page, live_server: LiveServer
) -> None:
    url, accounts = live_server.url, live_server.accounts
    sign_in(page, url, accounts.city_regulator, accounts.password)
    _tabs(page, "身份变更")
    row = page.locator("tbody tr", has_text="重庆渝北物流有限公司")
    expect(row).to_contain_text("名称：重庆渝北物流有限公司 → 重庆渝北供应链有限公司")
    screenshot(page, live_server.screenshots, "regulator-identity-changes")
    row.get_by_role("button", name="批准 重庆渝北物流有限公司 的变更").click()
    expect(page.get_by_role("status")).to_contain_text(
        "已批准 重庆渝北供应链有限公司 的身份变更（名称：重庆渝北物流有限公司 → "
        "重庆渝北供应链有限公司），变更已生效"
    )
    refused = page.locator("tbody tr", has_text="重庆南岸康复医院")
    refused.get_by_role("button", name="驳回 重庆南岸康复医院 的变更").click()
    expect(page.get_by_role("alert").first).to_contain_text("请填写驳回理由")
    page.get_by_label("驳回理由（重庆南岸康复医院）").fill("请附工商变更登记通知书")
    page.get_by_role("button", name="驳回 重庆南岸康复医院 的变更").click()
    expect(page.get_by_role("status")).to_contain_text(
        "已驳回 重庆南岸康复医院 的身份变更申请，理由“请附工商变更登记通知书”"
    )

    _tabs(page, "产教融合型企业")
    card = page.locator("section.card", has_text="重庆智造装备有限公司")
    expect(card).to_contain_text("已申报（待审核）")
    expect(card.locator("tr", has_text="学徒人数")).to_contain_text("12")
    screenshot(page, live_server.screenshots, "regulator-registry")
    card.get_by_role("button", name="不予通过 重庆智造装备有限公司").click()
    expect(page.get_by_role("alert").first).to_contain_text("不予通过须写明理由")
    page.locator("section.card", has_text="重庆智造装备有限公司").get_by_role(
        "button", name="纳入培育库 重庆智造装备有限公司"
    ).click()
    expect(page.get_by_role("status")).to_contain_text(
        "重庆智造装备有限公司：现为“入库培育（培育库）”。下一步：培育期满"
    )


def test_a_regulator_drafts_and_publishes_a_list_and_reads_the_alliance(
    page: Page, live_server: LiveServer
) -> None:
    url, accounts = live_server.url, live_server.accounts
    sign_in(page, url, accounts.city_regulator, accounts.password)
    _tabs(page, "三张清单")
    page.get_by_label("年份", exact=True).fill(str(YEAR))
    page.get_by_role("button", name="查看").click()
    expect(page.get_by_role("heading", level=2, name=re.compile("实时计算"))).to_be_visible()
    page.get_by_role("button", name="拟定新草稿").click()
    expect(page.get_by_role("status")).to_contain_text("已拟定人才需求清单第 1 版草稿")
    expect(page.locator("tbody tr", has_text="林业技术")).to_have_count(1)
    page.get_by_role("button", name="发布第 1 版").click()
    expect(page.get_by_role("status")).to_contain_text(
        "已发布人才需求清单第 1 版：公众现在读取该版本"
    )
    expect(page.locator("tbody tr", has_text="第 1 版")).to_contain_text("已发布")
    screenshot(page, live_server.screenshots, "regulator-lists")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel").click()
    assert download_info.value.suggested_filename.endswith(".xlsx")

    _tabs(page, "联合体")
    card = page.locator("section.card", has_text="重庆西部科学城产教联合体")
    expect(card).to_contain_text("牵头园区：重庆西部科学城产业园")
    expect(card.locator("tbody tr")).to_have_count(3)
    screenshot(page, live_server.screenshots, "regulator-alliances")

    _tabs(page, "政策配置")
    expect(page.get_by_text("生效的政策配置：全国默认")).to_be_visible()
    expect(page.get_by_text("毕业去向落实率警戒线 60%")).to_be_visible()
    expect(page.get_by_text("职业岗位消失", exact=True)).to_be_visible()
    screenshot(page, live_server.screenshots, "regulator-policy")
    page.get_by_label("政策配置", exact=True).select_option(label="全国默认")
    page.get_by_role("button", name="采用").click()
    expect(page.get_by_role("status")).to_contain_text(
        "已将 重庆市 的政策配置设为“全国默认”。此后本地区及下辖地区的供需预警报告按这套阈值计算"
    )


def _token(url: str, username: str, password: str) -> dict[str, str]:
    answer = httpx.post(
        f"{url}/api/v1/auth/token", data={"username": username, "password": password}
    )
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_a_regulator_runs_a_placement_round_and_reads_it_by_name(
    page: Page, live_server: LiveServer
) -> None:
    url, accounts = live_server.url, live_server.accounts
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, url, accounts.city_regulator, accounts.password)
    _tabs(page, "双选分配")
    page.get_by_role("link", name="组织双选轮次").click()
    page.get_by_role("button", name="创建双选轮次").click()
    expect(page.locator("#positions-error")).to_have_text("请至少选择一个岗位")
    deadline = datetime.now(BEIJING) + timedelta(seconds=12)
    page.get_by_label("名称").fill("护理学徒双选")
    page.get_by_label("志愿截止时间（北京时间）").fill(deadline.strftime("%Y-%m-%dT%H:%M:%S"))
    page.get_by_label(re.compile("护理学徒 · 重庆南岸康复医院（学徒")).check()
    page.get_by_label(re.compile("重庆南岸职业学院（")).check()
    screenshot(page, live_server.screenshots, "regulator-placement-new")
    page.get_by_role("button", name="创建双选轮次").click()
    expect(page.get_by_role("status")).to_contain_text("已创建双选轮次“护理学徒双选”：1 个岗位")
    round_url = page.url.split("?")[0]
    round_id = round_url.rsplit("/", 1)[1]
    expect(page.get_by_text("志愿截止（")).to_be_visible()

    # The student chooses and the hospital ranks through the API, before the deadline.
    student = _token(url, accounts.student, accounts.password)
    me = httpx.get(f"{url}/api/v1/students/me", headers=student).json()
    position_id = (httpx.get(f"{url}/api/v1/placement-rounds/{round_id}", headers=student).json())[
        "positions"
    ][0]["position_id"]
    api = f"{url}/api/v1/placement-rounds/{round_id}"
    choices = httpx.put(f"{api}/choices", json={"position_ids": [position_id]}, headers=student)
    assert choices.status_code == 200, choices.text
    hospital = _token(url, "b_hospital", accounts.password)
    ranking = httpx.put(
        f"{api}/rankings/{position_id}", json={"student_ids": [me["id"]]}, headers=hospital
    )
    assert ranking.status_code == 200, ranking.text

    time.sleep(max(0.0, (deadline - datetime.now(BEIJING)).total_seconds()) + 1)
    page.goto(round_url)
    page.get_by_role("button", name="运行分配").click()
    expect(page.get_by_role("status")).to_contain_text("已运行分配：1 名学生分配到岗位，")
    row = page.locator("#assignments tbody tr").first
    expect(row.locator("td").nth(0)).to_have_text("王**")
    expect(row.locator("td").nth(2)).to_have_text("重庆南岸职业学院")
    expect(row.locator("td").nth(3)).to_have_text("护理学徒")
    expect(row.locator("td").nth(4)).to_have_text("重庆南岸康复医院")
    expect(page.get_by_role("status")).to_contain_text("结果目前只有组织方可见")
    expect(page.get_by_text("状态：已运行，待公布")).to_be_visible()
    # Not published yet: the student does not see the result.
    assert httpx.get(f"{api}/results", headers=student).status_code == 409
    screenshot(page, live_server.screenshots, "regulator-placement-results")
    page.get_by_role("button", name="公布结果").click()
    expect(page.get_by_role("status")).to_contain_text("已公布结果：本轮的学生、学校和企业")
    expect(page.get_by_role("button", name="公布结果")).to_have_count(0)
    mine = httpx.get(f"{api}/results", headers=student)
    assert mine.status_code == 200, mine.text
    assert mine.json()["assignments"] == [{"student_id": me["id"], "position_id": position_id}]
    screenshot(page, live_server.screenshots, "regulator-placement-published")
    _tabs(page, "双选分配")
    expect(page.locator("tbody tr", has_text="护理学徒双选")).to_contain_text("已公布")


def test_an_empty_year_says_why_and_rules_read_in_chinese(
    page: Page, live_server: LiveServer
) -> None:
    url, accounts = live_server.url, live_server.accounts
    sign_in(page, url, accounts.city_regulator, accounts.password)
    page.goto(f"{url}/regulator?year=2030")
    expect(page.get_by_role("status")).to_contain_text(
        f"2030年没有毕业生去向数据，所以报告为空：报告按各校填报的毕业生去向和岗位需求计算，"
        f"这一年尚无学校填报。最近有数据的是 {YEAR}年。"
    )
    screenshot(page, live_server.screenshots, "regulator-empty-year")
    page.get_by_role("link", name=f"{YEAR}年").click()
    page.get_by_role("link", name="林业技术").click()
    expect(page.get_by_text("规则：毕业去向落实率连续偏低").first).to_be_visible()
    assert not INTERNAL.search(page.locator("main").inner_text())

    page.goto(f"{url}/regulator?year={YEAR}")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel").click()
    workbook = load_workbook(io.BytesIO(download_info.value.path().read_bytes()))
    basis = workbook["预警依据"]
    text = " ".join(str(c.value) for r in basis.iter_rows() for c in r if c.value is not None)
    assert "毕业去向落实率" in text
    assert not INTERNAL.search(text), INTERNAL.search(text)
    page.goto(f"{url}/regulator/report.html?year={YEAR}")
    assert not INTERNAL.search(page.locator("body").inner_text())
