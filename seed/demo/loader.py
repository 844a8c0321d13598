"""Loads the demo city through the platform's own operations, in one transaction.

Rows go through the bulk import (:func:`service.transfer.operations.import_sheet`), exactly as a
regulator's spreadsheet would, so the demo passes the same validation, compliance checks and
natural-key upserts. Accounts come from :func:`service.auth.operations.create_account`. The two
planted postings are drafted and offered for publication through the positions operations as the
demo enterprise's own account; publication refuses them, and the loader writes each refusal, with
its findings, to the audit log. The caller owns the transaction (``session_scope`` commits once).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from models import (
    Application,
    Organization,
    OrganizationKind,
    OrganizationStatus,
    Position,
    PositionKind,
    PositionStatus,
    Role,
    User,
)
from models.base import utcnow
from seed.demo.generator import (
    ACCOUNTS,
    CITY_REGION,
    DEFAULT_SEED,
    PARK_CODE,
    Account,
    DemoCity,
    Row,
    demo_passwords,
    generate_city,
)
from seed.demo.plan import YEARS
from service import audit, clock
from service.applications import operations as applications
from service.applications.schemas import ApplicationCreate
from service.auth import operations as auth
from service.auth.security import verify_password
from service.errors import AppError
from service.favorites import operations as favorites
from service.favorites.schemas import SavedSearchCreate
from service.interviews import operations as interviews
from service.interviews.schemas import InterviewCreate
from service.job_fairs import operations as job_fairs
from service.job_fairs.schemas import BoothCreate, JobFairCreate
from service.messages import operations as messages
from service.messages.schemas import MessageCreate
from service.positions import operations as positions
from service.positions.schemas import PositionCreate, PositionSearch
from service.programmes import operations as programmes
from service.programmes.schemas import PartnerIn, ProgrammeUpdate
from service.settings import settings
from service.students import operations as students
from service.students.schemas import ProfileUpdate
from service.transfer import operations as transfer
from service.transfer.columns import FileFormat, TransferKind, render_text
from service.transfer.readers import Sheet

ACTOR = "seed-demo"
"""Who the audit log says loaded the demo (a non-human actor, like ``cli``)."""
BLOCKED_CODE = "compliance_blocked"


class DemoRefused(AppError):
    """The demo city may only be loaded into a database whose environment is ``demo``."""

    status_code = 403
    code = "demo_refused"


@dataclass(frozen=True)
class RefusedPosting:
    """A planted draft that publication refused, with the findings that blocked it."""

    title: str
    position_id: str
    findings: list[dict[str, Any]]


@dataclass
class LoadResult:
    """What loading the demo did; ``already_loaded`` means nothing was written."""

    already_loaded: bool
    imported: dict[str, int] = field(default_factory=dict)  # kind → rows written
    accounts: list[Account] = field(default_factory=list)  # with passwords, when known
    refused: list[RefusedPosting] = field(default_factory=list)
    partners: int = 0  # enterprise partners set on programmes
    applications: dict[str, int] = field(default_factory=dict)  # status → applications
    seconds: float = 0.0
    today: date | None = None  # the day the city was generated for (None when found)

    @property
    def rows(self) -> int:
        return sum(self.imported.values())


def ensure_demo_environment() -> None:
    """Refuse unless ``CHANJIAO_ENVIRONMENT=demo``: demo accounts have printed passwords."""
    if settings.environment != "demo":
        raise DemoRefused(
            "演示数据只能在演示环境中导入：请设置环境变量 CHANJIAO_ENVIRONMENT=demo"
            f"（当前为 {settings.environment}）。演示账户的密码会打印在屏幕上，"
            "不能出现在生产库中。"
        )


def is_loaded(session: Session) -> bool:
    """The park organisation is the first row the demo writes: one indexed look-up."""
    statement = select(Organization.id).where(Organization.code == PARK_CODE)
    return session.exec(statement).first() is not None


def load_demo(
    session: Session, *, seed: int = DEFAULT_SEED, scale: float = 1.0, today: date | None = None
) -> LoadResult:
    """Generate and load the city of ``seed`` at ``scale`` as of ``today`` (default: today in
    China, so that its open positions close after the day it is seeded), or find it there and
    return at once."""
    ensure_demo_environment()
    started = time.perf_counter()
    if is_loaded(session):
        return _found(session, seed, started)
    result = load_city(session, generate_city(seed, scale, today or clock.today()))
    result.seconds = time.perf_counter() - started  # generation included
    return result


def load_city(session: Session, city: DemoCity) -> LoadResult:
    """Write ``city`` unless a demo city is there already; flushes, never commits."""
    ensure_demo_environment()
    started = time.perf_counter()
    if is_loaded(session):
        return _found(session, city.seed, started)
    result = LoadResult(already_loaded=False, today=city.today)
    for kind in city.KINDS:
        imported = transfer.import_sheet(
            session,
            TransferKind(kind),
            _sheet(city.rows(kind)),
            file_name=f"demo-{kind}.csv",
            actor=ACTOR,
            # The city's students get no accounts (nobody would see their passwords); the
            # demo student's account is made below and linked to one of them.
            accounts=False,
        )
        result.imported[kind] = imported.inserted + imported.updated
    users = {
        account.username: auth.create_account(
            session,
            username=account.username,
            password=account.password,
            role=Role(account.role),
            organization_code=account.organization_code,
            actor=ACTOR,
        )
        for account in city.accounts
    }
    result.partners = _add_partners(session, city.partners)
    result.accounts = list(city.accounts)
    enterprise_user = next(user for user in users.values() if user.role == Role.enterprise)
    result.refused = [_draft_and_offer(session, enterprise_user, row) for row in city.drafts]
    result.applications = _applications(session, city, users)
    _keep(session, users["demo_student"])
    regulator = next(u for u in users.values() if u.role == Role.regulator)
    _add_alliance(session, city, regulator)
    _add_registry(session, enterprise_user, regulator)
    _publish_lists(session, regulator)
    _add_adjustments(session, regulator, users)
    _add_internships(session, users)
    _opt_in_outcomes(session, users)
    _add_waiting(session, users, city.seed)
    result.imported["positions"] += len(city.drafts)
    result.seconds = time.perf_counter() - started
    return result


def _add_internships(session: Session, users: dict[str, User]) -> None:
    """demo_student's internship in progress and a classmate's waiting for its agreement."""
    from seed.demo.internships import add_internships

    add_internships(session, users)


def _add_waiting(session: Session, users: dict[str, User], seed: int) -> None:
    """Registrations, an identity change and a placement round waiting (seed/demo/waiting.py)."""
    from seed.demo.waiting import add_waiting

    add_waiting(session, users, seed)


ALLIANCE_NAME = "重庆两江智造市域产教联合体"
ALLIANCE_INDUSTRIES = ("new-energy-vehicles", "intelligent-manufacturing", "new-generation-it")


def _add_alliance(session: Session, city: DemoCity, regulator: User) -> None:
    """The city's 市域产教联合体: the park, the education commission, its schools, enterprises."""
    from service.alliances import operations as alliances
    from service.alliances.schemas import AllianceIn

    orgs = city.rows("organizations")
    alliances.create(
        session,
        AllianceIn(
            name=ALLIANCE_NAME,
            region_code=CITY_REGION,
            park_code=PARK_CODE,
            government_code=next(str(o["code"]) for o in orgs if o["kind"] == "government"),
            school_codes=[str(o["code"]) for o in orgs if o["kind"] == "school"],
            enterprise_codes=[str(o["code"]) for o in orgs if o["kind"] == "enterprise"],
            research_institutions=["重庆市汽车工程研究院", "重庆市智能制造研究院"],
            lead_industries=list(ALLIANCE_INDUSTRIES),
        ),
        regulator,
    )


def _publish_lists(session: Session, regulator: User) -> None:
    """The city's three lists for its latest year, drafted and published by its regulator."""
    from service.lists import operations as lists

    year = YEARS[-1]
    for kind in ("talent-demand", "industry", "policy-support"):
        draft = lists.create_draft(session, CITY_REGION, kind, year, regulator)
        assert draft.version is not None
        lists.publish(session, CITY_REGION, kind, year, draft.version, regulator)


def _opt_in_outcomes(session: Session, users: dict[str, User]) -> None:
    """The demo school lets the platform check its cohorts against accepted places (issue 27)."""
    from service.programmes import outcomes
    from service.programmes.schemas import OutcomesOptIn

    school_user = next(u for u in users.values() if u.role == Role.school)
    school = session.get(Organization, school_user.organization_id)
    assert school is not None
    outcomes.set_opt_in(session, school_user, school.code, OutcomesOptIn(opted_in=True))


def _add_adjustments(session: Session, regulator: User, users: dict[str, User]) -> None:
    """The report year's 专业动态调整 window, the demo school's proposals in every state."""
    from seed.demo.adjustments import add_window

    school = next(u for u in users.values() if u.role == Role.school)
    add_window(session, CITY_REGION, YEARS[-1], regulator, school)


# (decision steps, reason): the registry shows one entry in each state.
REGISTRY_STEPS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("cultivation", "certified"), "合作专业、学徒岗位与平台数据相符，予以认定"),
    (("cultivation",), "纳入培育库，待满一年合作后复核"),
    ((), ""),
    (("refused",), "申报的合作专业点数与平台登记不符，且无学徒岗位记录"),
)


def _add_registry(session: Session, enterprise_user: User, regulator: User) -> None:
    """A few 产教融合型企业 applications in different states (the demo enterprise's certified)."""
    from service.integration_enterprises import operations as registry
    from service.integration_enterprises.schemas import ApplicationIn, ReviewIn

    others = session.exec(
        select(Organization)
        .where(
            Organization.kind == OrganizationKind.enterprise,
            Organization.status == OrganizationStatus.verified,
            Organization.id != enterprise_user.organization_id,
            col(Organization.region_code).startswith(CITY_REGION[:2]),
        )
        .order_by(col(Organization.code))
        .limit(len(REGISTRY_STEPS) - 1)
    ).all()
    own = session.get(Organization, enterprise_user.organization_id)
    assert own is not None
    for i, (enterprise, (steps, reason)) in enumerate(
        zip([own, *others], REGISTRY_STEPS, strict=False)
    ):
        claim = ApplicationIn(
            cooperation_years=3 + i,
            partner_programmes=2 + 2 * i,
            apprentices=20 - 4 * i,
            interns=30 - 5 * i,
            investment=Decimal(1_500_000 - 300_000 * i),
            statement=f"{enterprise.name}与本市职业院校开展订单培养和现代学徒制",
        )
        entry = registry.apply_for(session, enterprise, claim, ACTOR)
        for step in steps:
            registry.review(
                session,
                entry.id,
                ReviewIn(decision=step, reason=reason if step == steps[-1] else ""),
                regulator,
            )


def _add_partners(session: Session, rows: Sequence[Row]) -> int:
    """Set each partnered programme's enterprises through the programmes operations (the same
    checks as the API: every partner must be a verified enterprise)."""
    by_programme: dict[tuple[str, str, int], list[PartnerIn]] = {}
    for row in rows:
        key = (str(row["school_code"]), str(row["major_code"]), int(str(row["year"])))
        by_programme.setdefault(key, []).append(
            PartnerIn.model_validate(
                {"enterprise_code": row["enterprise_code"], "kind": row["kind"]}
            )
        )
    for (school, major, year), partners in by_programme.items():
        programme_id = programmes.programme_id_for(session, school, major, year)
        programmes.update_programme(
            session, ACTOR, programme_id, ProgrammeUpdate(partners=partners)
        )
    return len(rows)


# The demo student and six classmates; synthetic names and numbers (no real person's data).
DEMO_STUDENT_PROFILE = {
    "name": "林晓雨",
    "phone": "13900000001",
}
DEMO_STUDENT_MAJOR = "520201"  # 护理
CLASSMATES = (
    ("陈思远", "13900000002"),
    ("王子涵", "13900000003"),
    ("刘一鸣", "13900000004"),
    ("张雨桐", "13900000005"),
    ("赵可欣", "13900000006"),
    ("黄子轩", "13900000007"),
)


def _applications(session: Session, city: DemoCity, users: dict[str, User]) -> dict[str, int]:
    """The demo student's profile and applications, through the application operations.

    The demo enterprise's open position fills: the demo student and four classmates accept its
    five places, one classmate was rejected and one still in review is closed when the last place
    goes. The demo student also has an application submitted and one withdrawn elsewhere.
    Returns the applications per status.
    """
    student_user = users["demo_student"]
    enterprise_user = users["demo_enterprise"]
    school_code = next(a.organization_code for a in city.accounts if a.role == "student")
    assert school_code is not None
    rows = [row for row in city.students if row["school_code"] == school_code]
    # The demo school runs 护理; its first nursing student is the demo student.
    nursing = next((r for r in rows if r["major_code"] == DEMO_STUDENT_MAJOR), rows[0])
    own = str(nursing["student_no"])
    classmates = [str(r["student_no"]) for r in rows if r is not nursing][:6]
    students.attach_account(session, ACTOR, school_code, own, student_user, **DEMO_STUDENT_PROFILE)
    students.update_profile(
        session,
        student_user,
        ProfileUpdate(
            certificates=["老年照护职业技能等级证书（中级）", "1+X 母婴护理（初级）"],
            preferred_kinds=[PositionKind.job, PositionKind.internship],
            introduction="护理专业在读，做过社区养老服务志愿者，希望在重庆主城从事护理或康养工作。",
        ),
    )
    school_id = session.exec(
        select(Organization.id).where(col(Organization.code) == school_code)
    ).one()
    planned = students.plan_accounts(
        session, [], [(school_id, no) for no in classmates], {school_id: school_code}
    )
    students.create_accounts(session, planned, ACTOR)
    mates = []
    for account, (name, phone) in zip(planned, CLASSMATES, strict=True):
        user = session.exec(select(User).where(col(User.username) == account.username)).one()
        students.attach_account(
            session, ACTOR, school_code, account.student_no, user, name=name, phone=phone
        )
        mates.append(user)

    filled = session.exec(
        select(Position)
        .where(
            col(Position.enterprise_id) == enterprise_user.organization_id,
            col(Position.status) == PositionStatus.open,
        )
        .order_by(col(Position.title))
    ).first()
    others = session.exec(
        select(Position)
        .where(
            col(Position.enterprise_id) != enterprise_user.organization_id,
            col(Position.status) == PositionStatus.open,
        )
        .order_by(col(Position.closing_date).desc(), col(Position.title))
        .limit(2)
    ).all()
    # The city always has them; the demo position has five places for six classmates.
    assert filled is not None
    assert len(others) == 2
    assert filled.headcount <= len(mates) - 1
    # Who applies to the filled position, and what becomes of each application.
    accepting = [student_user, *mates[: filled.headcount - 1]]
    rejected, in_review = mates[filled.headcount - 1], mates[filled.headcount]
    fair_id = _add_job_fair(session, users, school_id, filled.id, [student_user, *mates[:2]])
    made = {}
    for user in [*accepting, rejected, in_review]:
        made[user.id] = applications.apply(
            session,
            user,
            ApplicationCreate(
                position_id=filled.id,
                message="希望获得面试机会。",
                # The demo student found the position at the school's 双选会.
                job_fair_id=fair_id if user is student_user else None,
            ),
        ).id
    _add_interview_and_messages(session, made[student_user.id], enterprise_user, student_user)
    applications.review(session, made[in_review.id], enterprise_user)
    applications.reject(session, made[rejected.id], enterprise_user)
    for user in accepting:
        applications.offer(session, made[user.id], enterprise_user)
    for user in accepting:
        applications.accept(session, made[user.id], user)
    applications.apply(session, student_user, ApplicationCreate(position_id=others[0].id))
    withdrawn = applications.apply(
        session, student_user, ApplicationCreate(position_id=others[1].id)
    )
    applications.withdraw(session, withdrawn.id, student_user)
    counts = session.execute(
        select(col(Application.status), func.count()).group_by(col(Application.status))
    ).all()
    return {str(status): int(count) for status, count in counts}


def _keep(session: Session, student: User) -> None:
    """demo_student keeps a position and a search kept a month ago; the daily digest has run
    once, so its new matches wait as a notification beside the offer's."""
    kept = session.exec(
        select(Position.id)
        .where(col(Position.status) == PositionStatus.open, col(Position.title).contains("护"))
        .order_by(col(Position.title))
    ).first()
    if kept is not None:
        favorites.add_favorite(session, student, kept)
    favorites.save_search(
        session,
        student,
        SavedSearchCreate(name="护理岗位", search=PositionSearch(q="护理")),
        since=utcnow() - timedelta(days=30),
    )
    favorites.digest_run(session, favorites.digest_compute(session))


JOB_FAIR_TITLE = "2027届毕业生春季校园双选会"


def _demo_day(days: int, hour: int) -> datetime:
    """A local time ``days`` after today (never in the past, whatever day the city was made for)."""
    # Interviews and fairs are refused in the past by the real clock; a city made for an
    # earlier reference day still gets them ahead of now.
    day = max(clock.today(), clock.local(utcnow()).date()) + timedelta(days=days)
    return datetime.combine(day, clock_time(hour), tzinfo=clock.CHINA)


def _add_job_fair(
    session: Session,
    users: dict[str, User],
    school_id: Any,
    position_id: Any,
    registrants: Sequence[User],
) -> Any:
    """The demo school's upcoming 双选会: the demo enterprise's booth (approved) with its open
    position, and three students signed up. Returns the fair's id."""
    school_user, enterprise_user = users["demo_school"], users["demo_enterprise"]
    school = session.get(Organization, school_id)
    assert school is not None
    fair = job_fairs.create(
        session,
        school_user,
        JobFairCreate(
            title=JOB_FAIR_TITLE,
            description="面向本校及周边院校应届毕业生，企业现场招聘学徒、实习和就业岗位。",
            starts_at=_demo_day(14, 9),
            ends_at=_demo_day(14, 16),
            venue="重庆城建职业技术学院 体育馆",
            region_code=school.region_code,
            capacity=300,
        ),
    )
    booth = job_fairs.book_booth(
        session,
        enterprise_user,
        fair.id,
        BoothCreate(position_ids=[position_id], note="需要一张桌子和电源"),
    )
    job_fairs.approve_booth(session, school_user, fair.id, booth.id)
    for user in registrants:
        job_fairs.register(session, user, fair.id)
    return fair.id


def _add_interview_and_messages(
    session: Session, application_id: Any, enterprise_user: User, student_user: User
) -> None:
    """An interview the demo student confirmed, and a short thread, before the offer."""
    interview = interviews.propose(
        session,
        enterprise_user,
        application_id,
        InterviewCreate(
            starts_at=_demo_day(7, 10),
            duration_minutes=45,
            place="重庆山城车身系统股份有限公司 人力资源部 2楼会议室",
            note="请携带简历和护士执业资格考试准考证。",
        ),
    )
    interviews.confirm(session, student_user, interview.id)
    for user, text in (
        (enterprise_user, "你好，面试当天请提前十分钟到一楼前台登记。"),
        (student_user, "好的，我会准时参加，谢谢！"),
    ):
        messages.send(session, user, application_id, MessageCreate(body=text))


def _sheet(rows: Sequence[Row]) -> Sheet:
    """Rows as the importer reads a file: a header and text cells, data from spreadsheet row 2."""
    headers = list(rows[0]) if rows else []
    return Sheet(
        headers=headers,
        rows=[
            (number, [render_text(row[header]) for header in headers])
            for number, row in enumerate(rows, start=2)
        ],
        file_format=FileFormat.csv,
        encoding="utf-8",
    )


def _draft_and_offer(session: Session, actor: User, row: Row) -> RefusedPosting:
    """Draft a planted posting as its enterprise would, then try to publish it."""
    view, _ = positions.create_position(session, actor, _position_create(row))
    position = view.position
    try:
        # A savepoint, so that a refusal can never leave half a publication behind.
        with session.begin_nested():
            positions.publish_position(session, actor, position.id)
    except AppError as refusal:
        if refusal.code != BLOCKED_CODE:
            raise
        audit.record(
            session,
            ACTOR,
            "publish_refused",
            "position",
            position.id,
            None,
            {"title": position.title, "status": position.status, "findings": refusal.details},
        )
        return RefusedPosting(position.title, str(position.id), refusal.details)
    raise RuntimeError(f"planted posting {position.title!r} was published: the rules have changed")


def _position_create(row: Row) -> PositionCreate:
    def text_list(key: str) -> list[str]:
        return [item for item in str(row[key] or "").split(";") if item]

    def day(key: str) -> date | None:
        value = row[key]
        return date.fromisoformat(str(value)) if value else None

    start = day("start_date")
    assert start is not None  # every planted posting has one
    return PositionCreate.model_validate(
        {
            "kind": row["kind"],
            "title": row["title"],
            "description": row["description"],
            "majors": text_list("major_codes"),
            "skills": text_list("skills"),
            "region_code": row["region_code"],
            "headcount": row["headcount"],
            "monthly_pay": row["monthly_pay"],
            "same_post_wage": row["same_post_wage"],
            "post_staff_count": row["post_staff_count"],
            "hours_per_day": row["hours_per_day"],
            "hours_per_week": row["hours_per_week"],
            "start_date": start,
            "end_date": day("end_date"),
            "closing_date": day("closing_date"),
        }
    )


def _found(session: Session, seed: int, started: float) -> LoadResult:
    """The city is there: nothing is written; its accounts are shown if ``seed`` made them.

    The passwords are a function of the seed, so one hash check (argon2, tens of milliseconds)
    tells whether the stored city was made with this seed.
    """
    passwords = demo_passwords(seed)
    first = ACCOUNTS[0][0]
    stored = session.exec(select(User.password_hash).where(User.username == first)).first()
    accounts: list[Account] = []
    if stored is not None and verify_password(passwords[first], stored):
        accounts = [
            Account(username, passwords[username], role, None, label)
            for username, role, label in ACCOUNTS
        ]
    return LoadResult(already_loaded=True, accounts=accounts, seconds=time.perf_counter() - started)
