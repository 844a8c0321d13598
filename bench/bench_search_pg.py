"""The position search at national size on PostgreSQL: a two-word query with a region filter over
1 000 000 published positions.

Run: ``.venv/bin/python -m bench.bench_search_pg [--positions N] [--queries Q] [--server URL]
[--shuffled] [--keep NAME]`` (the server defaults to ``TEST_DATABASE_URL``, else the local one).

Creates a temporary database (dropped afterwards), migrates it, loads the reference catalogue and
3 000 verified enterprises in 重庆's counties, then writes ``--positions`` open positions and their
wanted majors with COPY, over a year of publication times, oldest first as a platform receives
them (``--shuffled``: in random order, the worst case for the index and the table). Titles and
descriptions come from ``bench.vocabulary``: ~90 occupations with qualifiers and ~80 phrases,
each drawn Zipf-distributed as real postings are (the share of postings holding each query word
is printed). Their words are composed from phrases cut once by
jieba (what the service stores for the same text); PostgreSQL computes each ``search_vector``
itself (the generated column), and the GIN index is built once after the load, set-based. Then
the public search operation (count up to the cap, the page, its rows and majors, as the route
runs it) answers ``--queries`` two-word queries, each with a county or city filter, in relevance
and in newest order; p50 / p95 are printed against a same-run baseline,
a full count of ``position``.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from functools import partial

from sqlalchemy import create_engine, insert, make_url, pool, select, text
from sqlmodel import Session, col

from bench.bench_search import chongqing_counties, enterprise_rows
from bench.timing import percentile, took_ms
from bench.vocabulary import Postings, Zipf, titles_and_phrases
from matching import search_text
from matching.search_text import index_words
from models import Major, Organization
from seed.catalog import load_catalog
from service import migrate
from service.db import get_engine, temporary_postgres_database
from service.pagination import PageParams
from service.positions import operations
from service.positions.schemas import PositionPublic as Public
from service.positions.schemas import PositionSearch, PositionSearchPage

ENTERPRISES = 3000
SEED = 20261129
DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
COLUMNS = (
    "id, enterprise_id, kind, title, description, skills, region_code, headcount, monthly_pay, "
    "start_date, closing_date, status, order_training, compliance_findings, published_at, "
    "created_at, updated_at, search_title, search_body"
)
TWO_WORDS = (
    "数控 编程",
    "焊接 学徒",
    "护理 实习",
    "质量 检验",
    "工业机器人 运维",
    "五险一金 住宿",
)
KINDS = ("apprenticeship", "internship", "job")


@contextmanager
def _database(server: str, keep: str | None) -> Iterator[str]:
    if keep is None:
        with temporary_postgres_database(server, "chanjiao_bench_search") as url:
            yield url
        return
    admin = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=pool.NullPool)
    with admin.connect() as conn:
        if not conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": keep}
        ).first():
            conn.execute(text(f'CREATE DATABASE "{keep}"'))
    yield make_url(server).set(database=keep).render_as_string(hide_password=False)


def _counties(session: Session) -> tuple[list[str], list[str]]:
    """Chongqing's counties and the cities above them."""
    counties = chongqing_counties(session)
    return counties, sorted({c[:4] + "00" for c in counties})


def publication_times(
    rng: random.Random, positions: int, now: datetime, shuffled: bool
) -> list[datetime]:
    """A year of publication times to the minute, oldest first as a platform receives its
    postings (each new row goes to the table's end), or in random order (``shuffled``: every
    page of the table and of each word's list of the index holds postings of every month)."""
    times = [now - timedelta(minutes=rng.randint(0, 60 * 24 * 365)) for _ in range(positions)]
    return times if shuffled else sorted(times)


def load(url: str, positions: int, shuffled: bool = False) -> tuple[list[str], list[str]]:
    """Reference data, enterprises and ``positions`` open positions; returns counties, cities."""
    migrate.upgrade(url)
    engine = get_engine(url)
    with Session(engine) as session:
        if session.execute(text("SELECT count(*) FROM position")).scalar_one():
            return _counties(session)  # a kept database, loaded before
    rng = random.Random(SEED)
    now = datetime.now(UTC)
    with Session(engine) as session:
        load_catalog(session)
        counties, cities = _counties(session)
        names: dict[str, str] = {
            str(code): str(name)
            for code, name in session.execute(select(col(Major.code), col(Major.name)))
        }
        enterprises = enterprise_rows(rng, counties, ENTERPRISES, now)
        session.execute(insert(Organization), enterprises)
        session.commit()
    # Words of each phrase, title and major cut once: a position's words are theirs joined.
    titles, phrases_all = titles_and_phrases()
    title_words = {t: index_words(t) for t in titles}
    phrase_words = {p: index_words(p) for p in phrases_all}
    vocabulary = Postings()
    # Wanted majors: any of the catalogue's, Zipf-distributed in a fixed shuffled order.
    codes = sorted(names)
    random.Random(SEED).shuffle(codes)
    major_pick = Zipf(tuple(codes))
    major_words = {c: index_words(names[c]) for c in codes}
    stamps = publication_times(rng, positions, now, shuffled)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("DROP INDEX ix_position_search_vector")
        with cursor.copy(f"COPY position ({COLUMNS}) FROM STDIN") as copy:
            majors: list[tuple[uuid.UUID, str]] = []
            for i in range(positions):
                enterprise = enterprises[rng.randrange(ENTERPRISES)]
                position_id = uuid.uuid4()
                title = vocabulary.title(rng)
                phrases = vocabulary.phrases(rng)
                wanted = list(dict.fromkeys(major_pick.draw(rng) for _ in range(rng.randint(0, 2))))
                published = stamps[i]
                start = date(2026, 1, 1) + timedelta(days=rng.randint(0, 365))
                copy.write_row(
                    (
                        position_id,
                        enterprise["id"],
                        rng.choice(KINDS),
                        f"{title}{i}",
                        "，".join(phrases) + "。",
                        "[]",
                        enterprise["region_code"],
                        rng.randint(1, 20),
                        float(rng.randrange(2500, 15000, 100)) if rng.random() > 0.1 else None,
                        start,
                        start - timedelta(days=rng.randint(0, 60)) if rng.random() > 0.2 else None,
                        "open",
                        False,
                        "[]",
                        published,
                        published,
                        published,
                        f"{title_words[title]} {i}",
                        " ".join(
                            [*(phrase_words[p] for p in phrases), *(major_words[c] for c in wanted)]
                        ),
                    )
                )
                majors.extend((position_id, code) for code in wanted)
        with cursor.copy("COPY position_major (position_id, major_code) FROM STDIN") as copy:
            for row in majors:
                copy.write_row(row)
        cursor.execute("SET maintenance_work_mem = '256MB'")
        cursor.execute(
            "CREATE INDEX ix_position_search_vector ON position USING gin (search_vector)"
        )
        raw.commit()
    finally:
        raw.close()
    # What autovacuum does after a bulk insert: statistics, and the visibility map that lets
    # counts read an index only.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")
    return counties, cities


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--positions", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--server", default=os.environ.get("TEST_DATABASE_URL") or DEFAULT_SERVER)
    parser.add_argument(
        "--keep",
        metavar="NAME",
        help="use (and keep) this database; load it only if it is new (to rerun the queries)",
    )
    parser.add_argument(
        "--shuffled",
        action="store_true",
        help="write the positions in random publication order, not oldest first (the worst case)",
    )
    args = parser.parse_args(argv)
    with _database(args.server, args.keep) as url:
        began = time.perf_counter()
        counties, cities = load(url, args.positions, args.shuffled)
        loaded = time.perf_counter() - began
        with get_engine(url).connect() as conn:
            # 1: the table holds the positions in publication order; ~0: in random order.
            order = conn.execute(
                text(
                    "SELECT correlation FROM pg_stats WHERE tablename = 'position' "
                    "AND attname = 'published_at'"
                )
            ).scalar()
        print(
            f"positions: {args.positions} open, {ENTERPRISES} enterprises in {len(counties)} "
            f"counties of 重庆 (loaded with COPY in {loaded:.0f} s); correlation of the table's "
            f"order with publication times {order if order is None else round(order, 2)}"
        )
        rng = random.Random(SEED)
        cases = [
            (rng.choice(TWO_WORDS), rng.choice(counties if i % 2 else cities))
            for i in range(args.queries)
        ]
        engine = get_engine(url)
        with Session(engine) as session:
            full_scan = [
                took_ms(lambda: session.execute(text("SELECT count(*) FROM position")).scalar())
                for _ in range(5)
            ]
            words = sorted({w for pair in TWO_WORDS for w in pair.split()})
            shares = [
                session.execute(
                    text(
                        "SELECT count(*) FROM position "
                        "WHERE search_vector @@ to_tsquery('simple'::regconfig, :w)"
                    ),
                    {"w": search_text.tsquery([w])},
                ).scalar_one()
                for w in words
            ]
            print(
                "share of postings with each query word: "
                + ", ".join(
                    f"{w} {n / args.positions:.1%}" for w, n in zip(words, shares, strict=True)
                )
            )
            baseline = statistics.median(full_scan)
            page = PageParams(page=1, page_size=20)

            def search(q: str, region: str, sort: str) -> PositionSearchPage:
                views, count, capped = operations.search_positions(
                    session,
                    None,
                    PositionSearch(q=q, region=region, sort=sort),
                    page,
                )
                return PositionSearchPage(
                    data=[Public.from_view(v) for v in views], count=count, count_capped=capped
                )

            for q, region in cases[:10]:  # warm the caches
                search(q, region, "relevance")
            print(f"baseline: SELECT count(*) FROM position, median {baseline:.1f} ms")
            header = f"{'order':<11}{'queries':>8}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
            print(f"{header}{'p95/scan':>10}{'cpu ms':>9}")
            for sort in ("relevance", "newest"):
                # This process's CPU per search (the rest is the database's time and waits).
                cpu = time.process_time()
                took = [took_ms(partial(search, q, r, sort)) for q, r in cases]
                cpu_ms = (time.process_time() - cpu) * 1000 / len(cases)
                p95 = percentile(took, 0.95)
                print(
                    f"{sort:<11}{len(took):>8}{statistics.median(took):>9.1f}{p95:>9.1f}"
                    f"{max(took):>9.1f}{p95 / baseline:>10.3f}{cpu_ms:>9.1f}"
                )
            sample = search(TWO_WORDS[0], cities[0], "relevance")
            print(
                f"e.g. q={TWO_WORDS[0]!r} region={cities[0]}: count {sample.count_display}, "
                f"first {sample.data[0].title if sample.data else '-'}"
            )
        engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
