"""Click-throughs in a real browser, as the people who use the platform would, with screenshots of
every page at desktop width and at 375 px."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook
from playwright.sync_api import FilePayload, Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.harness import screenshot, sign_in


def test_a_visitor_searches_and_opens_a_position(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("岗位大厅")
    screenshot(page, live_server.screenshots, "positions")

    page.get_by_label("关键词").fill("护理")
    page.get_by_label("岗位类型").select_option("apprenticeship")
    page.get_by_role("button", name="检索").click()

    expect(page.locator("#result-count")).to_have_text("共 1 个岗位")
    page.get_by_role("link", name="护理学徒").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("护理学徒")
    expect(page.get_by_text("重庆南岸康复医院").first).to_be_visible()
    expect(page.get_by_text("4,800 元/月")).to_be_visible()
    expect(page.get_by_text("✓ 通过发布合规检查")).to_be_visible()
    screenshot(page, live_server.screenshots, "position")

    page.get_by_role("link", name="登录后申请").click()
    expect(page).to_have_url(re.compile(r"/login\?next=/positions/"))


def test_a_bad_filter_is_explained_next_to_it(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/positions?min_pay=abc")

    expect(page.locator("#min_pay-error")).to_have_text("应为数字")
    expect(page.get_by_label("最低月薪（元）")).to_have_attribute("aria-invalid", "true")


def test_a_student_applies_the_enterprise_offers_and_the_student_accepts(
    page: Page, live_server: LiveServer
) -> None:
    accounts = live_server.accounts
    sign_in(page, live_server.url, accounts.student, accounts.password)
    expect(page).to_have_url(f"{live_server.url}/me")
    page.goto(f"{live_server.url}/positions?q=车床&sort=pay")
    expect(page.locator("#result-count")).to_have_text("共 1 个岗位")
    page.get_by_role("link", name="数控车床操作员").click()

    page.get_by_role("button", name="申请该岗位").click()  # consent not ticked: the browser asks
    expect(page).to_have_url(re.compile(r"/positions/[0-9a-f-]+$"))
    page.get_by_label("给企业的留言（可选）").fill("我在校学过数控编程。")
    page.get_by_label(re.compile("我同意将我的姓名")).check()
    page.get_by_role("button", name="申请该岗位").click()

    row = page.locator("#applications tbody tr", has_text="数控车床操作员")
    expect(row.locator(".badge")).to_have_text("已投递")
    screenshot(page, live_server.screenshots, "student")

    page.context.clear_cookies()
    sign_in(page, live_server.url, accounts.enterprise, accounts.password)
    page.get_by_role("link", name="收到的申请").click()
    offer = page.locator("tbody tr", has_text="数控车床操作员")
    expect(offer).to_contain_text("王小明")
    expect(offer).to_contain_text("我在校学过数控编程。")
    screenshot(page, live_server.screenshots, "enterprise-applications")
    offer.get_by_role("button", name=re.compile("^发录用通知")).click()
    expect(page.locator("tbody tr", has_text="数控车床操作员").locator(".badge")).to_have_text(
        "已发录用通知"
    )

    page.context.clear_cookies()
    sign_in(page, live_server.url, accounts.student, accounts.password)
    row = page.locator("#applications tbody tr", has_text="数控车床操作员")
    expect(row.locator(".badge")).to_have_text("已发录用通知")
    row.get_by_role("button", name="接受录用").click()
    expect(
        page.locator("#applications tbody tr", has_text="数控车床操作员").locator(".badge")
    ).to_have_text("已接受录用")


def test_an_enterprise_fixes_a_blocked_draft_and_publishes_it(
    page: Page, live_server: LiveServer
) -> None:
    accounts = live_server.accounts
    sign_in(page, live_server.url, accounts.enterprise, accounts.password)
    expect(page).to_have_url(f"{live_server.url}/enterprise")
    screenshot(page, live_server.screenshots, "enterprise")

    page.get_by_role("link", name="新建岗位").first.click()
    page.get_by_label("岗位名称").fill("数控学徒（浏览器）")
    page.get_by_label("岗位描述").fill("数控车床操作，限男性，本地户籍优先")
    page.get_by_label("搜索并添加专业").fill("数控技术")
    page.get_by_role("button", name=re.compile("^添加：数控技术（高职专科")).click()
    page.get_by_label("招聘人数").fill("2")
    page.get_by_label("月薪（元）").fill("5200")
    page.get_by_label("到岗日期").fill("2027-04-01")
    page.get_by_role("button", name="保存为草稿").click()

    expect(page.get_by_text("有阻止发布的问题，请按提示修改")).to_be_visible()
    description = page.locator("#f-description")
    expect(description).to_have_attribute("aria-describedby", re.compile("description-finding-1"))
    expect(page.locator("#description-finding-1")).to_contain_text("性别歧视用语“限男性”")
    screenshot(page, live_server.screenshots, "enterprise-position")

    page.get_by_role("button", name="发布岗位").click()
    expect(page.get_by_text("岗位不符合发布规定，请按提示修改后再发布")).to_be_visible()

    page.get_by_label("岗位描述").fill("数控车床操作与日常维护")
    page.get_by_role("button", name="保存修改").click()
    expect(page.get_by_text("可以发布")).to_be_visible()
    page.get_by_role("button", name="发布岗位").click()

    expect(page.locator("#done")).to_contain_text(
        "已发布岗位“数控学徒（浏览器）”，学生现在可以在岗位大厅看到并申请。"
    )
    page.goto(f"{live_server.url}/positions?q=数控学徒")
    expect(page.get_by_role("link", name="数控学徒（浏览器）")).to_be_visible()


def test_a_school_uploads_a_cohort_file_and_sees_the_bad_row(
    page: Page, live_server: LiveServer
) -> None:
    accounts = live_server.accounts
    sign_in(page, live_server.url, accounts.school, accounts.password)
    expect(page).to_have_url(f"{live_server.url}/school")
    screenshot(page, live_server.screenshots, "school")
    page.get_by_role("link", name="批量导入").click()

    code = accounts.school_code
    content = (
        "学校标识码,专业代码,专业名称,毕业年份,毕业生数,去向落实人数,对口就业人数\n"
        f"{code},510203,,2025,100,92,70\n"
        f"{code},,火星种植,2025,80,75,60\n"
    )
    page.get_by_label("数据类型").select_option("cohorts")
    upload: FilePayload = {
        "name": "cohorts.csv",
        "mimeType": "text/csv",
        "buffer": content.encode(),
    }
    page.get_by_label("文件").set_input_files(files=[upload])
    page.get_by_role("button", name="上传并导入").click()

    expect(page.get_by_role("heading", name="文件中的错误（未写入任何数据）")).to_be_visible()
    row = page.locator("table.problems tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(0)).to_have_text("第 3 行")
    expect(row.locator("td").nth(3)).to_have_text(
        "专业目录（高职专科）中没有与“火星种植”相近的专业，请填写专业代码"
    )
    screenshot(page, live_server.screenshots, "school-upload-errors")


def test_a_regulator_drills_into_a_major_and_downloads_the_excel_file(
    page: Page, live_server: LiveServer
) -> None:
    accounts = live_server.accounts
    sign_in(page, live_server.url, accounts.regulator, accounts.password)
    expect(page).to_have_url(f"{live_server.url}/regulator")
    expect(page.get_by_role("heading", name="调整建议汇总")).to_be_visible()
    expect(page.locator(".card.a-merge_or_close b")).to_have_text("1")
    screenshot(page, live_server.screenshots, "regulator")

    page.get_by_role("link", name="林业技术").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("林业技术（410201，高职专科）")
    expect(page.get_by_role("heading", name="开设学校（2）")).to_be_visible()
    expect(page.get_by_text("规则：毕业去向落实率连续偏低").first).to_be_visible()
    screenshot(page, live_server.screenshots, "regulator-major")

    page.get_by_role("link", name="供需报告").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel").click()
    download = download_info.value
    assert download.suggested_filename == "专业供需预警_500000重庆市_2025.xlsx"
    path = download.path()
    workbook = load_workbook(io.BytesIO(path.read_bytes()))
    codes = [row[0].value for row in workbook.worksheets[0].iter_rows(min_row=2)]
    assert codes == ["410201", "460103"]


def test_regulator_lists_and_what_if(page: Page, live_server: LiveServer) -> None:
    accounts = live_server.accounts
    sign_in(page, live_server.url, accounts.regulator, accounts.password)

    page.get_by_label("招生计划调整（%）").fill("-30")
    page.get_by_role("button", name="模拟").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("招生计划调整模拟")
    screenshot(page, live_server.screenshots, "regulator-what-if")
    page.goto(f"{live_server.url}/regulator/organizations")
    screenshot(page, live_server.screenshots, "regulator-organizations")
    page.goto(f"{live_server.url}/regulator/findings")
    screenshot(page, live_server.screenshots, "regulator-findings")


def test_api_docs_render_without_internet(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/docs")
    expect(page.get_by_role("heading", name=re.compile("^产教通 chanjiao 0.1.0"))).to_be_visible()
    page.goto(f"{live_server.url}/redoc")
    expect(page.locator("h1").first).to_contain_text("产教通 chanjiao")
    page.goto(f"{live_server.url}/login")
    screenshot(page, live_server.screenshots, "login")
