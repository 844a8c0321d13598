"""The mismatch report on a province-sized dataset, against a full table scan in the same process.

Run: ``.venv/bin/python -m bench.bench_report [--backend sqlite|postgresql|both] [--postgres URL]``

Builds, with Core bulk inserts, a province-sized dataset: 500 schools running 10 000 programmes
(school × major) with 5 years of cohorts (50 000 rows), 2 000 enterprises with 200 000 positions
asking for 1–3 majors each over those 5 years, and 5 000 demand forecasts. About nine in ten
organisations sit in the counties of 广东 (440000), the rest in 广西, so the roll-up filter has
something to leave out. SQLite lives in a temporary folder; for
PostgreSQL a temporary database is created on the server (``--postgres``, default
``TEST_DATABASE_URL`` or the local test server) and dropped afterwards.

Prints, per backend, the best of ``--repeat`` runs of each step in milliseconds and as a multiple of
the baseline measured in the same process: one full scan of the position table
(``SELECT kind, SUM(headcount) FROM position GROUP BY kind``, which touches every row of the largest
table once). ``SELECT COUNT(*) FROM cohort`` is shown too, but SQLite answers it from index pages
alone, so it makes a poor yardstick there. The steps: the report's four aggregates, the whole
province report (aggregates, classification, response shaping) and a city report.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, select, text
from sqlmodel import Session, col

from bench.timing import best_of
from models import (
    Cohort,
    DemandForecast,
    Major,
    Organization,
    OrganizationKind,
    OrganizationStatus,
    Position,
    PositionKind,
    PositionMajor,
    PositionStatus,
    Programme,
    Region,
)
from seed.catalog import load_catalog
from service import migrate
from service.db import get_engine
from service.db import temporary_postgres_database as postgres_database
from service.policy import operations as policy
from service.reports import operations, repository
from service.reports.operations import MismatchQuery

PROVINCE, OTHER_PROVINCE = "440000", "450000"
CITY = "440100"
YEAR = 2025
YEARS = range(YEAR - 4, YEAR + 1)
SCHOOLS, MAJORS_PER_SCHOOL = 500, 20  # 10 000 programmes
POSITIONS, ENTERPRISES, FORECASTS = 200_000, 2_000, 5_000
OUTSIDE_SHARE = 0.1
CHUNK = 5_000
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def bulk(engine: Engine, table: Any, rows: Sequence[dict[str, Any]]) -> None:
    with engine.begin() as conn:
        for start in range(0, len(rows), CHUNK):
            conn.execute(insert(table), list(rows[start : start + CHUNK]))


def counties(session: Session, province: str) -> list[str]:
    statement = select(col(Region.code)).where(
        col(Region.province_code) == province, col(Region.level) == "county"
    )
    return list(session.execute(statement).scalars())


def build(engine: Engine, rng: random.Random) -> dict[str, int]:
    """Fill the database; returns the row count of each table written."""
    with Session(engine) as session:
        inside, outside = counties(session, PROVINCE), counties(session, OTHER_PROVINCE)
        majors = list(
            session.execute(select(col(Major.code)).where(col(Major.level) == "高职专科")).scalars()
        )
    now = datetime(YEAR, 1, 1, tzinfo=UTC)

    def region() -> str:
        return rng.choice(outside if rng.random() < OUTSIDE_SHARE else inside)

    schools = [
        {
            "id": uuid.uuid4(),
            "kind": OrganizationKind.school,
            "code": f"4144{i:06d}",
            "name": f"基准职业学院{i}",
            "region_code": region(),
            "level": "高职专科",
            "staff_count": None,
            "status": OrganizationStatus.verified,
            "is_integration_enterprise": False,
            "created_at": now,
            "updated_at": now,
        }
        for i in range(SCHOOLS)
    ]
    enterprises = [
        {
            "id": uuid.uuid4(),
            "kind": OrganizationKind.enterprise,
            "code": f"BENCH{i:013d}",
            "name": f"基准企业{i}有限公司",
            "region_code": region(),
            "level": None,
            "status": OrganizationStatus.verified,
            "staff_count": 500,
            "is_integration_enterprise": False,
            "created_at": now,
            "updated_at": now,
        }
        for i in range(ENTERPRISES)
    ]
    programmes: list[dict[str, Any]] = []
    cohorts: list[dict[str, Any]] = []
    for school in schools:
        for major in rng.sample(majors, MAJORS_PER_SCHOOL):
            programmes.append(
                {
                    "id": uuid.uuid4(),
                    "school_id": school["id"],
                    "major_code": major,
                    "year": YEAR,
                    "enrolment_plan": rng.randint(30, 200),
                    "updated_at": now,
                }
            )
            for year in YEARS:
                graduates = rng.randint(20, 150)
                placed = rng.randint(graduates // 3, graduates)
                cohorts.append(
                    {
                        "id": uuid.uuid4(),
                        "school_id": school["id"],
                        "major_code": major,
                        "graduation_year": year,
                        "graduates": graduates,
                        "placed": placed,
                        "in_field": rng.randint(0, placed),
                        "further_study": 0,
                        "updated_at": now,
                    }
                )
    positions: list[dict[str, Any]] = []
    asked: list[dict[str, Any]] = []
    statuses = (
        [PositionStatus.open] * 5
        + [PositionStatus.closed] * 2
        + [
            PositionStatus.filled,
            PositionStatus.filled,
            PositionStatus.draft,
        ]
    )
    kinds = [PositionKind.job] * 3 + [PositionKind.apprenticeship, PositionKind.internship]
    for i in range(POSITIONS):
        enterprise = rng.choice(enterprises)
        position_id = uuid.uuid4()
        positions.append(
            {
                "id": position_id,
                "enterprise_id": enterprise["id"],
                "kind": rng.choice(kinds),
                "title": f"岗位{i}",
                "description": "",
                "skills": [],
                "region_code": enterprise["region_code"],
                "headcount": rng.randint(1, 30),
                "start_date": date(rng.choice(YEARS), rng.randint(1, 12), rng.randint(1, 28)),
                "status": rng.choice(statuses),
                "order_training": False,
                "compliance_findings": [],
                "created_at": now,
                "updated_at": now,
            }
        )
        for major in rng.sample(majors, rng.randint(1, 3)):
            asked.append({"position_id": position_id, "major_code": major})
    forecasts: list[dict[str, Any]] = []
    keys: set[tuple[object, str, int]] = set()
    while len(forecasts) < FORECASTS:
        publisher, major, year = rng.choice(enterprises), rng.choice(majors), rng.choice(YEARS)
        if (publisher["id"], major, year) in keys:
            continue
        keys.add((publisher["id"], major, year))
        forecasts.append(
            {
                "id": uuid.uuid4(),
                "publisher_id": publisher["id"],
                "major_code": major,
                "target_code": major,
                "region_code": publisher["region_code"],
                "year": year,
                "headcount": rng.randint(5, 80),
                "created_at": now,
            }
        )
    tables: list[tuple[Any, list[dict[str, Any]]]] = [
        (Organization.__table__, schools + enterprises),  # type: ignore[attr-defined]
        (Programme.__table__, programmes),  # type: ignore[attr-defined]
        (Cohort.__table__, cohorts),  # type: ignore[attr-defined]
        (Position.__table__, positions),  # type: ignore[attr-defined]
        (PositionMajor.__table__, asked),  # type: ignore[attr-defined]
        (DemandForecast.__table__, forecasts),  # type: ignore[attr-defined]
    ]
    for table, rows in tables:
        bulk(engine, table, rows)
    # Steady state: statistics for the planner, and on PostgreSQL a visibility map so that
    # index-only scans skip the heap (autovacuum's job on a live server).
    statement = "ANALYZE" if engine.dialect.name == "sqlite" else "VACUUM ANALYZE"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(statement)
    return {table.name: len(rows) for table, rows in tables}


def prepared(url: str, dataset: Callable[[Engine], dict[str, int]]) -> Engine:
    """The database at ``url`` migrated, with the catalogue and ``dataset``'s rows; prints how long
    each took and how many rows the dataset wrote per table."""
    start = time.perf_counter()
    migrate.upgrade(url)
    engine = get_engine(url)
    with Session(engine) as session:
        load_catalog(session)
        session.commit()
    schema = time.perf_counter() - start
    start = time.perf_counter()
    written = dataset(engine)
    built = time.perf_counter() - start
    print(f"schema + catalogue {schema:.1f} s; dataset {built:.1f} s:")
    print("  " + ", ".join(f"{name} {count:,}" for name, count in written.items()), flush=True)
    return engine


def full_scan(session: Session) -> Callable[[], object]:
    """The baseline the report's steps are compared with: one aggregate over every position."""
    statement = text("SELECT kind, SUM(headcount) FROM position GROUP BY kind")
    return lambda: session.execute(statement).all()


def report_of(session: Session, region: str, year: int) -> Callable[[], object]:
    """The mismatch report of ``region`` for ``year``, as the API answers it."""
    return lambda: operations.mismatch_report(
        session, MismatchQuery(region=region, year=year), viewer=None
    )


def measure(url: str, label: str, repeat: int) -> None:
    print(f"\n--- {label} ---", flush=True)
    engine = prepared(url, lambda engine: build(engine, random.Random(20250901)))

    with Session(engine) as session:
        province = session.get(Region, PROVINCE)
        assert province is not None
        resolved = policy.resolve(session, province)
        width = resolved.thresholds.lookback_years
        scope = operations.scope_of(province, YEAR - width + 1, YEAR)

        def baseline() -> object:
            return session.execute(text("SELECT COUNT(*) FROM cohort")).scalar_one()

        base = best_of(repeat, full_scan(session))
        print(f"  baseline: full scan of position {base * 1000:9.1f} ms    1.00x")
        steps: list[tuple[str, Callable[[], object]]] = [
            ("COUNT(*) cohort", baseline),
            ("aggregate cohorts", lambda: repository.cohort_totals(session, scope)),
            ("aggregate sites", lambda: repository.site_counts(session, scope)),
            ("aggregate positions", lambda: repository.position_headcounts(session, scope)),
            ("aggregate forecasts", lambda: repository.forecast_headcounts(session, scope)),
            (f"report province {PROVINCE}", report_of(session, PROVINCE, YEAR)),
            (f"report city {CITY}", report_of(session, CITY, YEAR)),
        ]
        for name, run in steps:
            elapsed = best_of(repeat, run)
            print(f"  {name:<31} {elapsed * 1000:9.1f} ms {elapsed / base:7.2f}x")
        rows = operations.mismatch_report(
            session, MismatchQuery(region=PROVINCE, year=YEAR), viewer=None
        ).rows
        print(f"  province report: {len(rows)} majors")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("TEST_DATABASE_URL", DEFAULT_POSTGRES),
        help="PostgreSQL server URL (a temporary database is created there)",
    )
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as folder:
            measure(f"sqlite:///{Path(folder) / 'bench.db'}", "SQLite", args.repeat)
    if args.backend in ("postgresql", "both"):
        with postgres_database(args.postgres) as url:
            measure(url, "PostgreSQL", args.repeat)


if __name__ == "__main__":
    main()
