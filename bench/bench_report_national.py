"""The mismatch report at national size: direct computation against the aggregates, one process.

Run: ``.venv/bin/python -m bench.bench_report_national [--size small|national] [--programmes N]
[--positions N] [--years N] [--backend postgresql|sqlite] [--postgres URL] [--repeat N]``
(or ``BENCH_REPORT_SIZE=national make bench BENCH=report_national``).

Builds in bulk (PostgreSQL ``COPY``, SQLite multi-row Core inserts, the change-log triggers off
during the load) one province's data: ``--programmes`` school × major programmes (20 per school)
with ``--years`` years of cohorts each, ``--positions`` positions asking for 1, 3, 2, 2 majors in
turn (2 position–major rows each on average) from one enterprise per 50 positions, and one demand
forecast per 200 positions, over the counties of 广东 (440000). ``--size national`` is the issue's
size: 60 000 programmes × 10 years (600 000 cohorts), 1 000 000 positions (2 000 000
position–major rows). The default (``small``) is a tenth of it, for a quick run.

Prints the best of ``--repeat`` runs in milliseconds and as a multiple of the baseline measured in
the same process, one full scan of ``position`` (``SELECT kind, SUM(headcount) FROM position GROUP
BY kind``): first computed directly (the province, one city, the position aggregate alone, the
nation), then the full build of the aggregates, the same reports from them, and the cost of writes
not yet refreshed (new positions in many counties: the report corrects them from the source rows)
and of the incremental refresh that folds them in.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, select
from sqlmodel import Session, col

from bench.bench_report import counties, full_scan, prepared, report_of
from bench.timing import best_of
from models import (
    Cohort,
    DemandForecast,
    Major,
    Organization,
    Position,
    PositionKind,
    PositionMajor,
    PositionStatus,
    Programme,
    Region,
    ReportChange,
)
from service.db import temporary_postgres_database as postgres_database
from service.policy import operations as policy
from service.reports import aggregates, operations, repository
from service.reports.operations import NATIONAL_CODE, MismatchQuery

PROVINCE, CITY = "440000", "440100"
YEAR = 2025
MAJORS_PER_SCHOOL = 20
POSITIONS_PER_ENTERPRISE = 50
POSITIONS_PER_FORECAST = 200
MAJORS_ASKED = (1, 3, 2, 2)  # two position–major rows per position on average
SIZES = {
    "small": {"programmes": 6_000, "positions": 100_000, "years": 10},
    "national": {"programmes": 60_000, "positions": 1_000_000, "years": 10},
}
WRITES = 1_000  # positions written after the build, spread over the province's counties
CHUNK = 5_000
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def load(
    engine: Engine, table: Any, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]
) -> int:
    """Bulk-load ``rows`` (tuples in ``columns`` order) without firing the change-log triggers."""
    count = 0
    if engine.dialect.name == "postgresql":
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            # Replica mode skips triggers (the change log, and foreign-key checks) for this load.
            cursor.execute("SET session_replication_role = replica")
            statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
            with cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            cursor.execute("SET session_replication_role = origin")
            raw.commit()
        finally:
            raw.close()
        return count
    with engine.begin() as conn:
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(dict(zip(columns, row, strict=True)))
            count += 1
            if len(batch) == CHUNK:
                conn.execute(insert(table), batch)
                batch = []
        if batch:
            conn.execute(insert(table), batch)
        # SQLite cannot switch triggers off: drop what they logged (the build reads everything).
        conn.execute(ReportChange.__table__.delete())  # type: ignore[attr-defined]
    return count


def build(engine: Engine, rng: random.Random, size: dict[str, int]) -> dict[str, int]:
    with Session(engine) as session:
        inside = counties(session, PROVINCE)
        majors = list(
            session.execute(select(col(Major.code)).where(col(Major.level) == "高职专科")).scalars()
        )
    now = datetime(YEAR, 1, 1, tzinfo=UTC)
    years = list(range(YEAR - size["years"] + 1, YEAR + 1))
    school_count = size["programmes"] // MAJORS_PER_SCHOOL
    enterprise_count = max(1, size["positions"] // POSITIONS_PER_ENTERPRISE)
    organization_columns = (
        "id",
        "kind",
        "code",
        "name",
        "region_code",
        "level",
        "staff_count",
        "status",
        "is_integration_enterprise",
        "created_at",
        "updated_at",
    )
    schools = [(uuid.uuid4(), rng.choice(inside)) for _ in range(school_count)]
    enterprises = [(uuid.uuid4(), rng.choice(inside)) for _ in range(enterprise_count)]
    organizations = [
        (
            i,
            "school",
            f"4144{n:06d}",
            f"基准职业学院{n}",
            r,
            "高职专科",
            None,
            "verified",
            False,
            now,
            now,
        )
        for n, (i, r) in enumerate(schools)
    ] + [
        (
            i,
            "enterprise",
            f"BENCH{n:013d}",
            f"基准企业{n}有限公司",
            r,
            None,
            500,
            "verified",
            False,
            now,
            now,
        )
        for n, (i, r) in enumerate(enterprises)
    ]
    table = Organization.__table__  # type: ignore[attr-defined]
    written = {"organization": load(engine, table, organization_columns, organizations)}

    offered = [(school, rng.sample(majors, MAJORS_PER_SCHOOL)) for school, _r in schools]

    def programmes() -> Iterator[tuple[Any, ...]]:
        for school, codes in offered:
            for major in codes:
                yield (uuid.uuid4(), school, major, YEAR, rng.randint(30, 200), now)

    def cohorts() -> Iterator[tuple[Any, ...]]:
        for school, codes in offered:
            for major in codes:
                for year in years:
                    graduates = rng.randint(20, 150)
                    placed = rng.randint(graduates // 3, graduates)
                    yield (
                        uuid.uuid4(),
                        school,
                        major,
                        year,
                        graduates,
                        placed,
                        rng.randint(0, placed),
                        0,
                        now,
                    )

    written["programme"] = load(
        engine,
        Programme.__table__,  # type: ignore[attr-defined]
        ("id", "school_id", "major_code", "year", "enrolment_plan", "updated_at"),
        programmes(),
    )
    written["cohort"] = load(
        engine,
        Cohort.__table__,  # type: ignore[attr-defined]
        (
            "id",
            "school_id",
            "major_code",
            "graduation_year",
            "graduates",
            "placed",
            "in_field",
            "further_study",
            "updated_at",
        ),
        cohorts(),
    )
    statuses = [PositionStatus.open] * 5 + [PositionStatus.closed] * 2
    statuses += [PositionStatus.filled, PositionStatus.filled, PositionStatus.draft]
    kinds = [PositionKind.job] * 3 + [PositionKind.apprenticeship, PositionKind.internship]
    asked: list[tuple[uuid.UUID, list[str]]] = []

    def positions() -> Iterator[tuple[Any, ...]]:
        for i in range(size["positions"]):
            enterprise, region = enterprises[i % enterprise_count]
            position_id = uuid.uuid4()
            asked.append((position_id, rng.sample(majors, MAJORS_ASKED[i % len(MAJORS_ASKED)])))
            start = date(rng.choice(years), rng.randint(1, 12), rng.randint(1, 28))
            yield (
                position_id,
                enterprise,
                rng.choice(kinds).value,
                f"岗位{i}",
                "",
                "[]",
                region,
                rng.randint(1, 30),
                start,
                rng.choice(statuses).value,
                False,
                "[]",
                now,
                now,
            )

    written["position"] = load(
        engine,
        Position.__table__,  # type: ignore[attr-defined]
        (
            "id",
            "enterprise_id",
            "kind",
            "title",
            "description",
            "skills",
            "region_code",
            "headcount",
            "start_date",
            "status",
            "order_training",
            "compliance_findings",
            "created_at",
            "updated_at",
        ),
        positions(),
    )
    written["position_major"] = load(
        engine,
        PositionMajor.__table__,  # type: ignore[attr-defined]
        ("position_id", "major_code"),
        ((position_id, major) for position_id, codes in asked for major in codes),
    )
    asked.clear()
    keys: set[tuple[int, str, int]] = set()
    forecasts: list[tuple[Any, ...]] = []
    while len(forecasts) < size["positions"] // POSITIONS_PER_FORECAST:
        n, major, year = rng.randrange(enterprise_count), rng.choice(majors), rng.choice(years)
        if (n, major, year) in keys:
            continue
        keys.add((n, major, year))
        publisher, region = enterprises[n]
        forecasts.append(
            (uuid.uuid4(), publisher, major, major, region, year, rng.randint(5, 80), now)
        )
    written["demand_forecast"] = load(
        engine,
        DemandForecast.__table__,  # type: ignore[attr-defined]
        (
            "id",
            "publisher_id",
            "major_code",
            "target_code",
            "region_code",
            "year",
            "headcount",
            "created_at",
        ),
        forecasts,
    )
    analyse(engine)
    return written


def analyse(engine: Engine) -> None:
    # Steady state: planner statistics, and on PostgreSQL a visibility map (autovacuum's job).
    statement = "ANALYZE" if engine.dialect.name == "sqlite" else "VACUUM ANALYZE"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(statement)


def write_positions(engine: Engine, rng: random.Random, count: int) -> None:
    """``count`` new open positions through ordinary inserts (the triggers log them)."""
    with Session(engine) as session:
        inside = counties(session, PROVINCE)
        enterprise = session.execute(
            select(col(Organization.id)).where(col(Organization.kind) == "enterprise").limit(1)
        ).scalar_one()
        majors = list(
            session.execute(select(col(Major.code)).where(col(Major.level) == "高职专科")).scalars()
        )
    now = datetime.now(UTC)
    rows, asked = [], []
    for i in range(count):
        position_id = uuid.uuid4()
        rows.append(
            {
                "id": position_id,
                "enterprise_id": enterprise,
                "kind": PositionKind.job,
                "title": f"新岗位{i}",
                "description": "",
                "skills": [],
                "region_code": inside[i % len(inside)],
                "headcount": rng.randint(1, 30),
                "start_date": date(YEAR, rng.randint(1, 12), rng.randint(1, 28)),
                "status": PositionStatus.open,
                "order_training": False,
                "compliance_findings": [],
                "created_at": now,
                "updated_at": now,
            }
        )
        asked += [
            {"position_id": position_id, "major_code": m}
            for m in rng.sample(majors, MAJORS_ASKED[i % len(MAJORS_ASKED)])
        ]
    with engine.begin() as conn:
        conn.execute(insert(Position.__table__), rows)  # type: ignore[attr-defined]
        conn.execute(insert(PositionMajor.__table__), asked)  # type: ignore[attr-defined]


def refresh(session: Session, *, full: bool = False) -> None:
    aggregates.refresh(session, full=full)
    session.commit()


def measure(url: str, label: str, size: dict[str, int], repeat: int) -> None:
    print(f"\n--- {label}: {size} ---", flush=True)
    engine = prepared(url, lambda engine: build(engine, random.Random(20251129), size))

    with Session(engine) as session:
        province = session.get(Region, PROVINCE)
        assert province is not None
        window = policy.resolve(session, province).thresholds.lookback_years
        scope = operations.scope_of(province, YEAR - window + 1, YEAR)

        scan = full_scan(session)

        def report(region: str) -> Callable[[], object]:
            return report_of(session, region, YEAR)

        base = [0.0]

        def baseline() -> None:
            # Measured again before each block: on a shared machine the load drifts in a long run.
            base[0] = best_of(repeat, scan)
            label = "baseline: full scan of position"
            print(f"  {label:<40} {base[0] * 1000:9.1f} ms    1.00x", flush=True)

        def step(name: str, run: Callable[[], object], times: int = repeat) -> float:
            elapsed = best_of(times, run)
            print(f"  {name:<40} {elapsed * 1000:9.1f} ms {elapsed / base[0]:7.2f}x", flush=True)
            return elapsed

        baseline()

        reports = [
            (f"report province {PROVINCE}", PROVINCE),
            (f"report city {CITY}", CITY),
            (f"report nation {NATIONAL_CODE}", NATIONAL_CODE),
        ]
        step(
            "direct: position aggregate (province)",
            lambda: repository.position_headcounts(session, scope),
        )
        for name, region in reports:
            step(f"direct: {name}", report(region))
        direct = operations.mismatch_report(
            session, MismatchQuery(region=NATIONAL_CODE, year=YEAR), viewer=None
        )
        session.rollback()

    with Session(engine) as session:
        step(
            "aggregates: full build",
            lambda: refresh(session, full=True),
            1,
        )
    analyse(engine)
    with Session(engine) as session:
        baseline()
        step("aggregates: position aggregate (province)", lambda: aggregates.read(session, scope))
        for name, region in reports:
            step(f"aggregates: {name}", report(region))
        found = operations.mismatch_report(
            session, MismatchQuery(region=NATIONAL_CODE, year=YEAR), viewer=None
        )
        assert found.figures_source == "aggregates"
        assert [r.model_dump(exclude={"reasons"}) for r in found.rows] == [
            r.model_dump(exclude={"reasons"}) for r in direct.rows
        ], "aggregates differ from the direct computation"
        print(f"  national report: {len(found.rows)} majors, equal to the direct computation")
        session.rollback()

    write_positions(engine, random.Random(7), WRITES)
    with Session(engine) as session:
        pending = operations.mismatch_report(
            session, MismatchQuery(region=NATIONAL_CODE, year=YEAR), viewer=None
        )
        print(
            f"  after {WRITES:,} new positions: "
            f"{pending.pending_changes} (county, year) pairs pending"
        )
        baseline()
        for name, region in reports:
            step(f"pending: {name}", report(region))
        session.rollback()
    with Session(engine) as session:
        step(
            "aggregates: incremental refresh",
            lambda: refresh(session),
            1,
        )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--size", choices=sorted(SIZES), default=os.environ.get("BENCH_REPORT_SIZE", "small")
    )
    parser.add_argument("--programmes", type=int, help="programmes (school × major)")
    parser.add_argument("--positions", type=int, help="positions (two majors each on average)")
    parser.add_argument("--years", type=int, help="years of cohorts and positions")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("TEST_DATABASE_URL", DEFAULT_POSTGRES),
        help="PostgreSQL server URL (a temporary database is created there)",
    )
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    size = dict(SIZES[args.size])
    for name in ("programmes", "positions", "years"):
        if getattr(args, name) is not None:
            size[name] = getattr(args, name)
    if args.backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            measure(f"sqlite:///{Path(folder) / 'bench.db'}", "SQLite", size, args.repeat)
    else:
        with postgres_database(args.postgres) as url:
            measure(url, "PostgreSQL", size, args.repeat)


if __name__ == "__main__":
    main()
