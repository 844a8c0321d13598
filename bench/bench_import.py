"""Bulk import of positions: 100 000 rows into an empty database, the file again, an export.

Run: ``.venv/bin/python -m bench.bench_import [--rows 100000] [--enterprises 500] [--postgres URL]``

Builds a SQLite database in a temporary folder (and, with ``--postgres`` naming a server, a
temporary PostgreSQL database that is dropped afterwards), migrates it, loads the catalogue,
imports ``--enterprises`` enterprises, then times through the same operation the CLI calls:

* the first import of a positions CSV (every row inserted: read, check, compliance, write, commit),
  split into the check phase (a read session) and the write phase (the write transaction, i.e. how
  long SQLite's write lock is held);
* the second import of the same file (every row found unchanged, nothing written but the audit
  entry);
* the export of all positions to CSV.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlmodel import Session, col

from bench.bench_search import make_uscc
from models import Major, Position, Region
from seed.catalog import load_catalog
from service import migrate
from service.db import get_engine, session_scope
from service.db import temporary_postgres_database as postgres_database
from service.transfer import operations
from service.transfer.columns import FileFormat, TransferKind
from service.transfer.schemas import ImportResult

NAMES = ("软件技术", "机电一体化技术", "工业机器人技术", "新能源汽车技术", "模具设计与制造")
TITLES = ("装配工", "质检员", "数控车工", "软件测试", "运维工程师", "焊工", "电工", "仓储专员")
DESCRIPTIONS = (
    "负责生产线设备的日常操作与点检，按工艺文件完成装配。",
    "在师傅带领下学习零部件检测，填写检验记录，参与质量改进。",
    "参与软件模块的编码、单元测试与文档编写，使用Git协作。",
    "负责现场设备的安装调试与故障排除，提供技术支持。",
)


def to_csv(headers: list[str], rows: list[list[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def organizations_file(codes: list[str], regions: list[str], rng: random.Random) -> bytes:
    rows: list[list[object]] = [
        ["enterprise", code, f"基准测试企业{i}有限公司", rng.choice(regions), "3670", "", 20000]
        for i, code in enumerate(codes)
    ]
    headers = ["kind", "code", "name", "region_code", "industry_code", "level", "staff_count"]
    return to_csv(headers, rows)


def positions_file(
    codes: list[str], majors: list[str], regions: list[str], count: int, rng: random.Random
) -> bytes:
    headers = [
        "enterprise_code", "title", "kind", "major_codes", "region_code", "headcount",
        "monthly_pay", "start_date", "closing_date", "description", "status", "same_post_wage",
        "hours_per_day", "hours_per_week", "end_date", "skills",
    ]  # fmt: skip
    rows: list[list[object]] = []
    base = date(2027, 1, 1)
    for i in range(count):
        kind = ("job", "internship", "apprenticeship")[i % 3]
        start = base + timedelta(days=i % 365)
        wanted = rng.sample(majors, rng.randint(1, 3))
        if i % 10 == 0:
            wanted[0] = rng.choice(NAMES)  # some rows name their major instead of coding it
        pay = rng.randrange(3500, 9000, 50)
        rows.append(
            [
                codes[i % len(codes)],
                f"{rng.choice(TITLES)}{i:06d}",  # zero-padded: a bare "985" would trip a rule
                kind,
                ";".join(wanted),
                rng.choice(regions) if i % 4 else "",
                rng.randint(1, 5),
                pay,
                start.isoformat(),
                (start - timedelta(days=14)).isoformat(),
                rng.choice(DESCRIPTIONS),
                ("open", "open", "closed", "draft")[i % 4],
                pay + 500 if kind == "internship" else "",
                8,
                40,
                (start + timedelta(days=180)).isoformat() if kind != "job" else "",
                "识图;钳工" if i % 2 else "",
            ]
        )
    return to_csv(headers, rows)


def two_phases(url: str, data: bytes) -> tuple[ImportResult, float]:
    """The CLI's import: checked on a read session, then written in one write transaction (which
    on SQLite holds the write lock). Returns the result and the seconds before the write phase."""
    start = time.perf_counter()
    with session_scope(url, write=False) as reader:
        checked = operations.check_file(
            reader, TransferKind.positions, data, file_name="bench-positions.csv"
        )
    before_write = time.perf_counter() - start
    with session_scope(url) as session:
        result = operations.write_prepared(session, checked, actor="bench")
    return result, before_write


def run(url: str, label: str, rows: int, enterprises: int) -> None:
    migrate.upgrade(url)
    with Session(get_engine(url)) as session:
        load_catalog(session)
        session.commit()
        region, major = col(Region.code), col(Major.code)
        counties = select(region).where(region.like("5001%"), col(Region.level) == "county")
        regions = list(session.execute(counties).scalars())
        higher = select(major).where(col(Major.level) == "高职专科")
        majors = list(session.execute(higher).scalars())
    rng = random.Random(2024)
    codes = [make_uscc("500106", 10_000 + i) for i in range(enterprises)]
    with session_scope(url) as session:
        operations.import_file(
            session,
            TransferKind.organizations,
            organizations_file(codes, regions, rng),
            file_name="bench-organizations.csv",
            actor="bench",
        )
    data = positions_file(codes, rng.sample(majors, 200), regions, rows, rng)
    print(f"[{label}] positions file: {rows} rows, {len(data) / 1e6:.1f} MB")

    start = time.perf_counter()
    result, before_write = two_phases(url, data)
    total = time.perf_counter() - start
    print(
        f"[{label}] first import:  {total:6.2f} s  {rows / total:9,.0f} rows/s  "
        f"(read+check {before_write:.2f} s, write transaction {total - before_write:.2f} s; "
        f"inserted {result.inserted})"
    )
    start = time.perf_counter()
    again, before_write = two_phases(url, data)
    total = time.perf_counter() - start
    print(
        f"[{label}] second import: {total:6.2f} s  {rows / total:9,.0f} rows/s  "
        f"(write transaction {total - before_write:.2f} s; "
        f"unchanged {again.unchanged}, inserted {again.inserted}, updated {again.updated})"
    )
    start = time.perf_counter()
    with session_scope(url, write=False) as session:
        out = io.BytesIO()
        exported = operations.export_table(session, TransferKind.positions, FileFormat.csv, out)
        stored = session.execute(select(func.count()).select_from(Position)).scalar_one()
    total = time.perf_counter() - start
    print(
        f"[{label}] export csv:    {total:6.2f} s  {exported / total:9,.0f} rows/s  "
        f"({exported} rows of {stored} stored, {out.tell() / 1e6:.1f} MB)"
    )
    get_engine(url).dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--enterprises", type=int, default=500)
    parser.add_argument("--postgres", help="PostgreSQL server URL (a temporary database is used)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{Path(folder) / 'bench.db'}", "sqlite", args.rows, args.enterprises)
    if args.postgres:
        with postgres_database(args.postgres) as url:
            run(url, "postgresql", args.rows, args.enterprises)


if __name__ == "__main__":
    main()
