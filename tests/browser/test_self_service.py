"""Registration, the enterprise's posting with pickers, its registry application and identity
change, and the student's profile and decline — in a real browser against ``chanjiao serve``, with
screenshots at desktop width and at 375 px."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import httpx
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.harness import screenshot, sign_in
from tests.factories import make_uscc


def test_an_enterprise_registers_and_waits_for_review(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/login")
    page.get_by_role("link", name="注册").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("注册")
    code = make_uscc("500112", serial=uuid.uuid4().int % 10**12)
    page.get_by_role("radio", name="企业").check()
    page.get_by_label("机构名称").fill("重庆两江浏览器科技有限公司")
    page.get_by_label(re.compile("^统一社会信用代码")).fill(
        code[:-1] + "0" if code[-1] != "0" else code[:-1] + "1"
    )
    page.get_by_label("所在地：省级").select_option("500000")
    expect(page.get_by_label("所在地：地市级").locator("option[value='500100']")).to_have_count(1)
    page.get_by_label("所在地：地市级").select_option("500100")
    expect(page.get_by_label("所在地：区县级").locator("option[value='500112']")).to_have_count(1)
    page.get_by_label("所在地：区县级").select_option("500112")
    page.get_by_label("所属行业（企业必填）").select_option("34")
    page.get_by_label("在岗职工总数（企业必填）").fill("80")
    page.locator("#f-username").fill(f"lj_{uuid.uuid4().hex[:8]}")
    page.locator("#f-password").fill("Liangjiang-2026-hr")
    page.locator("#f-password_again").fill("Liangjiang-2026-hr")
    page.get_by_role("button", name="提交注册").click()

    expect(page.locator("#code-error")).to_contain_text("校验")
    screenshot(page, live_server.screenshots, "register-error")
    page.get_by_label(re.compile("^统一社会信用代码")).fill(code)
    page.locator("#f-password").fill("Liangjiang-2026-hr")
    page.locator("#f-password_again").fill("Liangjiang-2026-hr")
    page.get_by_role("button", name="提交注册").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("注册申请已提交")
    expect(page.locator("#done")).to_contain_text(
        "已提交企业“重庆两江浏览器科技有限公司”（重庆市渝北区）的注册申请，状态：待审核。"
    )
    screenshot(page, live_server.screenshots, "register-done")


def test_an_enterprise_posts_with_majors_by_name_and_a_region_picker(
    page: Page, live_server: LiveServer
) -> None:
    accounts = live_server.accounts
    sign_in(page, live_server.url, accounts.enterprise, accounts.password)
    page.goto(f"{live_server.url}/enterprise/positions/new")
    page.get_by_label("岗位名称").fill("护理学徒（选择器）")
    page.get_by_label("岗位描述").fill("病房护理，限女性")
    page.get_by_label("搜索并添加专业").fill("护理")
    page.get_by_role("button", name=re.compile("^添加：护理（高职专科")).click()
    expect(page.get_by_role("checkbox", name=re.compile("护理"))).to_be_checked()
    page.get_by_label("工作地：省级").select_option("500000")
    expect(page.get_by_label("工作地：地市级").locator("option[value='500100']")).to_have_count(1)
    page.get_by_label("工作地：地市级").select_option("500100")
    expect(page.get_by_label("工作地：区县级").locator("option[value='500103']")).to_have_count(1)
    page.get_by_label("工作地：区县级").select_option("500103")
    page.get_by_label("招聘人数").fill("2")
    page.get_by_label("到岗日期").fill("2027-04-01")
    page.get_by_role("button", name="保存为草稿").click()

    expect(page.locator("#done")).to_contain_text(
        "已保存岗位“护理学徒（选择器）”（草稿，尚未公开）。"
    )
    expect(page.locator("#done")).to_contain_text(
        "下一步：按下方合规预检的提示修改后保存，再发布。"
    )
    expect(page.get_by_role("checkbox", name=re.compile(r"护理\s*（高职专科）"))).to_be_checked()
    expect(page.get_by_label("工作地：区县级")).to_have_value("500103")
    expect(page.locator(".findings .suggestion").first).to_contain_text("建议改为：")
    screenshot(page, live_server.screenshots, "enterprise-position-pickers")

    page.get_by_label("岗位描述").fill("病房护理与康复护理")
    page.get_by_role("button", name="保存修改").click()
    page.get_by_role("button", name="发布岗位").click()
    expect(page.locator("#done")).to_contain_text("已发布岗位“护理学徒（选择器）”")
    expect(page.locator("#done")).to_contain_text("下一步：在“收到的申请”中审核申请")
    page.get_by_role("link", name="候选合作专业").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("候选合作专业")
    screenshot(page, live_server.screenshots, "enterprise-programmes")


def test_an_enterprise_applies_to_the_registry_and_asks_to_change_its_name(
    page: Page, live_server: LiveServer
) -> None:
    accounts = live_server.accounts
    sign_in(page, live_server.url, accounts.enterprise, accounts.password)
    page.get_by_role("link", name="产教融合型企业申报").click()
    page.get_by_label("开展校企合作的年数").fill("3")
    page.get_by_label("合作的专业点数").fill("2")
    page.get_by_label("接收学徒人数").fill("6")
    page.get_by_label("接收实习学生人数").fill("12")
    page.get_by_label("兴办职业教育的投资额（元）").fill("300000")
    page.get_by_role("button", name="提交申报").click()
    expect(page.locator("#done")).to_contain_text(
        "已提交产教融合型企业申报，状态：已申报（待审核）。"
    )
    screenshot(page, live_server.screenshots, "enterprise-registry")

    page.get_by_role("link", name="机构信息与变更").click()
    page.get_by_role("button", name="提交变更申请").click()
    expect(page.locator("#reason-error")).to_be_visible()
    # The refused form's page must have finished loading (its script moves the focus to the
    # first invalid field) before it is filled in again: once in CI the name typed into a page
    # still loading was not sent.
    page.wait_for_load_state("load")
    name = page.get_by_label("新的机构名称")
    name.fill("重庆精工数控股份有限公司")
    page.get_by_label("变更理由（必填）").fill("2026年11月完成股份制改造的工商变更登记")
    expect(name).to_have_value("重庆精工数控股份有限公司")
    page.get_by_role("button", name="提交变更申请").click()
    expect(page.locator("#done")).to_contain_text("已提交身份信息变更申请，状态：待审核。")
    expect(page.locator("#changes tbody tr").first).to_contain_text(
        "机构名称：重庆精工数控有限公司 → 重庆精工数控股份有限公司"
    )
    screenshot(page, live_server.screenshots, "enterprise-organization")


def test_a_student_sets_the_profile_by_region_names_applies_and_withdraws(
    page: Page, live_server: LiveServer
) -> None:
    accounts = live_server.accounts
    sign_in(page, live_server.url, accounts.student, accounts.password)
    page.get_by_label("添加意向地区：省级").select_option("500000")
    expect(
        page.get_by_label("添加意向地区：地市级").locator("option[value='500100']")
    ).to_have_count(1)
    page.get_by_label("添加意向地区：地市级").select_option("500100")
    expect(
        page.get_by_label("添加意向地区：区县级").locator("option[value='500108']")
    ).to_have_count(1)
    page.get_by_label("添加意向地区：区县级").select_option("500108")
    page.get_by_label("技能（用顿号或逗号分隔）").fill("基础护理、设备维护")
    page.get_by_role("button", name="保存资料").click()
    expect(page.locator("#done")).to_contain_text("已保存您的个人资料")
    expect(page.get_by_role("checkbox", name="重庆市南岸区")).to_be_checked()
    expect(page.locator("#recommendations .reasons").first).to_be_visible()
    screenshot(page, live_server.screenshots, "student-profile")

    page.goto(f"{live_server.url}/positions")
    page.get_by_label("关键词").fill("数控编程")
    page.get_by_role("button", name="检索").click()
    page.get_by_role("link", name="数控编程员").click()
    page.get_by_label(re.compile("我同意将我的姓名")).check()
    page.get_by_role("button", name="申请该岗位").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "已投递申请：重庆精工数控有限公司的“数控编程员”。"
    )
    row = page.locator("#applications tbody tr", has_text="数控编程员")
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="撤回申请").click()
    expect(page.get_by_role("status").first).to_contain_text("已撤回申请")
    expect(
        page.locator("#applications tbody tr", has_text="数控编程员").locator(".badge")
    ).to_have_text("已撤回")


def _token(url: str, username: str, password: str) -> dict[str, str]:
    answer = httpx.post(
        f"{url}/api/v1/auth/token", data={"username": username, "password": password}
    )
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_a_student_ranks_the_positions_of_a_placement_round(
    page: Page, live_server: LiveServer
) -> None:
    accounts = live_server.accounts
    api = f"{live_server.url}/api/v1"
    school = _token(live_server.url, accounts.school, accounts.password)
    students = httpx.get(f"{api}/students", headers=school).json()["data"]
    found = httpx.get(f"{api}/positions", params={"q": "护理"}).json()["data"]
    positions = {p["title"]: p["id"] for p in found}
    created = httpx.post(
        f"{api}/placement-rounds",
        headers=school,
        json={
            "title": "护理岗位双选（浏览器）",
            "deadline_at": (datetime.now(UTC) + timedelta(days=7)).isoformat(),
            "positions": [
                {"position_id": positions["护理学徒"]},
                {"position_id": positions["护理实习生"]},
            ],
            "student_ids": [s["id"] for s in students],
        },
    )
    assert created.status_code == 201, created.text

    sign_in(page, live_server.url, accounts.student, accounts.password)
    page.get_by_role("link", name="护理岗位双选（浏览器）").click()
    page.get_by_label("护理实习生的志愿序号").fill("1")
    page.get_by_label("护理学徒的志愿序号").fill("1")
    page.get_by_role("button", name="保存志愿").click()
    expect(page.locator(".field-error").first).to_contain_text("序号 1 重复")
    page.get_by_label("护理学徒的志愿序号").fill("2")
    page.get_by_role("button", name="保存志愿").click()
    expect(page.locator("#done")).to_contain_text(
        "已保存您在“护理岗位双选（浏览器）”中的志愿：第1志愿 护理实习生；第2志愿 护理学徒。"
    )
    screenshot(page, live_server.screenshots, "student-placement")
