"""实习 in a real browser: a student in an internship writes a weekly log with a 9-hour day and a
night shift, sees both findings, and opens the printable agreement, which prints to A4."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlmodel import Session

from models import Role
from seed.demo.internships import NURSING, TITLE, add_internships
from service import clock
from service.db import get_engine
from tests.browser.conftest import LiveServer
from tests.browser.harness import screenshot, sign_in
from tests.factories import make_enterprise, make_school, make_student, make_user


def _internship_in_progress(database_url: str) -> str:
    """The demo's internships (seed/demo/internships.py) for accounts of their own; returns the
    username of the student whose internship is in progress."""
    engine = get_engine(database_url)
    with Session(engine, expire_on_commit=False) as session:
        enterprise = make_enterprise(session, name="重庆两江医疗器械有限公司")
        school = make_school(session, name="重庆卫生职业学院")
        users = {
            "demo_enterprise": make_user(session, Role.enterprise, enterprise, username="i_ent"),
            "demo_school": make_user(session, Role.school, school, username="i_school"),
        }
        for username, name in (("i_student", "刘小芳"), ("i_mate", "陈晓")):
            user = make_user(session, Role.student, school, username=username)
            make_student(session, school, NURSING, name=name, user_id=user.id)
            users.setdefault("demo_student", user)
        add_internships(session, users)
        session.commit()
    return "i_student"


def test_a_student_writes_a_weekly_log_and_prints_the_agreement(
    page: Page, live_server: LiveServer
) -> None:
    url = live_server.url
    student = _internship_in_progress(live_server.database_url)
    today = clock.today()
    monday = today - timedelta(days=today.weekday())

    sign_in(page, url, student, live_server.accounts.password)
    page.goto(f"{url}/internships")
    page.get_by_role("link", name=TITLE).click()
    expect(page).to_have_url(re.compile(r"/internships/[0-9a-f-]+$"))
    expect(page.get_by_text("进行中", exact=True)).to_be_visible()
    page.get_by_label("周起始日期（星期一）").fill(monday.isoformat())
    page.get_by_label("本周实习内容").fill("协助体检分诊，学习心电图操作")
    page.get_by_label("每日工作时长（小时，逐日填写，用逗号分隔）").fill("8,9,8")
    page.get_by_label("本周上过夜班").check()
    page.get_by_role("button", name="提交周志").click()
    expect(page.get_by_text("已保存。")).to_be_visible()
    expect(page.get_by_text(f"日工作时长超标：{monday}起一周：单日工作9小时")).to_be_visible()
    expect(page.get_by_text(f"安排夜班：{monday}起一周：岗位实习期间安排了夜班")).to_be_visible()
    screenshot(page, live_server.screenshots, "internship-log")

    internship_url = page.url.split("?")[0]
    page.goto(f"{internship_url}/agreement")
    expect(page.get_by_role("heading", name="职业学校学生实习三方协议")).to_be_visible()
    expect(page.get_by_text("第四条　实习报酬及支付方式")).to_be_visible()
    expect(page.get_by_text(re.compile("已投保：中国人民财产保险"))).to_be_visible()
    screenshot(page, live_server.screenshots, "internship-agreement")
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="打印 / 另存为PDF")).to_be_hidden()
    pdf = page.pdf(prefer_css_page_size=True)
    (live_server.screenshots / "internship-agreement.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
    # A4 (595 × 842 points) as the page's own CSS asks, on more than one page.
    boxes = re.findall(rb"/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]", pdf)
    assert {(round(float(w)), round(float(h))) for w, h in boxes} == {(595, 842)}
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 2
