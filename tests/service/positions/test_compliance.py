"""The glue between positions and the posting rules: facts from SQL, rules from data."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlmodel import Session

from models import Position, PositionKind, PositionStatus
from rules.screen import PositionFacts
from service import posting_rules
from service.positions import compliance
from tests.factories import make_enterprise, make_position

TODAY = date(2026, 6, 1)


def test_rules_are_read_from_the_seed_data() -> None:
    data = json.loads(Path(posting_rules.RULES_FILE).read_text(encoding="utf-8"))
    rules = posting_rules.load_rules()
    assert rules.intern_share_of_staff_max == data["intern_share_of_staff_max"]
    assert rules.internship_pay_min_share == data["internship_pay_min_share"]
    assert len(rules.discriminatory_terms) == len(data["discriminatory_terms"])


def test_existing_interns_counts_open_and_filled_internships_not_ended(session: Session) -> None:
    company, other = make_enterprise(session), make_enterprise(session)
    kinds = PositionKind.internship
    counted = [
        make_position(session, company, kind=kinds, headcount=3),
        make_position(session, company, kind=kinds, headcount=2, status=PositionStatus.filled),
        make_position(session, company, kind=kinds, headcount=4, end_date=TODAY),
    ]
    # Not interns now: a draft, a closed posting, an ended internship, a job, another company.
    make_position(session, company, kind=kinds, headcount=50, status=PositionStatus.draft)
    make_position(session, company, kind=kinds, headcount=50, status=PositionStatus.closed)
    make_position(session, company, kind=kinds, headcount=50, end_date=date(2026, 5, 31))
    make_position(session, company, kind=PositionKind.job, headcount=50)
    make_position(session, other, kind=kinds, headcount=1)
    nobody = make_enterprise(session)

    result = compliance.existing_interns(session, [company.id, other.id, nobody.id], today=TODAY)
    assert result == {company.id: 9, other.id: 1, nobody.id: 0}
    without_first = compliance.existing_interns(
        session, [company.id], today=TODAY, exclude=[counted[0].id]
    )
    assert without_first == {company.id: 6}
    assert compliance.existing_interns(session, [], today=TODAY) == {}


def test_check_uses_staff_count_and_existing_interns(session: Session) -> None:
    company = make_enterprise(session, staff_count=50)
    make_position(session, company, kind=PositionKind.internship, headcount=4)
    candidate = Position(
        enterprise_id=company.id,
        kind=PositionKind.internship,
        title="实习生",
        description="",
        region_code=company.region_code,
        headcount=2,
        monthly_pay=4000.0,
        same_post_wage=5000.0,
        post_staff_count=10,
        start_date=TODAY,
    )
    findings = compliance.check(session, candidate, today=TODAY)
    assert [(f.code, f.severity) for f in findings] == [
        ("intern_share_of_staff_exceeded", "blocking")
    ]
    assert findings[0].message == (
        "实习学生6人（已有4人，本岗位2人），超过企业在岗职工总数50人的10%（5人）"
    )
    assert findings[0].source.startswith("《职业学校学生实习管理规定》")


def test_rechecking_a_stored_position_does_not_count_it_twice(session: Session) -> None:
    company = make_enterprise(session, staff_count=50)
    stored = make_position(
        session,
        company,
        kind=PositionKind.internship,
        headcount=5,
        monthly_pay=4000.0,
        same_post_wage=5000.0,
        post_staff_count=25,
    )
    assert compliance.check(session, stored, today=TODAY) == []


def test_check_facts_needs_no_session() -> None:
    facts = PositionFacts(
        kind="job",
        title="仓管员（限本市户籍）",
        description="",
        headcount=1,
        monthly_pay=None,
        same_post_wage=None,
        hours_per_day=None,
        hours_per_week=None,
        enterprise_staff_count=None,
        existing_interns=0,
        post_staff_count=None,
    )
    [finding] = compliance.check_facts(facts)
    assert (finding.code, finding.field, finding.severity) == (
        "discriminatory_term",
        "title",
        "blocking",
    )
    assert "“限本市户籍”" in finding.message
    assert finding.context == ("仓管员（限本市户籍）",)


def test_facts_of_maps_every_field(session: Session) -> None:
    company = make_enterprise(session)
    stored = make_position(
        session, company, hours_per_day=7.5, hours_per_week=37.5, post_staff_count=9
    )
    facts = compliance.facts_of(stored, staff_count=123, existing_interns=4)
    assert (facts.kind, facts.title, facts.headcount, facts.monthly_pay) == (
        "job",
        stored.title,
        10,
        5000.0,
    )
    assert (facts.hours_per_day, facts.hours_per_week, facts.post_staff_count) == (7.5, 37.5, 9)
    assert (facts.enterprise_staff_count, facts.existing_interns, facts.open_to_vocational) == (
        123,
        4,
        True,
    )
