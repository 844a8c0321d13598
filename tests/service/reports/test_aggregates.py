"""The report's aggregates equal the direct computation at every scope, before and after writes."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

import pytest
from sqlalchemy import delete, select, update
from sqlmodel import Session, col

from models import (
    Cohort,
    DemandForecast,
    Organization,
    OrganizationStatus,
    Position,
    PositionKind,
    PositionMajor,
    PositionStatus,
    ReportChange,
    ReportDemand,
    ReportFigure,
    ReportPosition,
    ReportPositionChange,
)
from service.jobs import JOBS
from service.reports import aggregates, operations, repository
from service.reports.operations import NATIONAL_CODE, MismatchQuery
from service.reports.repository import Scope
from tests.factories import (
    make_cohort,
    make_enterprise,
    make_forecast,
    make_position,
    make_programme,
    make_school,
)
from tests.service.reports.helpers import (
    PHARMA,
    PLAIN,
    PLAIN_B,
    PRIORITY,
    SECONDARY,
    UPGRADE,
    YEAR,
)

MAJORS = [PLAIN, PLAIN_B, PRIORITY, UPGRADE, PHARMA, SECONDARY]
# Counties of two cities of Chongqing, a city-level code, and Chengdu in another province.
COUNTIES = ["500106", "500107", "500112", "500229", "500100", "510104", "510107"]
YEARS = range(YEAR - 3, YEAR + 1)


def build(session: Session, seed: int = 7) -> dict[str, list[Any]]:
    """A small but varied country: verified and unverified schools and enterprises, positions of
    every kind and status asking for 1–3 majors, forecasts, in two provinces."""
    rng = random.Random(seed)
    schools = [make_school(session, region_code=rng.choice(COUNTIES)) for _ in range(8)] + [
        make_school(session, region_code="500106", status=OrganizationStatus.pending)
    ]
    for school in schools:
        for major in rng.sample(MAJORS, 3):
            for year in YEARS:
                if rng.random() < 0.8:
                    graduates = rng.randint(0, 120)
                    make_cohort(session, school, major, year, graduates, graduates * 3 // 4)
                if rng.random() < 0.3:
                    make_programme(session, school, major, year)
    enterprises = [make_enterprise(session, region_code=rng.choice(COUNTIES)) for _ in range(6)]
    enterprises.append(
        make_enterprise(session, region_code="500106", status=OrganizationStatus.suspended)
    )
    positions = []
    for _ in range(60):
        enterprise = rng.choice(enterprises)
        positions.append(
            make_position(
                session,
                enterprise,
                rng.sample(MAJORS, rng.randint(1, 3)),
                kind=rng.choice(list(PositionKind)),
                status=rng.choice(list(PositionStatus)),
                start_date=date(rng.choice(YEARS), rng.randint(1, 12), 1),
                headcount=rng.randint(1, 9),
                region_code=rng.choice(COUNTIES),
            )
        )
    forecasts = [
        make_forecast(
            session,
            enterprise,
            rng.choice(MAJORS),
            year,
            rng.randint(0, 40),
            region_code=enterprise.region_code,
        )
        for enterprise in enterprises
        for year in YEARS
        if rng.random() < 0.5
    ]
    return {
        "schools": schools,
        "enterprises": enterprises,
        "positions": positions,
        "forecasts": forecasts,
    }


def scopes(session: Session) -> list[Scope]:
    first, last = YEAR - 3, YEAR
    regions = [operations.national_region()] + [
        region
        for code in ("500000", "500100", "500106", "510000", "510104", "500229")
        if (region := repository.region(session, code)) is not None
    ]
    return [operations.scope_of(region, first, last) for region in regions] + [
        operations.scope_of(operations.national_region(), first, last, level="中职"),
        operations.scope_of(operations.national_region(), first, last, major=PRIORITY),
    ]


def assert_equal_everywhere(session: Session, pending: bool) -> None:
    for scope in scopes(session):
        found = aggregates.read(session, scope)
        assert found is not None
        assert found.source == "aggregates"
        assert (found.pending > 0) is pending or not aggregates.pending_pairs(session, scope)
        assert found.sorted() == aggregates.direct(session, scope).sorted(), scope


def stored(session: Session) -> list[list[Any]]:
    return [
        sorted(tuple(row) for row in session.execute(select(table)))
        for table in (ReportFigure.__table__, ReportDemand.__table__)  # type: ignore[attr-defined]
    ]


def test_aggregates_equal_the_direct_figures_of_a_county_a_city_a_province_and_the_nation(
    session: Session,
) -> None:
    build(session)
    assert aggregates.read(session, scopes(session)[0]) is None  # never built: direct

    result = aggregates.refresh(session)

    assert result.mode == "full"
    assert session.execute(select(ReportChange)).first() is None
    assert_equal_everywhere(session, pending=False)
    nation, province, city, county, other, *_ = scopes(session)
    figures = {s.region_code: aggregates.direct(session, s) for s in (nation, province, other)}
    # The fixture is not trivial: every source has figures, and the nation is both provinces.
    assert all(figures[NATIONAL_CODE].sorted())
    graduates = {
        code: sum(g for _m, _y, g, _p, _f in found.cohorts) for code, found in figures.items()
    }
    assert graduates[NATIONAL_CODE] == graduates["500000"] + graduates["510000"] > 0


def test_writes_are_exact_before_the_refresh_and_folded_in_by_it(session: Session) -> None:
    data = build(session)
    aggregates.refresh(session)
    positions: list[Position] = data["positions"]
    schools: list[Organization] = data["schools"]
    enterprises: list[Organization] = data["enterprises"]

    # A new position in a county without any; a published one withdrawn to draft; a position
    # asking for one more major (k changes for its other majors); a cohort corrected; a
    # forecast withdrawn; an enterprise suspended; a school moving to another province.
    make_position(
        session,
        enterprises[0],
        [PLAIN, PRIORITY],
        start_date=date(YEAR, 3, 1),
        region_code="500229",
    )
    published = next(p for p in positions if p.status == PositionStatus.open)
    session.execute(update(Position).where(col(Position.id) == published.id).values(status="draft"))
    widened = next(p for p in positions if p.status == PositionStatus.filled)
    asked = set(
        session.execute(
            select(col(PositionMajor.major_code)).where(
                col(PositionMajor.position_id) == widened.id
            )
        ).scalars()
    )
    session.add(
        PositionMajor(position_id=widened.id, major_code=next(m for m in MAJORS if m not in asked))
    )
    session.flush()
    cohort = session.execute(select(Cohort).limit(1)).scalars().one()
    session.execute(
        update(Cohort).where(col(Cohort.id) == cohort.id).values(graduates=cohort.graduates + 17)
    )
    forecast: DemandForecast = data["forecasts"][0]
    session.execute(delete(DemandForecast).where(col(DemandForecast.id) == forecast.id))
    session.execute(
        update(Organization)
        .where(col(Organization.id) == enterprises[1].id)
        .values(status=OrganizationStatus.suspended)
    )
    session.execute(
        update(Organization)
        .where(col(Organization.id) == schools[0].id)
        .values(region_code="510107")
    )
    session.expire_all()

    assert session.execute(select(ReportChange)).first() is not None
    assert_equal_everywhere(session, pending=True)
    nation = aggregates.read(session, scopes(session)[0])
    assert nation is not None
    assert nation.pending > 0

    result = aggregates.refresh(session)

    assert result.mode == "incremental"
    assert session.execute(select(ReportChange)).first() is None
    assert_equal_everywhere(session, pending=False)
    # The incremental refresh leaves exactly what a full rebuild would.
    incremental = stored(session)
    aggregates.refresh(session, full=True)
    assert stored(session) == incremental


def test_the_report_reads_the_aggregates_and_says_so(session: Session) -> None:
    build(session)
    query = MismatchQuery(region=NATIONAL_CODE, year=YEAR)
    direct = operations.mismatch_report(session, query, viewer=None)
    aggregates.refresh(session)
    make_cohort(session, make_school(session, region_code="510104"), PLAIN, YEAR, 30, 30)

    found = operations.mismatch_report(session, query, viewer=None)

    assert (direct.figures_source, direct.aggregates_refreshed_at) == ("direct", None)
    assert found.figures_source == "aggregates"
    assert found.aggregates_refreshed_at is not None
    assert found.pending_changes == 1
    assert (found.region, found.region_name) == (NATIONAL_CODE, "全国")
    before = {row.major_code: row for row in direct.rows}
    after = {row.major_code: row for row in found.rows}
    graduates_before = before[PLAIN].graduates
    assert isinstance(graduates_before, int)  # the command line's report is exact
    assert after[PLAIN].graduates == graduates_before + 30
    assert {code: row.demand for code, row in after.items()} == {
        code: row.demand for code, row in before.items()
    }


@pytest.mark.parametrize("full", [False, True])
def test_refresh_operation_reports_its_mode(session: Session, full: bool) -> None:
    build(session)
    first = operations.refresh_aggregates(session)
    make_forecast(session, make_enterprise(session), PLAIN, YEAR, 5)

    second = operations.refresh_aggregates(session, full=full)

    assert first.mode == "full"
    assert (second.mode, second.pairs) == (("full", 1) if full else ("incremental", 1))


def test_the_scheduled_jobs_refresh_incrementally_and_rebuild_nightly(session: Session) -> None:
    jobs = {job.id: job for job in JOBS}
    build(session)

    first = jobs["report_aggregates"].run(session)
    make_forecast(session, make_enterprise(session), PLAIN, YEAR, 5)
    second = jobs["report_aggregates"].run(session)
    nightly = jobs["report_aggregates_full"].run(session)

    assert (first.mode, second.mode, second.pairs, nightly.mode) == (
        "full",
        "incremental",
        1,
        "full",
    )
    assert (jobs["report_aggregates"].trigger, jobs["report_aggregates"].trigger_args) == (
        "interval",
        {"minutes": 1},
    )


def random_writes(session: Session, data: dict[str, list[Any]], rng: random.Random) -> None:
    """A round of the writes the service sees, in random places: positions added, withdrawn,
    moved, resized, re-dated, re-kinded, deleted; majors asked added and dropped; enterprises
    suspended and verified again; cohorts corrected; forecasts added."""
    positions: list[Position] = data["positions"]
    enterprises: list[Organization] = data["enterprises"]
    for _ in range(12):
        action = rng.randrange(8)
        target = rng.choice(positions)
        if action == 0:
            positions.append(
                make_position(
                    session,
                    rng.choice(enterprises),
                    rng.sample(MAJORS, rng.randint(1, 3)),
                    kind=rng.choice(list(PositionKind)),
                    start_date=date(rng.choice(YEARS), rng.randint(1, 12), 1),
                    headcount=rng.randint(1, 9),
                    region_code=rng.choice(COUNTIES),
                )
            )
        elif action == 1:
            values = {
                "status": rng.choice(list(PositionStatus)),
                "headcount": rng.randint(1, 9),
                "region_code": rng.choice(COUNTIES),
                "start_date": date(rng.choice(YEARS), rng.randint(1, 12), 1),
                "kind": rng.choice(list(PositionKind)),
            }
            column = rng.choice(sorted(values))
            session.execute(
                update(Position)
                .where(col(Position.id) == target.id)
                .values({column: values[column]})
            )
        elif action == 2:
            asked = set(
                session.execute(
                    select(col(PositionMajor.major_code)).where(
                        col(PositionMajor.position_id) == target.id
                    )
                ).scalars()
            )
            missing = [m for m in MAJORS if m not in asked]
            if missing and rng.random() < 0.5:
                session.add(PositionMajor(position_id=target.id, major_code=rng.choice(missing)))
            elif len(asked) > 1:
                session.execute(
                    delete(PositionMajor).where(
                        col(PositionMajor.position_id) == target.id,
                        col(PositionMajor.major_code) == rng.choice(sorted(asked)),
                    )
                )
        elif action == 3:
            session.execute(
                delete(PositionMajor).where(col(PositionMajor.position_id) == target.id)
            )
            session.execute(delete(Position).where(col(Position.id) == target.id))
            positions.remove(target)
        elif action == 4:
            enterprise = rng.choice(enterprises)
            status = rng.choice([OrganizationStatus.verified, OrganizationStatus.suspended])
            session.execute(
                update(Organization)
                .where(col(Organization.id) == enterprise.id)
                .values(status=status)
            )
        elif action == 5:
            cohort = rng.choice(session.execute(select(Cohort)).scalars().all())
            session.execute(
                update(Cohort)
                .where(col(Cohort.id) == cohort.id)
                .values(graduates=cohort.graduates + rng.randint(1, 9))
            )
        elif action == 6:
            enterprise = rng.choice(enterprises)
            make_forecast(
                session,
                enterprise,
                rng.choice(MAJORS),
                rng.choice(YEARS),
                rng.randint(1, 30),
                region_code=rng.choice(COUNTIES),
            )
        else:
            make_cohort(
                session,
                make_school(session, region_code=rng.choice(COUNTIES)),
                rng.choice(MAJORS),
                rng.choice(YEARS),
                rng.randint(1, 50),
                rng.randint(0, 1),
            )
    session.flush()
    session.expire_all()


@pytest.mark.parametrize("seed", [1, 2])
def test_random_writes_stay_equal_to_the_direct_figures_pending_and_refreshed(
    session: Session, seed: int
) -> None:
    data = build(session, seed)
    aggregates.refresh(session)
    rng = random.Random(seed)

    for round_ in range(4):
        random_writes(session, data, rng)
        # Position writes are logged by id, and folded in as differences by the refresh.
        assert session.execute(select(ReportPositionChange)).first() is not None
        assert_equal_everywhere(session, pending=True)
        if round_ % 2:
            continue  # two rounds pending at once, then folded together
        result = aggregates.refresh(session)
        assert result.mode == "incremental"
        assert result.positions > 0
        assert session.execute(select(ReportPositionChange)).first() is None
        assert_equal_everywhere(session, pending=False)

    aggregates.refresh(session)
    incremental = stored(session)
    folded = sorted(tuple(row) for row in session.execute(select(ReportPosition.__table__)))  # type: ignore[attr-defined]
    aggregates.refresh(session, full=True)
    assert stored(session) == incremental
    assert (
        sorted(tuple(row) for row in session.execute(select(ReportPosition.__table__)))  # type: ignore[attr-defined]
        == folded
    )
