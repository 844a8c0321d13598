"""The mismatch report at national size: direct computation against the aggregates, one process.

Run: ``.venv/bin/python -m bench.bench_report_national [--size small|national] [--programmes N]
[--positions N] [--years N] [--backend postgresql|sqlite] [--postgres URL] [--repeat N]
[--keep NAME [--generate-only]]`` (or ``BENCH_REPORT_SIZE=national make bench
BENCH=report_national``). ``--keep NAME`` builds the dataset into the PostgreSQL database NAME, or
reuses it if it is there (generating the national size takes minutes; drop it yourself after).

Builds in bulk (PostgreSQL ``COPY``, SQLite multi-row Core inserts, the change-log triggers off
during the load) one province's data: ``--programmes`` school × major programmes (20 per school)
with ``--years`` years of cohorts each, ``--positions`` positions asking for 1, 3, 2, 2 majors in
turn (2 position–major rows each on average) from one enterprise per 50 positions, and one demand
forecast per 200 positions, over the counties of 广东 (440000). ``--size national`` is the issue's
size: 60 000 programmes × 10 years (600 000 cohorts), 1 000 000 positions (2 000 000
position–major rows). The default (``small``) is a tenth of it, for a quick run.

Prints the best of ``--repeat`` runs in milliseconds and as a multiple of one full scan of
``position`` measured just before (``SELECT kind, SUM(headcount) FROM position GROUP BY kind``), and
writes ``bench/results/<when>-report_national.json`` (``bench/record.py``) with each report beside
the direct computation of the same run: the province, one city and the nation computed directly;
the full build of the aggregates; the same reports from them; 10 000 writes spread over the
province's counties (new positions, withdrawals, headcounts) and the reports with all of them
pending; the incremental refresh that folds them in and the reports after it; then a full rebuild
run in a thread while the reports are read and 1 000 more writes made. At each stage the national
and province reports are checked equal to the direct computation.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Engine,
    bindparam,
    create_engine,
    delete,
    insert,
    make_url,
    pool,
    select,
    text,
    update,
)
from sqlmodel import Session, col

from bench.bench_report import counties, full_scan, prepared, report_of
from bench.record import Run
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
    ReportAggregateState,
    ReportChange,
)
from service import migrate
from service.db import get_engine
from service.db import temporary_postgres_database as postgres_database
from service.reports import aggregates, operations
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
WRITES = 10_000  # writes after the build, spread over the province's counties
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


def write_spread(engine: Engine, rng: random.Random, count: int, batch: int = 100) -> int:
    """``count`` writes over the province's counties, ``batch`` per transaction, through ordinary
    inserts and updates (the triggers log them as they log the service's writes): 60 % new open
    positions asking for 1–3 majors, 20 % positions withdrawn, closed or reopened, 20 % headcounts
    changed. Returns the positions written."""
    with Session(engine) as session:
        inside = counties(session, PROVINCE)
        enterprises = list(
            session.execute(
                select(col(Organization.id)).where(col(Organization.kind) == "enterprise")
            ).scalars()
        )
        majors = list(
            session.execute(select(col(Major.code)).where(col(Major.level) == "高职专科")).scalars()
        )
        existing = list(
            session.execute(
                select(col(Position.id)).where(col(Position.region_code).in_(inside)).limit(200_000)
            ).scalars()
        )
    targets = rng.sample(existing, count)
    now = datetime.now(UTC)
    change_status = (
        update(Position)
        .where(col(Position.id) == bindparam("target"))
        .values(status=bindparam("new_status"), updated_at=now)
    )
    change_headcount = (
        update(Position)
        .where(col(Position.id) == bindparam("target"))
        .values(headcount=bindparam("new_headcount"), updated_at=now)
    )
    written = 0
    for start in range(0, count, batch):
        rows, asked, statuses, headcounts = [], [], [], []
        for i in range(start, min(start + batch, count)):
            share = rng.random()
            if share < 0.6:
                position_id = uuid.uuid4()
                rows.append(
                    {
                        "id": position_id,
                        "enterprise_id": rng.choice(enterprises),
                        "kind": rng.choice(list(PositionKind)),
                        "title": f"新岗位{position_id.hex[:16]}",
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
            elif share < 0.8:
                status = rng.choice([PositionStatus.draft, PositionStatus.closed])
                if rng.random() < 0.5:
                    status = PositionStatus.open
                statuses.append({"target": targets[i], "new_status": status.value})
            else:
                headcounts.append({"target": targets[i], "new_headcount": rng.randint(1, 30)})
        with engine.begin() as conn:
            if rows:
                conn.execute(insert(Position.__table__), rows)  # type: ignore[attr-defined]
                conn.execute(insert(PositionMajor.__table__), asked)  # type: ignore[attr-defined]
            if statuses:
                conn.execute(change_status, statuses)
            if headcounts:
                conn.execute(change_headcount, headcounts)
        written += len(rows) + len(statuses) + len(headcounts)
    return written


def refresh(session: Session, *, full: bool = False) -> None:
    aggregates.refresh(session, full=full)
    session.commit()


def rows_of(session: Session, region: str) -> list[dict[str, Any]]:
    report = operations.mismatch_report(
        session, MismatchQuery(region=region, year=YEAR), viewer=None
    )
    return [row.model_dump(exclude={"reasons"}) for row in report.rows]


def direct_rows(engine: Engine, region: str) -> list[dict[str, Any]]:
    """The report computed directly (the aggregates' state row hidden in a rolled-back
    transaction: the same code path as before the first build)."""
    with Session(engine) as session:
        session.execute(delete(ReportAggregateState))
        try:
            return rows_of(session, region)
        finally:
            session.rollback()


def measure(url: str, label: str, size: dict[str, int], repeat: int, reuse: bool = False) -> None:
    print(f"\n--- {label}: {size} ---", flush=True)
    if reuse:
        print("  reusing the kept dataset", flush=True)
        migrate.upgrade(url)
        engine = get_engine(url)
    else:
        engine = prepared(url, lambda engine: build(engine, random.Random(20251129), size))
    with Run("report_national") as run:
        run.details.update(size=size, backend=label, writes=WRITES, repeat=repeat)
        _measure(engine, run, repeat)
    engine.dispose()


def _measure(engine: Engine, run: Run, repeat: int) -> None:
    base = [0.0]

    def baseline(session: Session) -> None:
        # Measured again before each block: on a shared machine the load drifts in a long run.
        base[0] = best_of(repeat, full_scan(session))
        label = "baseline: full scan of position"
        print(f"  {label:<44} {base[0] * 1000:9.1f} ms    1.00x  load {os.getloadavg()[0]:.1f}")

    def step(name: str, run: Callable[[], object], times: int = repeat) -> float:
        elapsed = best_of(times, run)
        print(f"  {name:<44} {elapsed * 1000:9.1f} ms {elapsed / base[0]:7.2f}x", flush=True)
        return elapsed

    reports = {"province": PROVINCE, "city": CITY, "nation": NATIONAL_CODE}
    labels = {"province": "省级报告 440000", "nation": "全国报告 000000"}
    targets = {"province": "≤ 1", "nation": "≤ 3"}
    direct: dict[str, float] = {}
    with Session(engine) as session:
        baseline(session)
        session.execute(delete(ReportAggregateState))  # rolled back below: computes directly
        for name, region in reports.items():
            direct[name] = step(
                f"direct: report {name} {region}", report_of(session, region, YEAR), 1
            )
        session.rollback()

    with Session(engine) as session:
        build_s = step("aggregates: full build", lambda: refresh(session, full=True), 1)
    analyse(engine)
    run.details["full_build_s"] = round(build_s, 3)
    found: dict[str, float] = {}
    with Session(engine) as session:
        baseline(session)
        for name, region in reports.items():
            found[name] = step(
                f"aggregates: report {name} {region}", report_of(session, region, YEAR)
            )
        for region in (NATIONAL_CODE, PROVINCE):
            assert rows_of(session, region) == direct_rows(engine, region), region
        print("  national and province reports equal to the direct computation", flush=True)
        session.rollback()
    loads = {"before_writes": os.getloadavg()}

    start = time.perf_counter()
    written = write_spread(engine, random.Random(7), WRITES)
    writes_s = time.perf_counter() - start
    print(f"  {written:,} writes over the province in {writes_s:.1f} s", flush=True)
    pending: dict[str, float] = {}
    with Session(engine) as session:
        count = aggregates.pending_positions(session)
        print(f"  {count:,} positions pending (not yet refreshed)", flush=True)
        run.details["pending_positions"] = count
        baseline(session)
        for name, region in reports.items():
            pending[name] = step(
                f"pending: report {name} {region}", report_of(session, region, YEAR)
            )
        for region in (NATIONAL_CODE, PROVINCE):
            assert rows_of(session, region) == direct_rows(engine, region), region
        print("  equal to the direct computation with every write pending", flush=True)
        session.rollback()
    direct_after: dict[str, float] = {}
    with Session(engine) as session:
        session.execute(delete(ReportAggregateState))
        for name in ("province", "nation"):
            direct_after[name] = step(
                f"direct after writes: {name}", report_of(session, reports[name], YEAR), 1
            )
        session.rollback()
    with Session(engine) as session:
        incremental_s = step("aggregates: incremental refresh", lambda: refresh(session), 1)
    refreshed: dict[str, float] = {}
    with Session(engine) as session:
        for name, region in reports.items():
            refreshed[name] = step(
                f"refreshed: report {name} {region}", report_of(session, region, YEAR)
            )
        for region in (NATIONAL_CODE, PROVINCE):
            assert rows_of(session, region) == direct_rows(engine, region), region
        print("  equal to the direct computation after the refresh", flush=True)
        session.rollback()
    # The nightly rebuild while people read and write: the reports must not wait for it, the
    # writes neither, and what is written meanwhile must come out right afterwards.
    rebuilt: list[float] = []

    def rebuild() -> None:
        with Session(engine) as session:
            start = time.perf_counter()
            refresh(session, full=True)
            rebuilt.append(time.perf_counter() - start)

    thread = threading.Thread(target=rebuild)
    thread.start()
    time.sleep(3)
    during: dict[str, float] = {}
    with Session(engine) as session:
        for name in ("province", "nation"):
            during[name] = step(
                f"during a full rebuild: report {name}", report_of(session, reports[name], YEAR)
            )
        session.rollback()
    start = time.perf_counter()
    write_spread(engine, random.Random(11), 1_000)
    during_writes_s = time.perf_counter() - start
    print(f"  1,000 writes during the rebuild in {during_writes_s:.1f} s", flush=True)
    thread.join()
    print(f"  full rebuild under that load {rebuilt[0]:.1f} s", flush=True)
    with Session(engine) as session:
        for region in (NATIONAL_CODE, PROVINCE):
            assert rows_of(session, region) == direct_rows(engine, region), region
        refresh(session)
        for region in (NATIONAL_CODE, PROVINCE):
            assert rows_of(session, region) == direct_rows(engine, region), region
        print("  equal to the direct computation after the rebuild and the next refresh")
    run.details["during_full_build"] = {
        "report_s": during,
        "writes_1000_s": round(during_writes_s, 3),
        "rebuild_s": round(rebuilt[0], 3),
    }
    for name in ("province", "nation"):
        run.figure(
            f"report_{name}_during_full_build_s",
            f"专业供需报告 · {labels[name]} · 夜间全量重建进行中 · PostgreSQL",
            during[name],
            "s",
            baseline=refreshed[name],
            baseline_label="the same report with no rebuild running, same run",
            target=targets[name],
            readme=False,
        )
    loads["after"] = os.getloadavg()
    run.details["load_average"] = {k: [round(x, 2) for x in v] for k, v in loads.items()}
    run.details["writes_s"] = round(writes_s, 3)
    run.details["city_s"] = {"direct": direct["city"], "aggregates": found["city"]}
    run.details["equal_to_direct"] = True

    direct_label = "direct computation (the report without aggregates), same run"
    for name in ("province", "nation"):
        run.figure(
            f"report_{name}_s",
            f"专业供需报告 · {labels[name]} · 60 000 个专业点 × 10 年、100 万个岗位 · PostgreSQL",
            found[name],
            "s",
            baseline=direct[name],
            baseline_label=direct_label,
            target=targets[name],
        )
        run.figure(
            f"report_{name}_after_writes_s",
            f"专业供需报告 · {labels[name]} · 全省 {WRITES:,} 次写入后、尚未刷新 · PostgreSQL",
            pending[name],
            "s",
            baseline=direct_after[name],
            baseline_label=direct_label,
            target=targets[name],
        )
        run.figure(
            f"report_{name}_after_refresh_s",
            f"专业供需报告 · {labels[name]} · {WRITES:,} 次写入经增量刷新后 · PostgreSQL",
            refreshed[name],
            "s",
            baseline=direct_after[name],
            baseline_label=direct_label,
            target=targets[name],
            readme=False,
        )
    run.figure(
        "report_refresh_after_writes_s",
        f"汇总表增量刷新 · 折入全省 {WRITES:,} 次写入 · PostgreSQL",
        incremental_s,
        "s",
        baseline=build_s,
        baseline_label="full rebuild of the aggregates, same run",
    )


def kept_database(server_url: str, name: str) -> tuple[str, bool]:
    """The database ``name`` on the server (created if missing), and whether it already holds a
    dataset: ``--keep`` reuses it across runs, as generating the national size takes minutes."""
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=pool.NullPool)
    with admin.connect() as conn:
        exists = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).first()
        if exists is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    if exists is None:
        return url, False
    probe = create_engine(url, poolclass=pool.NullPool)
    with probe.connect() as conn:
        built = conn.execute(text("SELECT to_regclass('position') IS NOT NULL")).scalar()
        filled = built and conn.execute(text("SELECT EXISTS (SELECT 1 FROM position)")).scalar()
    probe.dispose()
    return url, bool(filled)


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
    parser.add_argument(
        "--keep",
        metavar="NAME",
        help="PostgreSQL: build into (or reuse) the database NAME and keep it (drop it yourself)",
    )
    parser.add_argument(
        "--generate-only", action="store_true", help="with --keep: build the dataset and stop"
    )
    args = parser.parse_args()
    size = dict(SIZES[args.size])
    for name in ("programmes", "positions", "years"):
        if getattr(args, name) is not None:
            size[name] = getattr(args, name)
    if args.backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            measure(f"sqlite:///{Path(folder) / 'bench.db'}", "SQLite", size, args.repeat)
    elif args.keep:
        url, reuse = kept_database(args.postgres, args.keep)
        if args.generate_only:
            if not reuse:
                prepared(url, lambda engine: build(engine, random.Random(20251129), size))
            return
        measure(url, "PostgreSQL", size, args.repeat, reuse=reuse)
    else:
        with postgres_database(args.postgres) as url:
            measure(url, "PostgreSQL", size, args.repeat)


if __name__ == "__main__":
    main()
