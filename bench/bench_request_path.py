"""The fixed cost of the service's request path: ``/healthz`` and a search answered from the
answers' cache, beside a bare FastAPI endpoint, over HTTP with wrk (issue 25.1).

Run: ``.venv/bin/python -m bench.bench_request_path [--positions N] [--connections C]
[--duration S] [--rounds R] [--compare DIR] [--no-record]``

Builds a SQLite database of ``--positions`` open positions (bench.bench_search.fill_database),
starts, as bench.bench_search starts its servers (one uvicorn worker each, no access log), the
service with its answers' cache on and the bare endpoint of bench.bench_search (FastAPI, one sync
``def`` sending the bytes of the headline query's answer, 20 positions), and with ``--compare`` the
service of another checkout (``git worktree add /tmp/base main``: main's code) on the same
database. The recommendation index is not prebuilt (``CHANJIAO_RECOMMENDATION_PREBUILD=false``):
its build is start-up work in a thread of its own, which would take CPU from the first rounds.

Then ``--rounds`` rounds (7) with ``wrk -t1 -c C -d S`` (16 connections, 3 s): the bare
endpoint, ``/healthz``, the cached headline search ``q=数控 编程&region=500100``, and an anonymous
catalogue read (``/api/v1/catalog/majors/460103``, not cached: two queries), each path on every
server back to back. Rounds interleave the servers, so that a change of the machine's load (two
cores shared with the load generator and other work here) falls on all of them; each figure is the
median of its rounds. The figures (req/s beside the bare endpoint's, the compared checkout's and
the load average in the details) go to ``bench/results/<time>-request_path.json`` through
``bench.record``.

A search the cache does not answer is bench.bench_search's figure: the search itself costs more
than everything measured here.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlencode

import httpx

from bench.bench_search import HEADLINE, fill_database, free_port, start_server
from bench.record import Run

SEARCH = f"/api/v1/positions?{urlencode(HEADLINE)}"
CATALOG = "/api/v1/catalog/majors/460103"
PATHS = {"healthz": "/healthz", "search_cached": SEARCH, "catalog": CATALOG}
_RATE = re.compile(r"Requests/sec:\s+([\d.]+)")
_NON_2XX = re.compile(r"Non-2xx or 3xx responses: (\d+)")


def wrk(url: str, connections: int, duration: float) -> float:
    """Requests a second wrk measured at ``url``; raises when an answer was not a 2xx."""
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{duration:g}s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if (bad := _NON_2XX.search(out)) is not None:
        raise RuntimeError(f"{url}: {bad.group(0)}")
    rate = _RATE.search(out)
    if rate is None:
        raise RuntimeError(f"{url}: no rate in wrk's output:\n{out}")
    return float(rate.group(1))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--positions", type=int, default=20_000)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=float, default=3.0, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument(
        "--compare", type=Path, metavar="DIR", help="also measure the service of this checkout"
    )
    parser.add_argument(
        "--no-record", action="store_true", help="write no result file to bench/results"
    )
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        parser.error("wrk is not installed (apt-get install wrk)")

    with Run("request_path") as run, tempfile.TemporaryDirectory() as folder:
        url = fill_database(f"sqlite:///{Path(folder) / 'bench.db'}", args.positions)
        rates, loads = _measure(url, Path(folder), args)
        if args.no_record:
            run.directory = Path(folder) / "results"
        _report(run, rates, loads, args)
    return 0


def _measure(
    url: str, folder: Path, args: argparse.Namespace
) -> tuple[dict[str, dict[str, list[float]]], tuple[float, float]]:
    """Start the servers, then drive them round after round; the rates by server and path."""
    here = str(Path(__file__).resolve().parent.parent)
    env = {
        **os.environ,
        "PYTHONPATH": here,
        "DATABASE_URL": url,
        "CHANJIAO_ENVIRONMENT": "demo",
        "CHANJIAO_SECRET_FILE": str(folder / "secret"),
        "CHANJIAO_SCHEDULER_ENABLED": "false",
        "CHANJIAO_RECOMMENDATION_PREBUILD": "false",
    }
    ports = {"service": free_port()}
    servers = [start_server("service.app:create_app", ports["service"], env, cwd=Path(here))]
    try:
        if args.compare is not None:
            ports["compared"] = free_port()
            checkout = args.compare.resolve()
            compared_env = {**env, "PYTHONPATH": str(checkout)}
            target = "service.app:create_app"
            servers.append(start_server(target, ports["compared"], compared_env, cwd=checkout))
        base = f"http://127.0.0.1:{ports['service']}"
        body_file = folder / "bare.json"
        body_file.write_bytes(httpx.get(f"{base}{SEARCH}", timeout=60).content)
        ports["bare"] = free_port()
        bare_env = {**env, "BENCH_BARE_BODY": str(body_file)}
        servers.append(start_server("bench.bench_search:bare_app", ports["bare"], bare_env))
        for name, port in ports.items():  # warm-up: the cache filled, the pools opened
            paths = ["/bare"] if name == "bare" else list(PATHS.values())
            for path in paths:
                wrk(f"http://127.0.0.1:{port}{path}", args.connections, 1)
        print(
            f"load: wrk -t1 -c{args.connections} -d{args.duration:g}s per run, "
            f"{args.rounds} rounds, 1 uvicorn worker per server; servers: {', '.join(ports)}"
        )
        rates: dict[str, dict[str, list[float]]] = {
            name: {path: [] for path in (["bare"] if name == "bare" else PATHS)} for name in ports
        }
        load_before = os.getloadavg()[0]
        for round_number in range(args.rounds):
            # Path after path, each on every server back to back: the closest in time are the
            # ones compared.
            for key in ["bare", *PATHS]:
                for name, port in ports.items():
                    if key not in rates[name]:
                        continue
                    path = "/bare" if key == "bare" else PATHS[key]
                    rate = wrk(f"http://127.0.0.1:{port}{path}", args.connections, args.duration)
                    rates[name][key].append(rate)
            print(
                f"  round {round_number + 1}: "
                + "; ".join(
                    f"{name} {key} {values[-1]:.0f}"
                    for name, per in rates.items()
                    for key, values in per.items()
                ),
                flush=True,
            )
        load_after = os.getloadavg()[0]
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
    return rates, (load_before, load_after)


def _report(
    run: Run,
    rates: dict[str, dict[str, list[float]]],
    loads: tuple[float, float],
    args: argparse.Namespace,
) -> None:
    medians = {
        name: {key: statistics.median(values) for key, values in per.items()}
        for name, per in rates.items()
    }
    bare = medians["bare"]["bare"]
    print(f"{'server':<10}{'path':<16}{'median req/s':>14}{'× bare':>9}")
    for name, per in medians.items():
        for key, value in per.items():
            print(f"{name:<10}{key:<16}{value:>14.0f}{value / bare:>9.3f}")
    print(f"load average {loads[0]:.2f} before the rounds, {loads[1]:.2f} after")
    setting = f"SQLite · 1 worker · wrk {args.connections} connections"
    labels = {
        "healthz": f"/healthz · {setting}",
        "search_cached": f"检索 q=数控 编程&region=500100 · 缓存命中 · {setting}",
    }
    for key, label in labels.items():
        run.figure(
            f"request_path_{key}_sqlite",
            label,
            round(medians["service"][key]),
            "req/s",
            baseline=round(bare),
            baseline_label="bare FastAPI endpoint sending the same 20 positions",
            readme=False,
        )
    run.details.update(
        {
            "database": "SQLite",
            "positions": args.positions,
            "connections": args.connections,
            "duration_s": args.duration,
            "rounds": args.rounds,
            "compared_checkout": str(args.compare) if args.compare else None,
            "load_average_during": [round(loads[0], 2), round(loads[1], 2)],
            "median_rps": {
                name: {key: round(value, 1) for key, value in per.items()}
                for name, per in medians.items()
            },
            "ratio_to_bare": {
                name: {key: round(value / bare, 3) for key, value in per.items()}
                for name, per in medians.items()
            },
            "rounds_rps": rates,
        }
    )


if __name__ == "__main__":
    raise SystemExit(main())
