"""The demo city's internships (issue 27), through the same operations as the API.

The demo enterprise posts a 岗位实习 for the demo school's nursing students (its staff clinic);
demo_student and a classmate apply and accept. demo_student's internship is in progress: the
agreement moved its start three weeks back, every party confirmed (the school recorded the
guardian's consent when the student's birth date is not entered), the insurance and the mentors are
recorded, and three weekly logs are written — the last with a 9-hour day and overtime, which is a
finding for the school and the regulator. The classmate's waits for its agreement (the school has
confirmed, the enterprise not yet).
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, col, select

from models import Organization, PositionKind, Role, User
from service import clock
from service.applications import operations as applications
from service.applications.schemas import ApplicationCreate
from service.internships import operations as internships
from service.internships.schemas import (
    AgreementUpdate,
    CommentCreate,
    ConfirmBody,
    InsuranceBody,
    LogCreate,
    Mentor,
    MentorsBody,
    Party,
)
from service.pagination import PageParams
from service.positions import operations as positions
from service.positions.schemas import PositionCreate

NURSING = "520201"
TITLE = "职工医务室护理岗位实习生"
LOGS: tuple[tuple[str, list[float], bool], ...] = (
    ("熟悉医务室工作流程，跟随带教护士学习生命体征测量和健康档案录入。", [8, 8, 8, 8, 8], False),
    ("参与职工健康体检的分诊和登记，练习静脉采血前的准备和消毒。", [8, 8, 7.5, 8, 8], False),
    ("配合年度体检高峰，周二加班整理体检数据。", [8, 9, 8, 8, 8], True),
)


def add_internships(session: Session, users: dict[str, User]) -> int:
    """Post, apply, accept and run the two demo internships; returns how many were made."""
    today = clock.today()
    enterprise_user = users["demo_enterprise"]
    school_user = users["demo_school"]
    student_user = users["demo_student"]
    enterprise = session.get(Organization, enterprise_user.organization_id)
    assert enterprise is not None
    view, _ = positions.create_position(
        session,
        enterprise_user,
        PositionCreate.model_validate(
            {
                "kind": PositionKind.internship,
                "title": TITLE,
                "description": "在企业职工医务室开展护理岗位实习：健康监测、体检分诊、健康宣教。",
                "majors": [NURSING],
                "skills": ["生命体征测量", "健康宣教"],
                "region_code": enterprise.region_code,
                "headcount": 2,
                "monthly_pay": 3400,
                "same_post_wage": 4200,
                "post_staff_count": 12,
                "hours_per_day": 8,
                "hours_per_week": 40,
                "start_date": today + timedelta(days=14),
                "end_date": today + timedelta(days=14 + 182),
                "closing_date": today + timedelta(days=7),
            }
        ),
    )
    position_id = view.position.id
    positions.publish_position(session, enterprise_user, position_id)
    classmate = session.exec(
        select(User)
        .where(
            col(User.role) == Role.student,
            col(User.organization_id) == school_user.organization_id,
            col(User.username) != student_user.username,
        )
        .order_by(col(User.username))
    ).first()
    assert classmate is not None
    made = []
    for user in (student_user, classmate):
        application = applications.apply(
            session, user, ApplicationCreate(position_id=position_id, message="希望到医务室实习。")
        )
        applications.offer(session, application.id, enterprise_user)
        applications.accept(session, application.id, user)
        listed, _ = internships.list_internships(
            session, user, None, PageParams(page=1, page_size=100)
        )
        made.append(next(i.id for i in listed if i.position.id == position_id))
    running, waiting = made

    # Four weeks ago on a Monday: the agreement's dates as the parties settled them.
    start = today - timedelta(days=today.weekday() + 21)
    end = start + timedelta(days=182)
    internships.update_agreement(
        session, school_user, running, AgreementUpdate(start_date=start, end_date=end)
    )
    internships.confirm_agreement(session, school_user, running, ConfirmBody())
    internships.confirm_agreement(session, enterprise_user, running, ConfirmBody())
    internships.confirm_agreement(session, student_user, running, ConfirmBody())
    if internships.read_internship(session, school_user, running).guardian_required:
        internships.confirm_agreement(
            session,
            school_user,
            running,
            ConfirmBody(party=Party.guardian, guardian_name="林建华", guardian_relation="父亲"),
        )
    internships.set_insurance(
        session,
        school_user,
        running,
        InsuranceBody(
            insurer="中国人民财产保险股份有限公司重庆市分公司",
            policy_number="PZAP2026500000123",
            cover_start=start,
            cover_end=end,
        ),
    )
    mentors = MentorsBody(
        school_mentor=Mentor(name="周敏", title="护理系讲师", phone="023-68000001"),
        enterprise_mentor=Mentor(name="蒋丽", title="医务室主管护师", phone="023-68000002"),
    )
    internships.set_mentors(session, school_user, running, mentors)
    internships.start(session, school_user, running)
    for week, (content, hours, overtime) in enumerate(LOGS):
        log = internships.add_log(
            session,
            student_user,
            running,
            LogCreate(
                week_start_date=start + timedelta(days=7 * week),
                content=content,
                daily_hours=[float(h) for h in hours],
                overtime=overtime,
            ),
        )
        if week == 0:
            internships.comment_log(
                session,
                enterprise_user,
                running,
                log.id,
                CommentCreate(text="操作规范，继续保持。"),
            )

    internships.confirm_agreement(session, school_user, waiting, ConfirmBody())
    return len(made)
