"""The small city the browser tests click through: one account per role, open positions, and two
years of cohorts so that the regulator's report has a major to merge and one to grow."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from models import PositionKind, Role
from tests.factories import (
    PASSWORD,
    make_enterprise,
    make_position,
    make_programme,
    make_school,
    make_student,
    make_user,
)
from tests.service.reports.helpers import PLAIN, PRIORITY, YEAR, region_with

NURSING = "520201"  # 护理, 高职专科


@dataclass(frozen=True)
class Accounts:
    password: str
    student: str
    enterprise: str
    school: str
    regulator: str
    school_code: str


def build_scenario(session: Session) -> Accounts:
    hospital = make_enterprise(session, name="重庆南岸康复医院", industry_code="8411")
    make_position(
        session,
        hospital,
        [NURSING],
        title="护理学徒",
        kind=PositionKind.apprenticeship,
        description="病房护理、康复护理，带教老师一对一指导",
        monthly_pay=4800,
        start_date=date(2027, 3, 1),
        skills=["基础护理", "急救"],
    )
    make_position(
        session,
        hospital,
        [NURSING],
        title="护理实习生",
        kind=PositionKind.internship,
        monthly_pay=3200,
        same_post_wage=3800,
        start_date=date(2027, 3, 1),
    )
    factory = make_enterprise(session, name="重庆精工数控有限公司")
    for index, title in enumerate(("数控车床操作员", "数控编程员", "设备维护技术员")):
        make_position(session, factory, [PRIORITY], title=title, monthly_pay=5600 + 400 * index)
    make_user(session, Role.enterprise, factory, username="b_enterprise")
    school = make_school(session, name="重庆南岸职业学院")
    make_user(session, Role.school, school, username="b_school")
    # The school runs 510203: its cohorts can be uploaded (cohorts only of majors it runs).
    make_programme(session, school, "510203", YEAR - 3)
    student_user = make_user(session, Role.student, school, username="b_student")
    make_student(
        session, school, NURSING, name="王小明", phone="13800001234", user_id=student_user.id
    )
    make_user(session, Role.regulator, username="b_regulator", display_name="市教委")
    region_with(
        session, PLAIN, {YEAR - 1: (100, 55), YEAR: (100, 50)}, {YEAR - 1: 80, YEAR: 80}, sites=2
    )
    region_with(session, PRIORITY, {YEAR - 1: (40, 38), YEAR: (40, 39)}, {YEAR: 100})
    return Accounts(
        password=PASSWORD,
        student="b_student",
        enterprise="b_enterprise",
        school="b_school",
        regulator="b_regulator",
        school_code=school.code,
    )
