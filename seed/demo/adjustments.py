"""The demo city's 专业动态调整 window of the report year, with proposals in every state.

Written through the adjustment operations (the same evidence, checks and decisions as the API):
the city's education commission opens the window (two weeks ago until a month from the seeding
day), and the demo school proposes — one proposal approved (its plan changes), one returned for
changes, one refused, one draft, and one still waiting that opens a major the report flags 撤并
for 设置雷同, against the warning, with its written justification.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, col, select

from models import MajorProposal, Programme, User
from service import clock
from service.adjustments import operations
from service.adjustments.schemas import ProposalCreate, WindowCreate
from service.reports import operations as reports
from service.reports.operations import MismatchQuery

# 大数据与会计: planted 撤并 for 设置雷同 at 8 schools (seed/demo/plan.py).
AGAINST_WARNING_MAJOR = "530302"
CASE = {
    "teachers": 18,
    "dual_qualified_teachers": 11,
    "facilities": "校内实训基地 2 个，合计 1800 平方米",
    "partners": ["重庆两江新区智能制造有限公司"],
}


def add_window(session: Session, region: str, year: int, regulator: User, school: User) -> int:
    """The window and the demo school's proposals; returns how many proposals were written."""
    today = clock.today()
    operations.create_window(
        session,
        regulator,
        WindowCreate(
            region_code=region,
            year=year,
            opens_on=today - timedelta(days=14),
            closes_on=today + timedelta(days=30),
            note="请各校按专业设置管理办法报送年度专业调整申请，附专业建设条件说明。",
        ),
    )
    assert school.organization_id is not None
    plans = dict(
        session.exec(
            select(Programme.major_code, Programme.enrolment_plan)
            .where(
                Programme.school_id == school.organization_id,
                Programme.year == year,
                col(Programme.enrolment_plan) > 0,
            )
            .order_by(col(Programme.major_code))
        ).all()
    )
    report = reports.mismatch_report(session, MismatchQuery(region=region, year=year), viewer=None)
    actions = {row.major_code: row.action for row in report.rows}
    flagged = [code for code in plans if actions.get(code) in ("merge_or_close", "reduce")]
    others = [code for code in plans if code not in flagged]
    count = 0

    def propose(**body: object) -> MajorProposal:
        nonlocal count
        count += 1
        return operations.create_proposal(
            session, school, ProposalCreate.model_validate({"year": year, **CASE, **body})
        )

    # Approved: stop a flagged major if the school runs one, else cut a plan by a fifth.
    if flagged:
        approved = propose(kind="stop", major=flagged[0], reason="落实地区供需预警，停止招生")
    elif others:
        code = others.pop(0)
        approved = propose(
            kind="plan",
            major=code,
            planned_enrolment=int(plans[code] * 0.8),
            reason="对接岗位需求，适当压缩招生规模",
        )
    else:
        return 0
    operations.submit_proposal(session, school, approved.id)
    operations.approve(session, regulator, approved.id, "同意，请按调整后的计划招生")

    if others:
        code = others.pop(0)
        returned = propose(
            kind="plan",
            major=code,
            planned_enrolment=plans[code] + 10,
            reason="合作企业订单需求增加",
        )
        operations.submit_proposal(session, school, returned.id)
        operations.return_for_changes(
            session, regulator, returned.id, "请补充合作企业订单协议和实训工位数量"
        )

    if AGAINST_WARNING_MAJOR not in plans:
        against = propose(
            kind="open",
            major=AGAINST_WARNING_MAJOR,
            planned_enrolment=40,
            reason="服务园区企业财务共享中心",
            justification="与园区财务共享中心签订订单培养协议，40 个岗位定向录用，不增加地区供给",
        )
        operations.submit_proposal(session, school, against.id)

    refused = propose(
        kind="open",
        major="婴幼儿托育服务与管理" if "520802" not in plans else "智慧健康养老服务与管理",
        planned_enrolment=30,
        reason="社区托育需求增长",
    )
    operations.submit_proposal(session, school, refused.id)
    operations.refuse(session, regulator, refused.id, "专任教师不足 8 人，实训条件未达到设置标准")

    if others:
        code = others.pop(0)
        propose(kind="plan", major=code, planned_enrolment=plans[code], reason="（草稿）")
    return count
