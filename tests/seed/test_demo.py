"""The demo city: a deterministic generator, and its load through the CLI on both databases."""

from __future__ import annotations

import csv
import math
import os
import re
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import Session, SQLModel, col, select

from models import (
    Application,
    ApplicationMessage,
    AuditLog,
    IdentityChangeRequest,
    IntegrationApplication,
    Internship,
    InternshipFinding,
    InternshipLog,
    Interview,
    JobFair,
    JobFairBooth,
    JobFairRegistration,
    ListVersion,
    MajorProposal,
    Organization,
    PlacementRound,
    Position,
    Programme,
    ProgrammePartner,
    User,
    natural_id,
)
from models.base import utcnow
from models.validators import uscc_problem
from seed.demo import PARK_CODE, REFERENCE_DAY, generate_city
from seed.demo.generator import DATA_DIR, Row
from seed.demo.plan import PORTFOLIO, PlantedRole
from service import clock, posting_rules
from service.db import session_scope
from service.positions import compliance
from service.reports import operations as reports
from service.settings import settings
from service.transfer.validation import PositionRow

ROOT = Path(__file__).resolve().parents[2]
# The seeding day in China: what `chanjiao seed demo` passes to the generator.
TODAY = clock.today()
CITY = generate_city(today=TODAY)  # seed 2026, scale 1: what `chanjiao seed demo` loads today

# Planted role → the rules the mismatch report must give (national profile, report year 2026).
PLANTED_RULES = {
    PlantedRole.keep: set(),
    PlantedRole.expand: {"expand"},
    PlantedRole.oversupply_merge: {"oversupply_persistent", "oversupply"},
    PlantedRole.destination_merge: {"destination_persistent", "destination_low"},
    PlantedRole.vanishing: {"vanishing", "oversupply"},
    PlantedRole.destination_reduce: {"destination_low"},
    PlantedRole.oversupply_reduce: {"oversupply"},
    PlantedRole.upgrade: {"upgrade"},
}
# The planted drafts start on the first 1 March at least 45 days after the seeding day.
SPRING = next(
    day
    for day in (date(TODAY.year + n, 3, 1) for n in range(3))
    if day >= TODAY + timedelta(days=45)
)
SUMMARY = {"merge_or_close": 5, "reduce": 2, "upgrade": 2, "expand": 6, "keep": 51}


def _majors_csv() -> dict[str, str]:
    with (DATA_DIR / "majors.csv").open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["level"] for row in csv.DictReader(handle)}


# ---------------------------------------------------------------- the generator (no database)


def test_same_seed_gives_identical_rows_and_another_seed_others() -> None:
    again = generate_city(today=TODAY)
    other = generate_city(seed=7, today=TODAY)

    assert again == CITY
    assert again.fingerprint() == CITY.fingerprint()
    assert other.organizations != CITY.organizations
    assert other.positions != CITY.positions
    assert other.cohorts != CITY.cohorts
    assert other.accounts[0].password != CITY.accounts[0].password


def test_the_same_seed_on_another_day_moves_only_the_dates() -> None:
    later = generate_city(today=TODAY + timedelta(days=40))

    assert later == generate_city(today=TODAY + timedelta(days=40))
    assert later.fingerprint() != CITY.fingerprint()
    assert later.today == TODAY + timedelta(days=40)
    for kind in ("organizations", "programmes", "cohorts", "demand", "students"):
        assert later.rows(kind) == CITY.rows(kind), kind
    assert later.accounts == CITY.accounts
    assert later.partners == CITY.partners
    dates = ("start_date", "closing_date", "end_date")
    for moved, row in zip(later.positions, CITY.positions, strict=True):
        assert {k: v for k, v in moved.items() if k not in dates} == {
            k: v for k, v in row.items() if k not in dates
        }
        if row["status"] == "open":
            for key in dates:
                if row[key] is not None:
                    shifted = date.fromisoformat(str(row[key])) + timedelta(days=40)
                    assert moved[key] == shifted.isoformat()
        else:
            assert moved == row
    opened = [row for row in later.positions if row["status"] == "open"]
    assert len(opened) == 300
    assert min(date.fromisoformat(str(row["closing_date"])) for row in opened) > later.today


def test_the_reference_day_keeps_the_planned_dates() -> None:
    planned = generate_city()

    assert planned.today == REFERENCE_DAY == date(2026, 11, 23)
    closing = [
        date.fromisoformat(str(row["closing_date"]))
        for row in planned.positions
        if row["status"] == "open"
    ]
    assert (min(closing), max(closing)) == (date(2026, 12, 1), date(2027, 2, 28))
    assert [(row["start_date"], row["closing_date"]) for row in planned.drafts] == [
        ("2027-03-01", "2027-01-31"),
        ("2027-03-01", "2027-02-20"),
    ]


def test_rows_do_not_depend_on_the_hash_seed() -> None:
    code = (
        "import datetime; from seed.demo import generate_city; "
        f"print(generate_city(today=datetime.date.fromisoformat('{TODAY}')).fingerprint())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for hash_seed in ("1", "2")
    }

    assert digests == {CITY.fingerprint()}


def test_sizes_at_scale_1() -> None:
    kinds = Counter(str(row["kind"]) for row in CITY.organizations)
    levels = Counter(str(row["level"]) for row in CITY.organizations if row["kind"] == "school")
    statuses = Counter(str(row["status"]) for row in (*CITY.positions, *CITY.drafts))

    assert CITY.counts() == {
        "organizations": 442,
        "programmes": 1000,
        "cohorts": 1000,
        "demand": 1584,
        "students": 2000,
        "positions": 3000,
    }
    assert CITY.total_rows == 9026
    assert kinds == {"park": 1, "government": 1, "school": 40, "enterprise": 400}
    assert levels == {"中职": 16, "高职专科": 20, "职教本科": 4}
    assert statuses == {"closed": 2698, "open": 300, "draft": 2}
    assert Counter(str(row["kind"]) for row in CITY.positions) == {
        "job": 1507,
        "internship": 1056,
        "apprenticeship": 435,
    }
    assert {row["graduation_year"] for row in CITY.cohorts} == {2022, 2023, 2024, 2025, 2026}
    assert {row["year"] for row in CITY.programmes} == {2022, 2023, 2024, 2025, 2026}
    assert {row["graduation_year"] for row in CITY.students} == {2027, 2028}
    assert [a.username for a in CITY.accounts] == [
        "demo_admin",
        "demo_regulator",
        "demo_school",
        "demo_enterprise",
        "demo_student",
    ]


def test_scale_multiplies_the_sizes() -> None:
    double = generate_city(scale=2)
    kinds = Counter(str(row["kind"]) for row in double.organizations)

    assert kinds == {"park": 1, "government": 1, "school": 80, "enterprise": 800}
    assert double.counts()["positions"] == 6000
    assert double.counts()["students"] == 4000
    assert double.counts()["programmes"] == 2000


def test_codes_are_valid_and_placed_in_chongqing() -> None:
    for row in CITY.organizations:
        code, region = str(row["code"]), str(row["region_code"])
        assert region.startswith("50")
        if row["kind"] == "school":
            # 学校标识码: 36 中职 / 41 普通高校, 50 重庆, then 6 digits (higher: "0" + 学校代码).
            pattern = r"3650\d{6}" if row["level"] == "中职" else r"41500\d{5}"
            assert re.fullmatch(pattern, code), code
        else:
            assert uscc_problem(code) is None, code
            assert code[2:8] == region  # positions 3–8: the registering area
    codes = [row["code"] for row in CITY.organizations]
    assert len(set(codes)) == len(codes)
    assert PARK_CODE in codes
    names = [row["name"] for row in CITY.organizations]
    assert len(set(names)) == len(names)


def test_programmes_come_from_the_level_catalogue() -> None:
    levels = _majors_csv()
    school_level = {
        row["code"]: row["level"] for row in CITY.organizations if row["kind"] == "school"
    }

    for row in (*CITY.programmes, *CITY.cohorts, *CITY.students):
        assert levels[str(row["major_code"])] == school_level[row["school_code"]]
    assert {row["major_code"] for row in CITY.programmes} == {plan.code for plan in PORTFOLIO}
    for row in CITY.cohorts:
        graduates, placed = int(str(row["graduates"])), int(str(row["placed"]))
        in_field, further = int(str(row["in_field"])), int(str(row["further_study"]))
        assert 0 <= in_field + further <= placed <= graduates


def test_the_planted_drafts_are_for_the_next_spring() -> None:
    for row in CITY.drafts:
        assert date.fromisoformat(str(row["start_date"])) == SPRING
        assert TODAY < date.fromisoformat(str(row["closing_date"])) < SPRING
    assert CITY.drafts[1]["title"] == f"总装车间岗位实习生（{SPRING.year}春季）"


def test_dates_and_pay_of_the_postings() -> None:
    for row in CITY.positions:
        start = date.fromisoformat(str(row["start_date"]))
        closing = date.fromisoformat(str(row["closing_date"]))
        pay = float(str(row["monthly_pay"]))
        if row["status"] == "open":
            assert TODAY + timedelta(days=8) <= closing <= TODAY + timedelta(days=97)
            assert closing < start
        else:
            assert date(2022, 1, 1) <= start <= min(TODAY, REFERENCE_DAY) - timedelta(days=3)
            assert closing < start
        if row["kind"] == "internship":
            assert 2500 <= pay <= 4500
            floor = posting_rules.load_rules().internship_pay_min_share
            assert pay / float(str(row["same_post_wage"])) >= floor
        elif row["kind"] == "job":
            assert 4500 <= pay <= 9000


def _facts(row: Row, staff: int, others: int) -> Any:
    def number(key: str) -> float | None:
        value = row[key]
        return None if value is None else float(value)

    post_staff = row["post_staff_count"]
    position = PositionRow(
        enterprise_id=uuid.uuid4(),
        kind=str(row["kind"]),
        title=str(row["title"]),
        description=str(row["description"]),
        headcount=int(str(row["headcount"])),
        monthly_pay=number("monthly_pay"),
        same_post_wage=number("same_post_wage"),
        post_staff_count=None if post_staff is None else int(post_staff),
        hours_per_day=number("hours_per_day"),
        hours_per_week=number("hours_per_week"),
    )
    return compliance.facts_of(position, staff_count=staff, existing_interns=others)


def test_only_the_planted_drafts_break_the_posting_rules() -> None:
    staff = {
        row["code"]: int(str(row["staff_count"]))
        for row in CITY.organizations
        if row["staff_count"]
    }
    interns: Counter[str] = Counter()
    for row in (*CITY.positions, *CITY.drafts):
        if row["kind"] == "internship" and row["status"] in ("open", "draft"):
            interns[str(row["enterprise_code"])] += int(str(row["headcount"]))

    def blocking(row: Row) -> list[str]:
        enterprise = str(row["enterprise_code"])
        own = int(str(row["headcount"])) if row["kind"] == "internship" else 0
        others = interns[enterprise] - own if row["status"] != "closed" else 0
        findings = compliance.check_facts(_facts(row, staff[enterprise], others))
        return [f.code for f in findings if f.severity == "blocking"]

    assert [row for row in CITY.positions if blocking(row)] == []
    assert [blocking(row) for row in CITY.drafts] == [
        ["discriminatory_term", "discriminatory_term", "discriminatory_term"],
        ["internship_pay_below_share"],
    ]
    assert {str(row["enterprise_code"]) for row in CITY.drafts} == {
        CITY.accounts[3].organization_code
    }


def test_open_internships_stay_within_ten_percent_of_staff() -> None:
    staff = {
        row["code"]: int(str(row["staff_count"]))
        for row in CITY.organizations
        if row["staff_count"]
    }
    interns: Counter[str] = Counter()
    for row in (*CITY.positions, *CITY.drafts):
        if row["kind"] == "internship" and row["status"] in ("open", "draft"):
            interns[str(row["enterprise_code"])] += int(str(row["headcount"]))

    cap = posting_rules.load_rules().intern_share_of_staff_max
    assert [code for code, n in interns.items() if n > math.floor(staff[code] * cap)] == []


def test_rejects_a_scale_that_is_not_positive() -> None:
    with pytest.raises(ValueError, match="scale must be positive"):
        generate_city(scale=0)


# ---------------------------------------------------------------- loading (both databases)


def _table_counts(url: str) -> dict[str, int]:
    with session_scope(url, write=False) as session:
        return {
            name: int(session.execute(select(func.count()).select_from(table)).scalar_one())
            for name, table in sorted(SQLModel.metadata.tables.items())
        }


def test_refused_outside_the_demo_environment(
    run_cli: Callable[..., Any], fresh_db_url: str
) -> None:
    before = _table_counts(fresh_db_url)

    result = run_cli("--db", fresh_db_url, "seed", "demo")

    assert result.exit_code == 2
    assert "CHANJIAO_ENVIRONMENT=demo" in result.stderr
    assert _table_counts(fresh_db_url) == before


def test_load_through_the_cli_plants_every_action_and_reruns_add_nothing(
    run_cli: Callable[..., Any], fresh_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "environment", "demo")
    # Seeded on the day the figures were planned on: the open positions starting in the report
    # year (and so the talent-demand list) are those planned.
    monkeypatch.setattr(clock, "today", lambda: REFERENCE_DAY)

    first = run_cli("--db", fresh_db_url, "seed", "demo", "--home", "http://127.0.0.1:8123/")

    assert first.exit_code == 0, first.output
    assert "演示城市已导入" in first.stdout
    assert "演示数据以导入当天 2026-11-23 为“今天”" in first.stdout
    [applied] = [line for line in first.stdout.splitlines() if line.startswith("岗位申请：")]
    assert set(applied.removeprefix("岗位申请：").split("（")[0].split("，")) == {
        "已接受录用 5",
        "岗位已招满或关闭 1",
        "已投递 1",
        "未通过 1",
        "已撤回 1",
    }
    # It ends with the home page, the accounts above it, and one thing to try per role.
    ending = first.stdout.split("演示账户（仅限演示环境使用）：")[1].splitlines()
    assert "打开首页：http://127.0.0.1:8123/" in "\n".join(ending)
    tries = ending[ending.index("每个角色先试一件事：") + 1 :]
    assert [line.split()[1] for line in tries] == [a.username for a in CITY.accounts]
    assert all(len(line.split()[2]) > 10 for line in tries)
    for account in CITY.accounts:
        assert f"{account.username:<16}  {account.password}" in first.stdout
    with session_scope(fresh_db_url, write=False) as session:
        _assert_city(session)
        _assert_programmes(session)
    loaded = _table_counts(fresh_db_url)

    second = run_cli("--db", fresh_db_url, "seed", "demo")

    assert second.exit_code == 0, second.output
    assert "演示城市已存在" in second.stdout
    assert "Demo-" in second.stdout  # same seed: the passwords are shown again
    assert _table_counts(fresh_db_url) == loaded


def _assert_city(session: Session) -> None:
    kinds = session.execute(
        select(col(Organization.kind), func.count())
        .where(Organization.status == "verified")
        .group_by(col(Organization.kind))
    ).all()
    assert dict(kinds) == {"park": 1, "government": 1, "school": 40, "enterprise": 400}
    # Work waiting for review (seed/demo/waiting.py): two registrations, one identity change, and
    # a placement round whose students still choose.
    pending = session.exec(
        select(Organization.kind, Organization.name).where(Organization.status == "pending")
    ).all()
    assert sorted(pending) == [
        ("enterprise", "重庆渝新精密模具有限公司"),
        ("school", "重庆市綦江区职业教育中心"),
    ]
    change = session.exec(select(IdentityChangeRequest)).one()
    assert (change.status, change.to_region_code) == ("pending", "500112")
    placement_round = session.exec(select(PlacementRound)).one()
    assert placement_round.title == "2027年春季岗位实习双选（第一轮）"
    assert placement_round.deadline_at.replace(tzinfo=None) > utcnow().replace(tzinfo=None)
    statuses = session.execute(
        select(col(Position.status), func.count()).group_by(col(Position.status))
    )
    # The demo internship posting (seed/demo/internships.py) fills with its two places.
    assert dict(statuses.all()) == {"closed": 2698, "open": 299, "filled": 2, "draft": 2}
    roles = session.execute(select(col(User.role), func.count()).group_by(col(User.role))).all()
    assert dict(roles) == {
        "admin": 1,
        "regulator": 1,
        "school": 2,  # demo_school, and the pending school's first account
        "enterprise": 2,  # demo_enterprise, and the pending enterprise's
        "student": 7,  # demo_student and the six classmates of the demo applications
    }
    applications = session.execute(
        select(col(Application.status), func.count()).group_by(col(Application.status))
    ).all()
    assert dict(applications) == {
        "accepted": 7,  # five at the filled job, two at the internship posting
        "rejected": 1,
        "closed": 1,
        "submitted": 1,
        "withdrawn": 1,
    }
    # Issue 26: the school's upcoming 双选会, an interview and a thread on the demo student's
    # application (made through the fair).
    fair = session.exec(select(JobFair)).one()
    booths = session.exec(select(JobFairBooth)).all()
    assert [b.status for b in booths] == ["approved"]
    assert len(session.exec(select(JobFairRegistration)).all()) == 3
    interview = session.exec(select(Interview)).one()
    assert interview.status == "confirmed"
    through = session.exec(select(Application).where(Application.job_fair_id == fair.id)).one()
    assert (through.id, through.status) == (interview.application_id, "accepted")
    thread = session.exec(select(ApplicationMessage)).all()
    assert sorted(m.sender_role for m in thread) == ["enterprise", "student"]

    # demo_student's internship in progress with three logs (one breach), a classmate's waiting.
    internships = session.execute(
        select(col(Internship.status), func.count()).group_by(col(Internship.status))
    ).all()
    assert dict(internships) == {"in_progress": 1, "awaiting_agreement": 1}
    assert session.execute(select(func.count()).select_from(InternshipLog)).scalar_one() == 3
    findings = session.execute(select(col(InternshipFinding.code))).scalars().all()
    assert sorted(findings) == ["daily_hours_exceeded", "overtime", "weekly_hours_exceeded"]

    proposals = session.execute(
        select(col(MajorProposal.status), func.count()).group_by(col(MajorProposal.status))
    ).all()
    assert dict(proposals) == {
        "draft": 1,
        "submitted": 1,
        "returned": 1,
        "approved": 1,
        "refused": 1,
    }
    waiting = session.exec(select(MajorProposal).where(MajorProposal.status == "submitted")).one()
    assert (waiting.kind, waiting.major_code, waiting.against_warning) == ("open", "530302", True)
    report = reports.mismatch_report(
        session, reports.MismatchQuery(region="500000", year=2026), viewer=None
    )
    assert report.summary == SUMMARY
    actions = {row.major_code: row.action for row in report.rows}
    rules = {row.major_code: {reason.rule_id for reason in row.reasons} for row in report.rows}
    assert actions == {code: role.action for code, role in CITY.roles.items()}
    assert rules == {code: PLANTED_RULES[role] for code, role in CITY.roles.items()}

    drafts = session.exec(
        select(Position).where(col(Position.status) == "draft").order_by(col(Position.title))
    ).all()
    blocked = {
        draft.title: [f.code for f in compliance.check(session, draft) if f.severity == "blocking"]
        for draft in drafts
    }
    assert blocked == {
        "生产储备干部": ["discriminatory_term", "discriminatory_term", "discriminatory_term"],
        "总装车间岗位实习生（2027春季）": ["internship_pay_below_share"],
    }
    refusals = session.exec(
        select(AuditLog).where(col(AuditLog.action) == "publish_refused").order_by(col(AuditLog.at))
    ).all()
    assert {entry.entity_id for entry in refusals} == {str(draft.id) for draft in drafts}
    recorded = {
        str((entry.after or {})["title"]): [f["code"] for f in (entry.after or {})["findings"]]
        for entry in refusals
    }
    assert recorded == blocked
    _assert_lists_and_registry(session)


def _assert_lists_and_registry(session: Session) -> None:
    """The three lists of 2026 published once each; one registry entry in each state."""
    versions = session.exec(select(ListVersion).order_by(col(ListVersion.kind))).all()
    assert [(v.region_code, v.kind, v.year, v.version, v.status) for v in versions] == [
        ("500000", "industry", 2026, 1, "published"),
        ("500000", "policy-support", 2026, 1, "published"),
        ("500000", "talent-demand", 2026, 1, "published"),
    ]
    # Postings whose title names a 职业分类大典 occupation carry its code: demand by occupation.
    by_occupation = versions[2].content["talent_demand_by_occupation"]
    assert len(by_occupation) == 20
    assert [
        (r["occupation_name"], r["demand"], r["internship_places"]) for r in by_occupation[:2]
    ] == [
        ("养老护理员", 48, 0),
        ("汽车维修工", 40, 19),
    ]
    states = session.execute(
        select(col(IntegrationApplication.status), func.count()).group_by(
            col(IntegrationApplication.status)
        )
    ).all()
    assert dict(states) == {"certified": 1, "cultivation": 1, "submitted": 1, "refused": 1}
    flagged = session.exec(
        select(Organization.code).where(col(Organization.is_integration_enterprise))
    ).all()
    assert flagged == [CITY.accounts[3].organization_code]


def _assert_programmes(session: Session) -> None:
    """Practical-hours shares on every programme, and partners that are verified enterprises."""
    shares = session.exec(
        select(col(Programme.practical_hours_share)).where(col(Programme.year) == 2026)
    ).all()
    assert len(shares) == 200
    assert None not in shares
    assert sum(1 for share in shares if share is not None and share < 0.5) == 29
    partners = session.exec(
        select(ProgrammePartner, Organization, Programme)
        .join(Organization, col(Organization.id) == col(ProgrammePartner.enterprise_id))
        .join(Programme, col(Programme.id) == col(ProgrammePartner.programme_id))
    ).all()
    assert len(partners) == len(CITY.partners) == 117
    assert {(org.kind, org.status) for _, org, _ in partners} == {("enterprise", "verified")}
    assert Counter(link.kind for link, _, _ in partners) == {
        "cooperation": 61,
        "order_training": 35,
        "apprenticeship": 21,
    }
    demo_school = CITY.accounts[2].organization_code
    at_demo_school = {
        programme.major_code
        for _, _, programme in partners
        if programme.school_id == natural_id("organization", demo_school)
    }
    # The demo school's account shows partners, on its 护理 programme among others.
    assert "520201" in at_demo_school
    assert at_demo_school == {
        str(row["major_code"]) for row in CITY.partners if row["school_code"] == demo_school
    }
