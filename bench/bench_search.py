"""The public position search over HTTP while enterprises write, against a bare FastAPI endpoint
in the same run (issue 25.1).

Run: ``.venv/bin/python -m bench.bench_search [--positions N] [--concurrency C] [--duration S]
[--writes-per-second W] [--postgres URL] [--workers N] [--cached] [--database] [--no-record]``

Builds the database — a SQLite file in a temporary folder, or with ``--postgres`` a database
``bench_search_pg_…`` of its own on that server, dropped afterwards — (migrations, reference
catalogue, then ``--positions`` open positions of 300 verified enterprises in 重庆 with Core bulk
inserts, their search words computed as the service computes them), starts the real app with
uvicorn with the anonymous answers' cache turned off (``CHANJIAO_SEARCH_CACHE_ENTRIES=0``), and a
bare FastAPI app (one ``def`` endpoint sending the bytes of the headline query's answer, the same
20 positions), each with ``--workers`` workers (1 on SQLite, 4 on PostgreSQL). It drives each in
turn with ``--concurrency`` threads (64), each with its own keep-alive httpx client, for
``--duration`` seconds after a warm-up: the bare endpoint, then the headline query
``q=数控 编程&region=500100`` alone, then a mix of 12 queries (text of one and two words, region
roll-up, industry section, major, minimum pay, the three sort orders, deep pages), while a thread
publishes ``--writes-per-second`` positions (5) a second in random counties of Chongqing, each in
its own transaction straight into the database. ``--cached`` also starts the app with the cache on,
checks that both apps send the same bytes for every query, and drives the mix against it too.
``--database`` also starts the app with its in-memory search index off (the database answers
every search, as before issue 25.1's index) and drives the headline against it. The measured app
is driven only once every worker's index is built (``/readyz``'s ``search_index``).

The load generator shares the machine with the servers (two cores here), so the absolute figures
are low; the ratio to the bare endpoint is the figure to compare across runs. The figures (req/s
beside the bare endpoint's, p50, p99, load average) go to ``bench/results/<time>-search.json``
through ``bench.record`` (``--no-record``: not written).
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI, Response
from sqlalchemy import insert, select
from sqlmodel import Session, col

from bench.record import Run
from matching.search_text import index_words
from models import (
    Major,
    Organization,
    OrganizationKind,
    OrganizationStatus,
    Position,
    PositionKind,
    PositionMajor,
    PositionStatus,
    Region,
)
from models.validators import USCC_ALPHABET, uscc_check_character
from seed.catalog import load_catalog
from service import migrate
from service.db import get_engine, temporary_postgres_database
from service.positions import search as positions_search

ENTERPRISES = 300
SEED = 20261123
INDUSTRIES = ("3670", "3612", "3511", "6511", "6520", "8411", "4411", "2761", "3982", "5411")
MAJORS = ("460103", "460101", "460104", "510203", "510201", "520201", "460702", "430301")
TITLES = (
    "数控车床操作工",
    "焊接学徒",
    "Java开发实习生",
    "电气维修工",
    "质检员",
    "护理实习生",
    "新能源汽车装调工",
    "工业机器人运维",
    "物流仓储管理",
    "前端开发工程师",
    "模具钳工",
    "养老护理员",
    "电商运营助理",
    "CAD绘图员",
    "设备点检员",
    "化工操作工",
    "数据标注员",
    "智能制造产线技术员",
)
PHRASES = (
    "负责数控机床的编程与操作",
    "参与首件检验与质量追溯",
    "跟随师傅学习焊接与切割工艺",
    "参与后台接口开发与测试",
    "负责配电设备的日常巡检",
    "协助完成生产计划与物料管理",
    "熟悉PLC编程者优先",
    "提供住宿和工作餐",
    "按国家规定缴纳社会保险",
    "完成岗位培训后可转正",
    "参与新能源汽车整车装配",
    "负责老人日常照护",
    "熟练使用CAD和SolidWorks",
    "五险一金，带薪年假",
)
QUERIES: tuple[dict[str, Any], ...] = (
    {},
    {"q": "数控"},
    {"q": "焊接 学徒"},
    {"region": "500100", "kind": "internship"},
    {"industry": "C", "sort": "pay", "min_pay": 5000},
    {"major": "460103"},
    {"q": "开发", "sort": "closing", "page": 3},
    {"region": "500106", "sort": "pay"},
    {"q": "五险一金", "page": 5},
    {"kind": "apprenticeship", "sort": "closing", "page_size": 50},
    {"q": "数控 编程", "region": "500100"},
    {"q": "护理", "kind": "实习", "sort": "pay"},
)


def make_uscc(region: str, serial: int) -> str:
    """A valid 统一社会信用代码 of an enterprise registered in ``region``, the ``serial``-th."""
    body = ""
    for _ in range(9):
        serial, r = divmod(serial, len(USCC_ALPHABET))
        body = USCC_ALPHABET[r] + body
    first17 = f"91{region}{body}"
    return first17 + uscc_check_character(first17)


def enterprise_rows(
    rng: random.Random, counties: Sequence[str], count: int, now: datetime
) -> list[dict[str, Any]]:
    """``count`` verified enterprises in random counties, as rows for a bulk insert."""
    return [
        {
            "id": uuid.uuid4(),
            "kind": OrganizationKind.enterprise,
            "code": make_uscc(region, i + 1),
            "name": f"重庆测试企业{i + 1}有限公司",
            "region_code": region,
            "industry_code": rng.choice(INDUSTRIES),
            "staff_count": rng.randint(50, 5000),
            "status": OrganizationStatus.verified,
            "is_integration_enterprise": False,
            "created_at": now,
            "updated_at": now,
            "verified_at": now,
        }
        for i, region in enumerate(rng.choice(counties) for _ in range(count))
    ]


def chongqing_counties(session: Session) -> list[str]:
    """The county codes of Chongqing (500000), where the benches' positions are."""
    return list(
        session.execute(
            select(col(Region.code)).where(
                col(Region.province_code) == "500000", col(Region.level) == "county"
            )
        ).scalars()
    )


def build_database(path: Path, positions: int) -> str:
    """A migrated, catalogue-loaded SQLite file holding ``positions`` open positions."""
    return fill_database(f"sqlite:///{path}", positions)


def fill_database(url: str, positions: int) -> str:
    """Migrate the empty database ``url`` (SQLite or PostgreSQL), load the catalogue and write
    ``positions`` open positions of ``ENTERPRISES`` enterprises into it."""
    migrate.upgrade(url)
    engine = get_engine(url)
    rng = random.Random(SEED)
    now = datetime.now(UTC)
    with Session(engine) as session:
        load_catalog(session)
        counties = chongqing_counties(session)
        enterprises = enterprise_rows(rng, counties, ENTERPRISES, now)
        session.execute(insert(Organization), enterprises)
        names: dict[str, str] = {
            str(code): str(name)
            for code, name in session.execute(
                select(col(Major.code), col(Major.name)).where(col(Major.code).in_(MAJORS))
            )
        }
        rows, majors = [], []
        for i in range(positions):
            enterprise = rng.choice(enterprises)
            published = now - timedelta(minutes=rng.randint(0, 60 * 24 * 90))
            start = date(2026, 1, 1) + timedelta(days=rng.randint(0, 365))
            position_id = uuid.uuid4()
            title = f"{rng.choice(TITLES)}{i}"
            description = "，".join(rng.sample(PHRASES, 3)) + "。"
            wanted = rng.sample(MAJORS, rng.randint(0, 2))
            rows.append(
                {
                    "id": position_id,
                    "enterprise_id": enterprise["id"],
                    "kind": rng.choice(list(PositionKind)),
                    "title": title,
                    "description": description,
                    "skills": [],
                    "region_code": enterprise["region_code"],
                    "headcount": rng.randint(1, 20),
                    "monthly_pay": float(rng.randrange(2500, 15000, 100))
                    if rng.random() > 0.1
                    else None,
                    "start_date": start,
                    "closing_date": start - timedelta(days=rng.randint(0, 60))
                    if rng.random() > 0.2
                    else None,
                    "status": PositionStatus.open,
                    "order_training": False,
                    "compliance_findings": [],
                    "published_at": published,
                    "created_at": published,
                    "updated_at": published,
                    # The words every write path of the service stores (the search index's input).
                    "search_title": index_words(title),
                    "search_body": index_words(description, [names[c] for c in wanted]),
                }
            )
            for code in wanted:
                majors.append({"position_id": position_id, "major_code": code})
        session.execute(insert(Position), rows)
        session.execute(insert(PositionMajor), majors)
        positions_search.refresh_statistics(session)  # as the import does after writing
        session.commit()
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    engine.dispose()
    return url


def bare_app() -> FastAPI:
    """The baseline: FastAPI with one sync endpoint and no database, sending the bytes of the
    file ``BENCH_BARE_BODY`` names (the search's answer of 20 positions) or a small body."""
    app = FastAPI()
    path = os.environ.get("BENCH_BARE_BODY")
    body = Path(path).read_bytes() if path else b'{"data": [], "count": 0}'

    @app.get("/bare")
    def bare() -> Response:
        return Response(body, media_type="application/json")

    return app


class Writer:
    """Publishes ``per_second`` positions a second in random counties of Chongqing while the
    search is driven, each in its own short transaction (as enterprises do), straight into the
    database: the triggers count them as they count the service's writes."""

    def __init__(self, url: str, per_second: float) -> None:
        self.url = url
        self.per_second = per_second
        self.written = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Writer:
        if self.per_second > 0:
            self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        engine = get_engine(self.url)
        rng = random.Random(SEED + 1)
        with Session(engine) as session:
            counties = chongqing_counties(session)
            enterprises = [
                (row[0], row[1])
                for row in session.execute(
                    select(col(Organization.id), col(Organization.region_code)).where(
                        col(Organization.kind) == OrganizationKind.enterprise
                    )
                )
            ]
        interval = 1 / self.per_second
        next_at = time.monotonic()
        while not self._stop.is_set():
            enterprise_id, _ = rng.choice(enterprises)
            now = datetime.now(UTC)
            title = f"{rng.choice(TITLES)}新{self.written}"
            description = "，".join(rng.sample(PHRASES, 3)) + "。"
            with Session(engine) as session:
                session.execute(
                    insert(Position),
                    [
                        {
                            "id": uuid.uuid4(),
                            "enterprise_id": enterprise_id,
                            "kind": rng.choice(list(PositionKind)),
                            "title": title,
                            "description": description,
                            "skills": [],
                            "region_code": rng.choice(counties),
                            "headcount": 1,
                            "monthly_pay": 6000.0,
                            "start_date": date(2027, 3, 1),
                            "status": PositionStatus.open,
                            "order_training": False,
                            "compliance_findings": [],
                            "published_at": now,
                            "created_at": now,
                            "updated_at": now,
                            "search_title": index_words(title),
                            "search_body": index_words(description, []),
                        }
                    ],
                )
                session.commit()
            self.written += 1
            next_at += interval
            self._stop.wait(max(0.0, next_at - time.monotonic()))
        engine.dispose()


def wait_search_index(base: str, workers: int, timeout: float = 300.0) -> None:
    """Until ``workers`` × 5 answers of /readyz in a row report the answering worker's search
    index built (the searches measured are then the index's, not the database's)."""
    deadline = time.monotonic() + timeout
    in_a_row = 0
    while in_a_row < 5 * workers:
        state = httpx.get(f"{base}/readyz", timeout=10).json().get("search_index")
        in_a_row = in_a_row + 1 if state == "ready" else 0
        if time.monotonic() > deadline:
            raise RuntimeError(f"the search index of {base} was not built in {timeout:.0f} s")
        if state != "ready":
            time.sleep(0.2)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(
    target: str, port: int, env: dict[str, str], workers: int = 1, cwd: Path | None = None
) -> subprocess.Popen[bytes]:
    """``target`` served by uvicorn on ``port``, once it answers; run in ``cwd`` (a checkout:
    ``python -m`` imports from the working directory before ``PYTHONPATH``)."""
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        target,
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
        *(["--workers", str(workers)] if workers > 1 else []),
    ]
    process = subprocess.Popen(command, env=env, cwd=cwd)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError(f"{target} did not start on port {port}")


@dataclass(frozen=True)
class Result:
    name: str
    latencies: list[float]
    errors: int
    elapsed: float

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.elapsed

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def drive(
    name: str, url: str, params: Sequence[dict[str, Any]], concurrency: int, duration: float
) -> Result:
    """``concurrency`` threads send requests back to back for ``duration`` seconds."""
    stop = threading.Event()
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors = [0] * concurrency

    def worker(index: int) -> None:
        with httpx.Client(timeout=30) as client:
            n = index
            while not stop.is_set():
                query = params[n % len(params)]
                n += 1
                began = time.perf_counter()
                response = client.get(url, params=query)
                took = time.perf_counter() - began
                if response.status_code != 200 or "count" not in response.json():
                    errors[index] += 1
                else:
                    latencies[index].append(took)

    began = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        futures = [pool.submit(worker, i) for i in range(concurrency)]
        time.sleep(duration)
        stop.set()
        for future in futures:
            future.result()
    elapsed = time.perf_counter() - began
    return Result(name, [x for per in latencies for x in per], sum(errors), elapsed)


# The issue's headline query (issue 25.1): two words in 重庆's 市辖区.
HEADLINE: dict[str, Any] = {"q": "数控 编程", "region": "500100"}
POSTGRES_PREFIX = "bench_search_pg"


@contextmanager
def _database(postgres: str | None, folder: Path) -> Iterator[str]:
    """An empty database: a SQLite file in ``folder``, or a new database on the PostgreSQL
    server ``postgres`` (dropped afterwards)."""
    if postgres is None:
        yield f"sqlite:///{folder / 'bench.db'}"
        return
    with temporary_postgres_database(postgres, POSTGRES_PREFIX) as url:
        yield url


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--positions", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per endpoint")
    parser.add_argument(
        "--writes-per-second",
        type=float,
        default=5.0,
        help="positions published a second in random counties while the search is driven",
    )
    parser.add_argument(
        "--postgres", metavar="URL", help="a PostgreSQL server: the bench's own database on it"
    )
    parser.add_argument(
        "--workers", type=int, help="uvicorn workers of each app (1 on SQLite, 4 on PostgreSQL)"
    )
    parser.add_argument(
        "--cached", action="store_true", help="also drive the mix with the answers' cache on"
    )
    parser.add_argument(
        "--database",
        action="store_true",
        help="also drive the headline against the service with its search index off "
        "(CHANJIAO_SEARCH_INDEX=false: the database answers, as before the index)",
    )
    parser.add_argument(
        "--no-record", action="store_true", help="write no result file to bench/results"
    )
    args = parser.parse_args(argv)
    backend = "pg" if args.postgres else "sqlite"
    workers = args.workers or (4 if args.postgres else 1)

    with Run("search") as run, tempfile.TemporaryDirectory() as folder:
        with _database(args.postgres, Path(folder)) as url:
            began = time.perf_counter()
            fill_database(url, args.positions)
            print(
                f"positions: {args.positions} open, {ENTERPRISES} enterprises, {backend} "
                f"(built in {time.perf_counter() - began:.1f} s)"
            )
            results, written, loads = _measure(url, Path(folder), args, workers)
        if args.no_record:
            run.directory = Path(folder) / "results"
        _report(run, results, backend, workers, written, loads, args)
    return 1 if any(r.errors for r in results.values()) else 0


def _measure(
    url: str, folder: Path, args: argparse.Namespace, workers: int
) -> tuple[dict[str, Result], int, tuple[float, float]]:
    """Start the apps, check their answers, drive each in turn (the searches while positions
    are written); the results by name, the positions written and the load before and after."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CHANJIAO_ENVIRONMENT": "demo",
        "CHANJIAO_SECRET_FILE": str(folder / "secret"),
        "CHANJIAO_SCHEDULER_ENABLED": "false",
    }
    uncached_port, bare_port = free_port(), free_port()
    uncached_env = {**env, "CHANJIAO_SEARCH_CACHE_ENTRIES": "0"}
    servers = [start_server("service.app:create_app", uncached_port, uncached_env, workers)]
    app_port, database_port = free_port(), free_port()
    if args.cached:
        servers.append(start_server("service.app:create_app", app_port, env, workers))
    if args.database:
        database_env = {**uncached_env, "CHANJIAO_SEARCH_INDEX": "false"}
        servers.append(start_server("service.app:create_app", database_port, database_env, workers))
    try:
        uncached_url = f"http://127.0.0.1:{uncached_port}/api/v1/positions"
        search_url = f"http://127.0.0.1:{app_port}/api/v1/positions"
        database_url = f"http://127.0.0.1:{database_port}/api/v1/positions"
        # Every worker's search index built (a worker answers /readyz for itself).
        wait_search_index(f"http://127.0.0.1:{uncached_port}", workers)
        bare_url = f"http://127.0.0.1:{bare_port}/bare"
        # The bare endpoint sends the bytes of the same 20 positions the headline query sends.
        body_file = folder / "bare.json"
        body_file.write_bytes(httpx.get(uncached_url, params=HEADLINE, timeout=60).content)
        bare_env = {**env, "BENCH_BARE_BODY": str(body_file)}
        servers.append(start_server("bench.bench_search:bare_app", bare_port, bare_env, workers))
        # Warm-up: jieba's dictionary, the connection pools, the database's page cache.
        with httpx.Client(timeout=60) as client:
            for query in QUERIES:
                response = client.get(uncached_url, params=query)
                response.raise_for_status()
                if args.cached and client.get(search_url, params=query).content != (
                    response.content
                ):
                    raise RuntimeError(f"{query}: the cached answer differs from the search's")
                print(f"  {query or '(no filter)'}: {response.json()['count']} matches")
        drive("warm-up", bare_url, [{}], args.concurrency, 1.0)
        drive("warm-up", uncached_url, QUERIES, args.concurrency, 2.0)
        print(
            f"load: {args.concurrency} connections × {args.duration:g} s per endpoint, "
            f"keep-alive httpx clients, {workers} uvicorn worker(s) each; "
            f"{args.writes_per_second:g} positions published a second meanwhile"
        )
        load_before = os.getloadavg()
        results = {"bare": drive("bare FastAPI", bare_url, [{}], args.concurrency, args.duration)}
        with Writer(url, args.writes_per_second) as writer:
            results["headline"] = drive(
                "headline, no cache", uncached_url, [HEADLINE], args.concurrency, args.duration
            )
            results["mix"] = drive(
                "mix, no cache", uncached_url, QUERIES, args.concurrency, args.duration
            )
            if args.database:
                results["headline_database"] = drive(
                    "headline, no index", database_url, [HEADLINE], args.concurrency, args.duration
                )
            if args.cached:
                results["mix_cached"] = drive(
                    "mix, cached", search_url, QUERIES, args.concurrency, args.duration
                )
        load_after = os.getloadavg()
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
    return results, writer.written, (load_before[0], load_after[0])


def _report(
    run: Run,
    results: dict[str, Result],
    backend: str,
    workers: int,
    written: int,
    loads: tuple[float, float],
    args: argparse.Namespace,
) -> None:
    print(f"{'endpoint':<20}{'requests':>10}{'errors':>8}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}")
    for r in results.values():
        print(
            f"{r.name:<20}{len(r.latencies):>10}{r.errors:>8}{r.rps:>10.1f}"
            f"{r.percentile(0.50):>9.1f}{r.percentile(0.99):>9.1f}"
        )
    bare = results["bare"]
    for search in list(results.values())[1:]:
        print(
            f"{search.name} / bare: throughput {search.rps / bare.rps:.3f}×, "
            f"p99 latency {search.percentile(0.99) / bare.percentile(0.99):.1f}×"
        )
    print(
        f"positions written meanwhile: {written}; load average {loads[0]:.2f} before, "
        f"{loads[1]:.2f} after"
    )
    database = "SQLite" if backend == "sqlite" else "PostgreSQL"
    setting = f"{database} · {workers} worker{'s' if workers > 1 else ''}"
    labels = {
        "headline": f"检索 q=数控 编程&region=500100 · 无缓存 · 每秒写入 5 个岗位 · {setting}",
        "mix": f"检索 12 种查询混合 · 无缓存 · 每秒写入 5 个岗位 · {setting}",
        "mix_cached": f"检索 12 种查询混合 · 按地区失效的缓存 · {setting}",
        "headline_database": f"检索 q=数控 编程&region=500100 · 无索引（数据库检索） · {setting}",
    }
    keys = {
        "headline": f"search_uncached_{backend}_ratio",
        "mix": f"search_uncached_mix_{backend}_ratio",
        "mix_cached": f"search_cached_mix_{backend}_ratio",
        "headline_database": f"search_database_{backend}_ratio",
    }
    for name, search in results.items():
        if name == "bare":
            continue
        run.figure(
            keys[name],
            labels[name],
            round(search.rps, 1),
            "req/s",
            baseline=round(bare.rps, 1),
            baseline_label="bare FastAPI endpoint sending the same 20 positions",
            target="≥ 0.3× bare" if name in ("headline", "mix") else None,
            readme=name in ("headline", "mix"),
        )
    run.details.update(
        {
            "database": database,
            "workers": workers,
            "positions": args.positions,
            "concurrency": args.concurrency,
            "duration_s": args.duration,
            "writes_per_second": args.writes_per_second,
            "written": written,
            "load_average_during": [round(loads[0], 2), round(loads[1], 2)],
            "endpoints": {
                name: {
                    "requests": len(r.latencies),
                    "errors": r.errors,
                    "rps": round(r.rps, 1),
                    "p50_ms": round(r.percentile(0.5), 1),
                    "p99_ms": round(r.percentile(0.99), 1),
                    "ratio_to_bare": round(r.rps / bare.rps, 3),
                }
                for name, r in results.items()
            },
        }
    )


if __name__ == "__main__":
    raise SystemExit(main())
