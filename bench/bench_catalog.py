"""The catalogue service: reference load time; resolution through the service vs. the resolver.

Run: ``.venv/bin/python -m bench.bench_catalog [--names 5000] [--repeat 3] [--postgres URL]``

Prints
* the load time of every reference file into an empty database, and of a second load that finds
  nothing to change (SQLite in a temporary folder; PostgreSQL too when ``--postgres`` names a
  server, where a temporary database is created and dropped);
* names/s of ``service.catalog.operations.resolve_major`` (one call per name: fingerprint query,
  cache look-up, resolve) against ``MajorResolver.resolve`` on the same fitted resolver in the same
  process, and of ``resolve_majors`` against ``MajorResolver.resolve_many`` for the batch path; the
  ratio is the service's overhead and is what to compare across machines;
* the time to fit a resolver from the database (what a catalogue change costs the next request).

Writes ``bench/results/<UTC stamp>-catalog.json`` (`bench.record.Run`).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session, col

from bench.record import Run
from bench.timing import best_of
from models import Major, MajorAlias
from service import migrate
from service.catalog import operations as catalog
from service.db import get_engine
from service.db import temporary_postgres_database as postgres_database

LEVELS = ("中职", "高职专科", "职教本科")
FULL_WIDTH = str.maketrans("0123456789()", "０１２３４５６７８９（）")


def time_loads(url: str) -> tuple[float, float]:
    migrate.upgrade(url)
    engine = get_engine(url)
    timings = []
    for _ in range(2):
        with Session(engine) as session:
            start = time.perf_counter()
            catalog.load_reference(session)
            session.commit()
            timings.append(time.perf_counter() - start)
    return timings[0], timings[1]


def messy_inputs(session: Session, count: int, seed: int = 7) -> list[tuple[str, str | None]]:
    """(name, level) pairs as schools type them: suffixes, brackets, codes, aliases, typos."""
    rng = random.Random(seed)
    majors = list(session.execute(select(col(Major.code), col(Major.name), col(Major.level))))
    aliases = list(session.execute(select(col(MajorAlias.alias), col(MajorAlias.major_code))))
    level_of = {code: level for code, _, level in majors}
    inputs: list[tuple[str, str | None]] = []
    while len(inputs) < count:
        code, name, level = rng.choice(majors)
        kind = rng.randrange(8)
        if kind == 0:
            inputs.append((name, level))
        elif kind == 1:
            inputs.append((f"{name}专业", level))
        elif kind == 2:
            inputs.append((f"{name}（{rng.choice(['订单班', '智能制造', '3+2'])}方向）", level))
        elif kind == 3:
            inputs.append((code.translate(FULL_WIDTH), None))
        elif kind == 4:
            inputs.append((" ".join(name), level))
        elif kind == 5:
            alias, alias_code = rng.choice(aliases)
            inputs.append((alias, level_of[alias_code]))
        elif kind == 6 and len(name) > 3:
            cut = rng.randrange(len(name))
            inputs.append((name[:cut] + name[cut + 1 :], level))  # a dropped character
        else:
            inputs.append((name, rng.choice([other for other in LEVELS if other != level])))
    return inputs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--names", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", help="a PostgreSQL server URL, e.g. postgresql+psycopg://…")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder, Run("catalog") as run:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        first, second = time_loads(url)
        print(f"load sqlite      : first {first:.2f} s, second (no change) {second:.2f} s")
        run.figure("catalog_load_sqlite_s", "参考目录首次载入 · SQLite", round(first, 2), "s")
        run.details["load_sqlite_unchanged_s"] = round(second, 2)
        if args.postgres:
            with postgres_database(args.postgres) as pg_url:
                first, second = time_loads(pg_url)
            print(f"load postgresql  : first {first:.2f} s, second (no change) {second:.2f} s")
            run.details["load_postgresql_s"] = [round(first, 2), round(second, 2)]

        with Session(get_engine(url)) as session:
            catalog.invalidate_resolver()
            start = time.perf_counter()
            resolver = catalog.get_resolver(session)
            fit = time.perf_counter() - start
            print(f"fit from the db  : {fit * 1000:.0f} ms ({len(resolver.records_)} majors)")

            inputs = messy_inputs(session, args.names)
            by_level: dict[str | None, list[str]] = {}
            for name, level in inputs:
                by_level.setdefault(level, []).append(name)

            def pure_one() -> None:
                for name, level in inputs:
                    resolver.resolve(name, level)

            def service_one() -> None:
                for name, level in inputs:
                    catalog.resolve_major(session, name, level)

            def pure_batch() -> None:
                for level, names in by_level.items():
                    resolver.resolve_many(names, level)

            def service_batch() -> None:
                for level, names in by_level.items():
                    catalog.resolve_majors(session, names, level)

            resolved = sum(
                catalog.resolve_major(session, name, level).resolved for name, level in inputs
            )
            n = len(inputs)
            print(f"inputs           : {n} messy names, {resolved / n:.1%} resolved")
            pure = best_of(args.repeat, pure_one)
            service = best_of(args.repeat, service_one)
            print(
                f"one by one       : service {n / service:,.0f} names/s, "
                f"pure {n / pure:,.0f} names/s, ratio {service / pure:.2f}x the pure time"
            )
            run.figure(
                "catalog_resolve_service_names_per_s",
                "专业名称解析经服务层（逐个，数据库拟合并缓存）",
                round(n / service),
                "names/s",
                baseline=round(n / pure),
                baseline_label="MajorResolver.resolve on the same fitted resolver, same inputs",
            )
            run.details["fit_ms"] = round(fit * 1000)
            run.details["resolved_share"] = round(resolved / n, 4)
            pure = best_of(args.repeat, pure_batch)
            service = best_of(args.repeat, service_batch)
            print(
                f"batch            : service {n / service:,.0f} names/s, "
                f"pure {n / pure:,.0f} names/s, ratio {service / pure:.2f}x the pure time"
            )
            run.details["batch_names_per_s"] = {
                "service": round(n / service),
                "pure": round(n / pure),
            }
        get_engine(url).dispose()


if __name__ == "__main__":
    main()
