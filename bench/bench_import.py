"""Bulk import of positions: 100 000 rows into an empty database, the file again, an export.

Run: ``.venv/bin/python -m bench.bench_import [--rows 100000] [--enterprises 500] [--postgres URL]``
(or ``make bench BENCH=import``; ``BENCH_POSTGRES=URL`` names the server too).

By default, the real command in its own process: ``chanjiao import positions FILE --db URL`` on a
fresh database, at ``--rows`` and at a tenth of it, each with its wall time and peak resident memory
(``os.wait4``), and beside it in the same run the baseline: the same file read by the csv module and
inserted by executemany into a bare table. Writes ``bench/results/<time>-import.json`` with the
machine's load (``bench/record.py``: figures ``import_100k_sqlite_s``,
``import_100k_sqlite_peak_mb``, ``import_100k_pg_s``, ``import_100k_pg_peak_mb``, each beside its
baseline). ``--in-process`` times the phases below instead:

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
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlmodel import Session, col

from bench.bench_search import make_uscc
from bench.record import Run
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


def prepare(url: str, rows: int, enterprises: int, *, catalogue: bool = True) -> bytes:
    """A migrated database with the catalogue (unless already there) and the enterprises; the
    positions file to import."""
    if catalogue:
        migrate.upgrade(url)
    with Session(get_engine(url)) as session:
        if catalogue:
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
    return positions_file(codes, rng.sample(majors, 200), regions, rows, rng)


def run(url: str, label: str, rows: int, enterprises: int) -> None:
    data = prepare(url, rows, enterprises)
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


# The baseline of the same run: the same file read by the csv module and inserted by executemany
# into a bare table of text columns (no checks, no index words, no triggers), in its own process;
# on PostgreSQL the file copied into such a table with COPY.
_BARE = """
import csv, sys
from sqlalchemy import create_engine, text
url, path = sys.argv[1], sys.argv[2]
engine = create_engine(url)
with open(path, encoding="utf-8", newline="") as handle, engine.begin() as connection:
    reader = csv.reader(handle)
    headers = next(reader)
    connection.execute(text("DROP TABLE IF EXISTS bare_position"))
    connection.execute(text(
        "CREATE TABLE bare_position (" + ", ".join(f"{h} text" for h in headers) + ")"
    ))
    if engine.dialect.name == "postgresql":
        handle.seek(0)
        cursor = connection.connection.driver_connection.cursor()
        with cursor.copy("COPY bare_position FROM STDIN (FORMAT csv, HEADER true)") as copy:
            while block := handle.read(1 << 20):
                copy.write(block)
    else:
        insert = text(
            "INSERT INTO bare_position VALUES (" + ", ".join(f":{h}" for h in headers) + ")"
        )
        chunk = []
        for row in reader:
            chunk.append(dict(zip(headers, row)))
            if len(chunk) == 1000:
                connection.execute(insert, chunk)
                chunk = []
        if chunk:
            connection.execute(insert, chunk)
"""
_BARE_LABELS = {
    "sqlite": "csv + executemany into a bare table (same file, same run)",
    "postgresql": "COPY into a bare table (same file, same run)",
}


def measured(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one process, by GNU time (a child forked from this
    big process would count this process's memory before its exec in its own peak)."""
    with tempfile.NamedTemporaryFile(mode="r", suffix=".time") as report:
        timed = ["/usr/bin/time", "-o", report.name, "-f", "%e %M", *command]
        process = subprocess.run(timed, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        if process.returncode != 0:
            error = process.stderr.decode()[-2000:]
            raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{error}")
        wall, peak_kib = report.read().split()[-2:]
    return float(wall), int(peak_kib) / 1024


def cli_run(
    url: str, label: str, rows: int, enterprises: int, before: str | None = None
) -> dict[str, object]:
    """``chanjiao import positions FILE`` in its own process, and the bare baseline on the same
    file; wall time and peak memory of each."""
    data = prepare(url, rows, enterprises)
    get_engine(url).dispose()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "positions.csv"
        path.write_bytes(data)
        chanjiao = str(Path(sys.executable).with_name("chanjiao"))
        again = url
        if before:
            if not url.startswith("sqlite"):
                raise SystemExit("--before: SQLite only")
            copy = Path(folder) / "before.db"
            with sqlite3.connect(url.removeprefix("sqlite:///")) as source:
                with sqlite3.connect(copy) as target:
                    source.backup(target)
            again = f"sqlite:///{copy}"
        wall, peak = measured([chanjiao, "import", "positions", str(path), "--db", url])
        bare_wall, bare_peak = measured([sys.executable, "-c", _BARE, url, str(path)])
        if before:
            # The same command from an older tree of the code (``git archive``), on a copy of
            # the database made before the import above.
            env = {**os.environ, "PYTHONPATH": before}
            old_wall, old_peak = measured(
                [chanjiao, "import", "positions", str(path), "--db", again], env
            )
    result = {
        "database": label,
        "rows": rows,
        "seconds": round(wall, 2),
        "seconds_per_10000_rows": round(wall * 10_000 / rows, 2),
        "peak_rss_mb": round(peak),
        "baseline_seconds": round(bare_wall, 2),
        "baseline_peak_rss_mb": round(bare_peak),
        "ratio_to_baseline": round(wall / bare_wall, 1),
    }
    if before:
        result.update(before_seconds=round(old_wall, 2), before_peak_rss_mb=round(old_peak))
        print(f"[{label}] the code before (--before): {old_wall:.2f} s, peak {old_peak:.0f} MB")
    print(
        f"[{label}] chanjiao import positions, {rows} rows: {wall:6.2f} s "
        f"({wall * 10_000 / rows:.2f} s per 10 000 rows), peak {peak:.0f} MB; "
        f"bare csv+executemany {bare_wall:.2f} s, {bare_peak:.0f} MB ({wall / bare_wall:.1f}x)",
        flush=True,
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--enterprises", type=int, default=500)
    parser.add_argument("--postgres", help="PostgreSQL server URL (a temporary database is used)")
    parser.add_argument(
        "--before",
        help="a tree of older code (git archive) to run the same import from too (SQLite only)",
    )
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="time the phases inside this process, the re-import and the export (no result file)",
    )
    args = parser.parse_args()
    postgres = args.postgres or os.environ.get("BENCH_POSTGRES")
    if args.in_process:
        with tempfile.TemporaryDirectory() as folder:
            run(f"sqlite:///{Path(folder) / 'bench.db'}", "sqlite", args.rows, args.enterprises)
        if postgres:
            with postgres_database(postgres) as url:
                run(url, "postgresql", args.rows, args.enterprises)
        return
    results = []
    with Run("import") as record:
        # Each size on a fresh database: the small one shows what does not grow with the file.
        for rows in sorted({args.rows // 10, args.rows}):
            with tempfile.TemporaryDirectory() as folder:
                url = f"sqlite:///{Path(folder) / 'bench.db'}"
                results.append(cli_run(url, "sqlite", rows, args.enterprises, args.before))
            if postgres:
                with postgres_database(postgres) as url:
                    results.append(cli_run(url, "postgresql", rows, args.enterprises))
        for result in results:
            _figures(record, result)
        record.details["results"] = results
        record.details["segmenter"] = (
            "jieba (the search's own cut), each distinct text cut once (lru cache in "
            "matching.search_text); search words computed per written part, not held"
        )


def _figures(record: Run, result: dict[str, object]) -> None:
    """The headline figures of one import: seconds and peak memory, beside the bare baseline."""
    rows = int(str(result["rows"]))
    size = f"{rows // 1000}k"
    database = "sqlite" if result["database"] == "sqlite" else "pg"
    shown = "SQLite" if database == "sqlite" else "PostgreSQL"
    bare = _BARE_LABELS[str(result["database"])]
    headline = rows >= 100_000
    record.figure(
        f"import_{size}_{database}_s",
        f"导入{rows}个岗位 · {shown} · 用时 (import of {rows} positions, wall time)",
        float(str(result["seconds"])),
        "s",
        baseline=float(str(result["baseline_seconds"])),
        baseline_label=bare,
        target="≤ 30" if headline else None,
        readme=headline,
    )
    record.figure(
        f"import_{size}_{database}_peak_mb",
        f"导入{rows}个岗位 · {shown} · 内存峰值 (peak RSS of the importing process)",
        float(str(result["peak_rss_mb"])),
        "MB",
        baseline=float(str(result["baseline_peak_rss_mb"])),
        baseline_label=bare,
        target="≤ 300" if headline else None,
        readme=headline,
    )


if __name__ == "__main__":
    main()
