"""The search index of a worker (service/positions/text_index.py): its build time, its memory and
the cost of a search through it, beside the database's search on the same data (issue 25.1).

Run: ``.venv/bin/python -m bench.bench_search_index [--positions N ...] [--postgres URL]
[--no-record]``

For each size, builds the bench database of bench/bench_search.py (SQLite file, or a database of
its own on ``--postgres``), then in a fresh process: the resident memory (``VmRSS``) before and
after building the index (on SQLite it counts the file's memory-mapped pages the build read,
which the OS can drop), the build's wall time (a background thread, as in a worker), and the
server-side
cost of the headline search ``q=数控 编程&region=500100`` as an anonymous search runs it
(``operations.search_positions_json``, in process, no HTTP), 300 times through the index and 100
times with the index off (the database's search), CPU time per search. Writes
``bench/results/<time>-search_index.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench.bench_search import POSTGRES_PREFIX, fill_database
from bench.record import Run
from service.db import temporary_postgres_database

_CHILD = r"""
import gc, json, sys, time
from sqlmodel import Session
from service.db import get_engine, read_engine
from service.pagination import PageParams
from service.positions import operations, text_index
from service.positions.schemas import PositionSearch
from service.positions.search_cache import ResponseCache

def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024

url = sys.argv[1]
engine = get_engine(url)
query = PositionSearch(q="数控 编程", region="500100")
page, cache = PageParams(page=1, page_size=20), ResponseCache(0, 0)

def search():
    with Session(read_engine(url)) as session:
        return operations.search_positions_json(session, None, query, page, cache)

def cpu_per_search(n):
    for _ in range(10):
        search()
    began = time.process_time()
    for _ in range(n):
        search()
    return (time.process_time() - began) / n * 1000

database_ms = cpu_per_search(100)
gc.collect()
before = rss()
began = time.perf_counter()
text_index.start(engine)
assert text_index.wait_ready(engine, 3600)
built_s = time.perf_counter() - began
gc.collect()
after = rss()
holder = text_index.holder_for(Session(engine))
index_ms = cpu_per_search(300)
print(json.dumps({
    "positions": len(holder.index.docs), "listed": holder.index.listed, "build_s": built_s,
    "rss_before_mib": before, "rss_after_mib": after,
    "index_cpu_ms": index_ms, "database_cpu_ms": database_ms,
}))
"""


def measure(url: str) -> dict[str, float]:
    environment = {**os.environ, "CHANJIAO_ENVIRONMENT": "demo"}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, url],
        capture_output=True,
        text=True,
        check=False,
        env=environment,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    found: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--positions", type=int, nargs="+", default=[20_000, 200_000])
    parser.add_argument("--postgres", metavar="URL")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args(argv)
    backend = "pg" if args.postgres else "sqlite"
    database = "PostgreSQL" if args.postgres else "SQLite"
    with Run("search_index") as run, tempfile.TemporaryDirectory() as folder:
        if args.no_record:
            run.directory = Path(folder) / "results"
        for size in args.positions:
            if args.postgres:
                with temporary_postgres_database(args.postgres, POSTGRES_PREFIX) as url:
                    fill_database(url, size)
                    found = measure(url)
            else:
                url = f"sqlite:///{Path(folder) / f'index-{size}.db'}"
                fill_database(url, size)
                found = measure(url)
            per = (found["rss_after_mib"] - found["rss_before_mib"]) * 1024 / size
            print(
                f"{database} {size} positions: build {found['build_s']:.1f} s, RSS "
                f"{found['rss_before_mib']:.0f} → {found['rss_after_mib']:.0f} MiB "
                f"({per:.2f} KiB a position); "
                f"headline search CPU {found['index_cpu_ms']:.2f} ms through the index, "
                f"{found['database_cpu_ms']:.2f} ms in the database"
            )
            label = f"{size // 1000}k"
            run.figure(
                f"search_index_cpu_{backend}_{label}",
                f"检索索引 · q=数控 编程&region=500100 每次服务端 CPU · {size} 个岗位 · {database}",
                round(found["index_cpu_ms"], 2),
                "ms",
                baseline=round(found["database_cpu_ms"], 2),
                baseline_label="the same search in the database (index off)",
                readme=False,
            )
            run.figure(
                f"search_index_memory_{backend}_{label}",
                f"检索索引 · 每个工作进程的内存（RSS 增量） · {size} 个岗位 · {database}",
                round(found["rss_after_mib"] - found["rss_before_mib"], 1),
                "MiB",
                readme=False,
            )
            run.details[f"{label}_{backend}"] = {k: round(v, 3) for k, v in found.items()}
        run.details["measured_at"] = time.strftime("%Y-%m-%d %H:%M")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
