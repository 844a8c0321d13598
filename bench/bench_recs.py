"""Recommendations as served: the index built by the background thread from a SQLite database of N
open positions, the worker's memory before and after that build, and the latency of queries on
the built index through the request path (`service.recommendations.index.recommend`, served: the
thread stays alive and polls, as in a worker).

Run: ``python -m bench.bench_recs [--positions 20000 200000] [--queries 400] [--keep DIR]``

Each size is measured in a process of its own (the database is generated first, in another
process, straight into SQLite with bulk inserts — no search words: the index does not read them).
RSS is the resident set (``VmRSS``) of the measuring process after imports and a session, then
after the build has been swapped in. The baseline, in the same process on the same index and
students: the full computation — the score without text over every row of the index, as queries
did before issue 25.5 (`tests/matching/test_recommend.py`), then the same text stage. Writes
``bench/results/<UTC stamp>-recs.json`` (`bench.record.Run`).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.record import Run  # noqa: E402

WORDS = (
    "负责 设备 操作 维护 保养 质量 检验 数据 分析 客户 服务 护理 康复 养老 软件 开发 测试 "
    "运维 网络 安全 电气 安装 调试 数控 加工 编程 焊接 装配 物流 仓储 配送 电商 运营 直播 "
    "财务 会计 出纳 审计 营销 销售 导游 酒店 前台 烹饪 面点 幼儿 保育 教学 辅导 驾驶 检测"
).split()
SKILLS = [f"{a}{b}" for a in WORDS[:30] for b in WORDS[30:40]]
ENTERPRISES = 5_000


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def make_database(path: Path, n: int) -> None:
    """A migrated, catalogue-loaded SQLite file holding ``n`` open positions."""
    from sqlalchemy import insert, select
    from sqlmodel import Session, col

    from bench.bench_search import chongqing_counties, enterprise_rows
    from models import Major, Organization, Position, PositionKind, PositionMajor, PositionStatus
    from seed.catalog import load_catalog
    from service import migrate
    from service.db import get_engine

    url = f"sqlite:///{path}"
    migrate.upgrade(url)
    engine = get_engine(url)
    rng = random.Random(7)
    now = datetime.now(UTC)
    with Session(engine) as session:
        load_catalog(session)
        counties = chongqing_counties(session)
        enterprises = enterprise_rows(rng, counties, ENTERPRISES, now)
        session.execute(insert(Organization), enterprises)
        majors = list(session.execute(select(col(Major.code))).scalars())
        for start in range(0, n, 20_000):
            rows, asked = [], []
            for i in range(start, min(n, start + 20_000)):
                enterprise = rng.choice(enterprises)
                position_id = uuid.uuid4()
                published = now - timedelta(minutes=rng.randint(0, 60 * 24 * 90))
                begins = date(2027, 1, 1) + timedelta(days=rng.randint(0, 365))
                rows.append(
                    {
                        "id": position_id,
                        "enterprise_id": enterprise["id"],
                        "kind": rng.choice(list(PositionKind)),
                        "title": "".join(rng.sample(WORDS, 2)) + f"岗位{i}",
                        "description": "，".join(
                            "".join(rng.sample(WORDS, 3)) for _ in range(rng.randint(6, 12))
                        ),
                        "skills": rng.sample(SKILLS, rng.randint(2, 4)),
                        "region_code": enterprise["region_code"],
                        "headcount": rng.randint(1, 20),
                        "monthly_pay": float(rng.randrange(3000, 12000, 100)),
                        "start_date": begins,
                        "closing_date": begins - timedelta(days=rng.randint(0, 60)),
                        "status": PositionStatus.open,
                        "order_training": False,
                        "compliance_findings": [],
                        "published_at": published,
                        "created_at": published,
                        "updated_at": published,
                        "search_title": "",
                        "search_body": "",
                    }
                )
                for code in rng.sample(majors, rng.choice((0, 1, 1, 2))):
                    asked.append({"position_id": position_id, "major_code": code})
            session.execute(insert(Position), rows)
            if asked:
                session.execute(insert(PositionMajor), asked)
        session.commit()
    engine.dispose()


def measure(path: Path, queries: int) -> dict[str, Any]:
    """In this process: RSS, the background build, and query latency on the built index."""
    import numpy as np
    from sqlmodel import Session

    from matching.recommend import StudentProfile
    from service.db import get_engine, read_engine
    from service.errors import Unavailable
    from service.recommendations import index as position_index
    from service.recommendations import operations
    from service.recommendations import repository as recs_repository
    from tests.matching.test_recommend import _full_shortlist

    url = f"sqlite:///{path}"
    engine = get_engine(url)
    with Session(read_engine(url)) as session:
        open_positions = recs_repository.open_count(session)
        majors = [row[0] for row in recs_repository.majors(session)]
    rss_before = _rss_mib()
    started = time.perf_counter()
    operations.start_index(engine)
    with Session(read_engine(url)) as session:
        try:
            position_index.recommend(
                session,
                operations.index_fingerprint,
                StudentProfile("520201"),
                20,
                date(2026, 11, 23),
                (),
            )
            first = "200"
        except Unavailable:
            first = "503"
    assert position_index.wait_ready(engine, 3600)
    build_s = time.perf_counter() - started
    rss_after = _rss_mib()
    rng = random.Random(5)
    students = [
        StudentProfile(
            major_code=rng.choice(majors),
            skills=tuple(rng.sample(SKILLS, 4)),
            preferred_regions=(rng.choice(["500100", "500000", "500106"]),)
            if rng.random() < 0.7
            else (),
        )
        for _ in range(queries)
    ]
    today = date(2026, 11, 23)
    times, cpu = [], []
    with Session(read_engine(url)) as session:
        position_index.recommend(session, operations.index_fingerprint, students[0], 20, today, ())
        for student in students:
            # The thread keeps polling the database (as in a worker): wall time includes it,
            # CPU time is this thread's own.
            t, c = time.perf_counter(), time.thread_time()
            position_index.recommend(
                session, operations.index_fingerprint, student, 20, today, ("护士",)
            )
            times.append(time.perf_counter() - t)
            cpu.append(time.thread_time() - c)
        load_queries = os.getloadavg()[0]
        key = engine.url.render_as_string(hide_password=True)
        built = position_index._states[key].index
        full = []
        for student in students:
            t = time.perf_counter()
            with position_index._lock:
                query = built._query(student, today)
                shortlist, _ = _full_shortlist(built, student, 20, today)
                built._finish(query, built._parts(query, shortlist), 20, ("护士",))
            full.append(time.perf_counter() - t)
    position_index.stop()
    p50, p95, p99 = (float(np.percentile(times, q)) * 1000 for q in (50, 95, 99))
    c50, c95 = (float(np.percentile(cpu, q)) * 1000 for q in (50, 95))
    f50, f95 = (float(np.percentile(full, q)) * 1000 for q in (50, 95))
    return {
        "open_positions": open_positions,
        "first_request_during_build": first,
        "build_s": round(build_s, 1),
        "rss_before_mib": round(rss_before),
        "rss_after_mib": round(rss_after),
        "rss_index_mib": round(rss_after - rss_before),
        "queries": queries,
        "p50_ms": round(p50, 2),
        "p95_ms": round(p95, 2),
        "p99_ms": round(p99, 2),
        "cpu_p50_ms": round(c50, 2),
        "cpu_p95_ms": round(c95, 2),
        "full_p50_ms": round(f50, 2),
        "full_p95_ms": round(f95, 2),
        "load_during_queries": round(load_queries, 2),
        "index_bytes": built.memory_bytes(),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--positions", type=int, nargs="+", default=[20_000, 200_000])
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--make-db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--keep", type=Path, help="keep the databases in this folder, reuse them")
    args = parser.parse_args()
    if args.make_db:
        make_database(args.make_db, args.positions[0])
        return
    if args.measure:
        print(json.dumps(measure(args.measure, args.queries)))
        return
    with Run("recs") as record:
        with tempfile.TemporaryDirectory() as scratch:
            folder = args.keep or Path(scratch)
            folder.mkdir(parents=True, exist_ok=True)
            for n in args.positions:
                run = _one(folder, n, args.queries)
                record.details[str(n)] = run
                _figures(record, n, run)


def _one(folder: Path, n: int, queries: int) -> dict[str, Any]:
    path = folder / f"recs-{n}.db"
    t = time.perf_counter()
    here = [sys.executable, "-m", "bench.bench_recs", "--positions", str(n)]
    if not path.exists():
        subprocess.run([*here, "--make-db", str(path)], check=True, cwd=ROOT)
    made = time.perf_counter() - t
    out = subprocess.run(
        [*here, "--queries", str(queries), "--measure", str(path)],
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    run: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    run["database_made_s"] = round(made, 1)
    run["load_average"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(run, ensure_ascii=False), flush=True)
    return run


def _figures(record: Run, n: int, run: dict[str, Any]) -> None:
    size = f"{n // 1000}k"
    count = f"{n:,}".replace(",", " ")
    headline = n == 200_000
    record.figure(
        f"recs_p95_{size}_ms",
        f"推荐查询 p95（{count} 个在招岗位，墙钟）",
        run["p95_ms"],
        "ms",
        baseline=run["full_p95_ms"],
        baseline_label="the full computation over every row, same index and students",
        target="≤ 20" if headline else None,
        readme=headline,
    )
    record.figure(
        f"recs_cpu_p95_{size}_ms",
        f"推荐查询 CPU p95（{count} 个在招岗位）",
        run["cpu_p95_ms"],
        "ms",
        readme=False,
    )
    record.figure(
        f"recs_build_{size}_s",
        f"推荐索引后台建立（{count} 个在招岗位）",
        run["build_s"],
        "s",
        readme=headline,
    )
    record.figure(
        f"recs_rss_{size}_mb",
        f"每个进程推荐索引占用内存（{count} 个在招岗位，RSS 增量）",
        run["rss_index_mib"],
        "MiB",
        baseline=run["rss_before_mib"],
        baseline_label="the worker's RSS before the build",
        readme=headline,
    )
    record.figure(
        f"recs_matrices_{size}_mb",
        f"推荐索引矩阵与数组（{count} 个在招岗位，不含岗位记录）",
        round(run["index_bytes"] / 2**20, 1),
        "MiB",
        readme=False,
    )


if __name__ == "__main__":
    main()
