"""Student import with accounts: 20 000 students opening 20 000 accounts, against the same file
imported without accounts (the baseline, same run).

Run: ``.venv/bin/python -m bench.bench_students [--rows 20000] [--postgres URL]``

Each import runs the two phases the CLI runs: the check on a read session (which also generates
and hashes the initial passwords) and the write in one transaction (how long SQLite's write lock is
held). CPU time of this process is printed too: on a shared machine it is the steadier figure
(SQLite runs in-process; PostgreSQL's own work is not in it). Each variant gets a fresh database,
migrated and catalogue-loaded, with 20 schools.
"""

from __future__ import annotations

import argparse
import csv
import io
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from seed.catalog import load_catalog
from service import migrate
from service.db import get_engine, session_scope
from service.db import temporary_postgres_database as postgres_database
from service.transfer import operations
from service.transfer.columns import TransferKind
from service.transfer.readers import read_file

SCHOOLS = 20
MAJOR = "520201"


def files(rows: int) -> tuple[bytes, bytes]:
    schools = [f"41500{i:05d}" for i in range(1, SCHOOLS + 1)]
    orgs = io.StringIO()
    writer = csv.writer(orgs)
    writer.writerow(["kind", "code", "name", "region_code", "level"])
    writer.writerows(
        ["school", code, f"基准测试职业学院{i}", "500106", "高职专科"]
        for i, code in enumerate(schools)
    )
    students = io.StringIO()
    writer = csv.writer(students)
    writer.writerow(["school_code", "student_no", "name", "phone", "major_code", "graduation_year"])
    writer.writerows(
        [schools[i % SCHOOLS], f"B{i:07d}", "测试学生", f"139{i:08d}", MAJOR, 2027]
        for i in range(rows)
    )
    return orgs.getvalue().encode(), students.getvalue().encode()


@contextmanager
def database(postgres: str | None) -> Iterator[str]:
    if postgres:
        with postgres_database(postgres, "chanjiao_bench_students") as url:
            yield url
        return
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{Path(folder) / 'bench.db'}"


def run(url: str, orgs: bytes, students: bytes, accounts: bool) -> tuple[float, float, float, int]:
    """(wall seconds, write-phase seconds, CPU seconds of this process, accounts made)."""
    migrate.upgrade(url)
    with session_scope(url) as session:
        load_catalog(session)
        operations.import_file(
            session, TransferKind.organizations, orgs, file_name="o.csv", actor="bench"
        )
    started, cpu = time.perf_counter(), time.process_time()
    with session_scope(url, write=False) as reader:
        checked = operations.check_sheet(
            reader,
            TransferKind.students,
            read_file(students, "s.csv"),
            file_name="s.csv",
            accounts=accounts,
        )
    write_started = time.perf_counter()
    with session_scope(url) as session:
        result = operations.write_prepared(session, checked, actor="bench")
    done, cpu_done = time.perf_counter(), time.process_time()
    get_engine(url).dispose()
    return done - started, done - write_started, cpu_done - cpu, len(result.initial_passwords)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--postgres", default=None)
    args = parser.parse_args()
    orgs, students = files(args.rows)
    label = "PostgreSQL" if args.postgres else "SQLite"
    figures = {}
    for accounts in (False, True):
        with database(args.postgres) as url:
            figures[accounts] = run(url, orgs, students, accounts)
    (total, write, cpu, _), (total_a, write_a, cpu_a, made) = figures[False], figures[True]
    print(
        f"{label}: {args.rows} students without accounts {total:.2f} s (write {write:.2f} s, "
        f"CPU {cpu:.2f} s); with {made} accounts {total_a:.2f} s (write {write_a:.2f} s, "
        f"CPU {cpu_a:.2f} s) = {total_a / total:.2f}× the baseline's wall time, "
        f"{cpu_a / cpu:.2f}× its CPU time, write phase {write_a / write:.2f}×"
    )


if __name__ == "__main__":
    main()
