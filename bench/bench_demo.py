"""The demo city: generation and load time, and seconds per 100 000 rows.

Run: ``.venv/bin/python -m bench.bench_demo [--scale 10] [--postgres URL]``

Builds a fresh database (migrations and the reference catalogue, not timed) in a temporary folder —
and, with ``--postgres`` naming a server, a temporary database there, dropped afterwards — then
times ``generate_city`` and the load through the platform's operations (one transaction, what
``chanjiao seed demo --scale N`` does), a second run that finds the city and returns, and the
mismatch report of the city. The load includes fixed costs (five password hashes, the catalogue
resolver's fit) that dominate at scale 1; compare the per-100 000-row figure at scale ≥ 10.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlmodel import Session

from seed.catalog import load_catalog
from seed.demo import generate_city
from seed.demo.loader import load_city, load_demo
from service import migrate
from service.db import get_engine, session_scope
from service.db import temporary_postgres_database as postgres_url
from service.reports import operations as reports
from service.settings import settings


@contextmanager
def sqlite_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{folder}/bench-demo.db"


def run(url: str, scale: float, label: str) -> None:
    migrate.upgrade(url)
    with Session(get_engine(url)) as session:
        load_catalog(session)
        session.commit()

    started = time.perf_counter()
    city = generate_city(scale=scale)
    generated = time.perf_counter() - started
    rows = city.total_rows

    started = time.perf_counter()
    with session_scope(url) as session:
        load_city(session, city)
    loaded = time.perf_counter() - started

    started = time.perf_counter()
    with session_scope(url) as session:
        again = load_demo(session, scale=scale)
    rerun = time.perf_counter() - started

    started = time.perf_counter()
    with session_scope(url, write=False) as session:
        report = reports.mismatch_report(
            session, reports.MismatchQuery(region="500000", year=2026), viewer=None
        )
    reported = time.perf_counter() - started

    counts = ", ".join(f"{kind} {n}" for kind, n in city.counts().items())
    print(f"[{label}] scale {scale:g}: {rows} rows ({counts})")
    print(f"  generate      {generated:7.2f} s   {generated / rows * 1e5:6.2f} s per 100 000 rows")
    print(f"  load          {loaded:7.2f} s   {loaded / rows * 1e5:6.2f} s per 100 000 rows")
    print(f"  second run    {rerun:7.2f} s   (found: {again.already_loaded})")
    print(f"  report 2026   {reported:7.2f} s   {report.summary}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument(
        "--postgres", help="server URL, e.g. postgresql+psycopg://postgres@127.0.0.1/test"
    )
    args = parser.parse_args()
    # The demo refuses other environments; this process only writes to its own throwaway database.
    settings.environment = "demo"
    with sqlite_url() as url:
        run(url, args.scale, "sqlite")
    if args.postgres:
        with postgres_url(args.postgres) as url:
            run(url, args.scale, "postgresql")


if __name__ == "__main__":
    main()
