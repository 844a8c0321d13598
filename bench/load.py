"""``make load``: the real service under a mixed load, at 16, 64 and 256 connections.

Run: ``.venv/bin/python -m bench.load [--postgres URL] [--levels 16,64,256] [--duration S]``

For each database — SQLite (one worker, as ``chanjiao serve`` allows) and, when ``--postgres``
(or ``TEST_DATABASE_URL``) names a server, PostgreSQL with 4 workers — it builds a scratch
database (migrations, catalogue, the demo city, a few more enterprise accounts), starts
``chanjiao serve`` as a subprocess, and drives it from this process over loopback with an
asyncio/httpx client holding C keep-alive connections: search 70 %, a position's page 10 %, the
mismatch report 5 %, login 5 %, writes 10 % (each connection, as one of several enterprises,
creates a draft, publishes it, closes it, and again). Per level it prints throughput, p50/p99,
the 2xx / 4xx / 503 / other counts and the dropped connections (a transport error, or no answer
within the client's 60 s). Then it checks that every acknowledged write (a 2xx to create, publish
or close) is in the database as acknowledged, and that ``/readyz`` answers within 1 s.

Targets (README, "Figures"): 0 other, 0 dropped, 0 lost at every level on both databases; at 64
connections on SQLite at least 90 % 2xx. Beside each database's levels, the same client against
``/healthz`` of the same server at 64 connections (no database): the ceiling of this client and
uvicorn on this machine, the baseline of the recorded figures (``Run("load")``).

``--two-hosts`` (PostgreSQL and Redis; issue 25.6): deploy/compose.yaml without containers, as
tests/deploy/test_two_hosts.py starts it (``tests.live_server.two_hosts``) — two ``chanjiao serve
--workers 2`` behind nginx with deploy/nginx.conf — driven through nginx, beside a baseline in the
same run: one such host driven directly. After every acknowledged write through nginx, the position
is read from each host directly (one of them did not serve the write): ``stale`` counts a read that
did not show the acknowledged status. The scheduled job ``send_mail`` runs every second; the job
runs the two hosts' ``/metrics`` count over the load are compared with the seconds elapsed (once
per tick across the four workers). Recorded as ``Run("load_two_hosts")``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import httpx
from sqlalchemy import select
from sqlmodel import Session, col

from bench.record import Run
from models import Organization, OrganizationKind, OrganizationStatus, Position, Role, User
from seed.catalog import load_catalog
from seed.demo.loader import load_demo
from service import migrate
from service.auth import operations as auth
from service.db import get_engine, temporary_postgres_database
from service.settings import settings
from tests.live_server import metric_sum, two_hosts, wait_ready

API = "/api/v1"
ENTERPRISE_ACCOUNTS = 6
PASSWORD = "Load-test-password-1"
LOAD_REGULATOR = "load_regulator"
LOAD_STUDENT = "load_student"
SEARCH_WORDS = ("护理", "技术", "实习", "电子", "汽车", "学徒", "机器人", "养老", "软件", "物流")
MIX = (("search", 70), ("position", 10), ("report", 5), ("login", 5), ("write", 10))
CLIENT_TIMEOUT_S = 60.0
HEADLINE_CONNECTIONS = 64
BARE_SECONDS = 5.0
JOB = "send_mail"


@dataclass
class Level:
    connections: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    dropped: int = 0
    by_kind: dict[str, list[float]] = field(default_factory=dict)

    stale: int = 0  # --two-hosts: reads from a host that did not show an acknowledged write

    @property
    def rps(self) -> float:
        return (len(self.latencies) + self.dropped) / self.seconds

    def percentile_ms(self, share: float) -> float:
        lat = sorted(self.latencies) or [0.0]
        return lat[min(len(lat) - 1, int(len(lat) * share))] * 1000

    def as_dict(self) -> dict[str, float | int]:
        return {
            "connections": self.connections,
            "req_s": round(self.rps, 1),
            "p50_ms": round(self.percentile_ms(0.5)),
            "p99_ms": round(self.percentile_ms(0.99)),
            "2xx": self.statuses["2xx"],
            "4xx": self.statuses["4xx"],
            "503": self.statuses["503"],
            "other": self.statuses["other"],
            "dropped": self.dropped,
            "stale_cross_host_reads": self.stale,
        }

    def line(self) -> str:
        total = len(self.latencies) + self.dropped
        ok = self.statuses["2xx"]
        p50 = self.percentile_ms(0.5)
        p99 = self.percentile_ms(0.99)
        return (
            f"{self.connections:>5} {total / self.seconds:>8.1f} {p50:>8.0f} {p99:>8.0f} "
            f"{ok:>6} ({100 * ok / max(total, 1):5.1f} %) {self.statuses['4xx']:>5} "
            f"{self.statuses['503']:>6} {self.statuses['other']:>6} {self.dropped:>7}"
        )


@dataclass
class Shared:
    """What the load workers share: ids to read, tokens, and the writes acknowledged."""

    position_ids: list[str]
    regulator_token: str
    enterprise_tokens: list[str]
    student: tuple[str, str]
    acknowledged: dict[str, str] = field(default_factory=dict)  # position id → status


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def prepare_database(url: str) -> list[str]:
    """Migrations, catalogue, demo city and enterprise accounts; returns their usernames."""
    migrate.upgrade(url)
    settings.environment = "demo"
    engine = get_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        load_catalog(session)
        load_demo(session)
        codes = session.scalars(
            select(col(Organization.code))
            .where(col(Organization.kind) == OrganizationKind.enterprise)
            .where(col(Organization.status) == OrganizationStatus.verified)
            .order_by(col(Organization.code))
            .limit(ENTERPRISE_ACCOUNTS)
        ).all()
        usernames = []
        for n, code in enumerate(codes):
            username = f"load_enterprise_{n}"
            auth.create_account(
                session,
                username=username,
                password=PASSWORD,
                role=Role.enterprise,
                organization_code=code,
                actor="cli",
            )
            usernames.append(username)
        # The demo's own accounts log in only in the demo environment, and the service runs as in
        # production: a regulator and a student of the demo's organisations, with load passwords.
        for username, role, like in (
            (LOAD_REGULATOR, Role.regulator, "demo_regulator"),
            (LOAD_STUDENT, Role.student, "demo_student"),
        ):
            organization = session.scalars(
                select(Organization)
                .join(User, col(User.organization_id) == col(Organization.id))
                .where(col(User.username) == like)
            ).one()
            auth.create_account(
                session,
                username=username,
                password=PASSWORD,
                role=role,
                organization_code=organization.code,
                actor="cli",
            )
        session.commit()
    engine.dispose()
    return usernames


@contextmanager
def running_service(
    url: str, workers: int, log: Path, extra_env: dict[str, str] | None = None
) -> Iterator[str]:
    port = _free_port()
    command = [str(Path(sys.executable).parent / "chanjiao"), "--db", url, "serve"]
    command += ["--port", str(port), "--workers", str(workers)]
    env = os.environ | {
        "CHANJIAO_SECRET_KEY": uuid.uuid4().hex,
        "CHANJIAO_ENVIRONMENT": "production",
    }
    env |= extra_env or {}
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, process, log, 120)
        yield base
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


def login(base: str, username: str, password: str) -> str:
    answer = httpx.post(
        f"{base}{API}/auth/token", data={"username": username, "password": password}, timeout=30
    )
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def shared_state(base: str, enterprise_users: list[str]) -> Shared:
    ids: list[str] = []
    for page in (1, 2, 3):
        answer = httpx.get(f"{base}{API}/positions", params={"page": page, "page_size": 100})
        ids += [row["id"] for row in answer.json()["data"]]
    return Shared(
        position_ids=ids,
        regulator_token=login(base, LOAD_REGULATOR, PASSWORD),
        enterprise_tokens=[login(base, name, PASSWORD) for name in enterprise_users],
        student=(LOAD_STUDENT, PASSWORD),
    )


class Worker:
    """One connection's loop; its writes go create → publish → close, one step per write."""

    def __init__(
        self,
        index: int,
        shared: Shared,
        client: httpx.AsyncClient,
        hosts: list[httpx.AsyncClient] | None = None,
    ) -> None:
        self.index = index
        self.shared = shared
        self.client = client
        self.hosts = hosts or []  # --two-hosts: each host directly, to read back every write
        self.stale = 0
        self.rng = random.Random(index)
        token = shared.enterprise_tokens[index % len(shared.enterprise_tokens)]
        self.enterprise = {"Authorization": f"Bearer {token}"}
        self.regulator = {"Authorization": f"Bearer {shared.regulator_token}"}
        self.position: tuple[str, str] | None = None  # (id, status) of its current position
        self.serial = 0

    last_kind = MIX[0][0]

    def _pick(self) -> str:
        roll = self.rng.uniform(0, 100)
        for name, share in MIX:
            if roll < share:
                return name
            roll -= share
        return MIX[0][0]

    async def request(self) -> httpx.Response:
        kind = self.last_kind = self._pick()
        if kind == "search":
            params = {"q": self.rng.choice(SEARCH_WORDS), "region": "500000"}
            return await self.client.get(f"{API}/positions", params=params)
        if kind == "position":
            position_id = self.rng.choice(self.shared.position_ids)
            return await self.client.get(f"{API}/positions/{position_id}")
        if kind == "report":
            params = {"region": "500000", "year": "2026"}
            return await self.client.get(
                f"{API}/reports/mismatch", params=params, headers=self.regulator
            )
        if kind == "login":
            username, password = self.shared.student
            form = {"username": username, "password": password}
            return await self.client.post(f"{API}/auth/token", data=form)
        return await self.write()

    async def write(self) -> httpx.Response:
        if self.position is None or self.position[1] == "closed":
            self.serial += 1
            body = {
                "kind": "job",
                "title": f"压测岗位{self.index}-{self.serial}-{uuid.uuid4().hex[:6]}",
                "description": "负责设备日常维护与点检。",
                "headcount": 1,
                "monthly_pay": 6000,
                "start_date": str(date.today() + timedelta(days=40)),
            }
            answer = await self.client.post(f"{API}/positions", json=body, headers=self.enterprise)
            if answer.status_code == 201:
                self._acknowledge(answer.json()["id"], "draft")
                await self.read_back()
            return answer
        position_id, status = self.position
        step, after = ("publish", "open") if status == "draft" else ("close", "closed")
        answer = await self.client.post(
            f"{API}/positions/{position_id}/{step}", headers=self.enterprise
        )
        if answer.status_code == 200:
            self._acknowledge(position_id, after)
            await self.read_back()
        return answer

    async def read_back(self) -> None:
        """The write just acknowledged through nginx, read from each host directly: one of them
        did not serve it and must show it all the same (not timed, not in the mix's counts)."""
        if self.position is None:
            return
        position_id, status = self.position
        for host in self.hosts:
            try:
                seen = await host.get(f"{API}/positions/{position_id}", headers=self.enterprise)
            except httpx.TransportError:
                continue  # a dropped read-back says nothing about staleness
            if seen.status_code == 503:
                continue
            if seen.status_code != 200 or seen.json().get("status") != status:
                self.stale += 1
                print(f"  stale on {host.base_url}: {seen.status_code} {seen.text[:120]}")

    def _acknowledge(self, position_id: str, status: str) -> None:
        self.position = (position_id, status)
        self.shared.acknowledged[position_id] = status


async def drive(
    base: str,
    shared: Shared,
    connections: int,
    seconds: float,
    read_back_from: tuple[str, ...] = (),
) -> Level:
    level = Level(connections)
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    hosts = [
        httpx.AsyncClient(base_url=url, limits=limits, timeout=CLIENT_TIMEOUT_S)
        for url in read_back_from
    ]
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=CLIENT_TIMEOUT_S) as client:
        stop_at = time.monotonic() + seconds
        workers: list[Worker] = []

        async def loop(index: int) -> None:
            worker = Worker(index, shared, client, hosts)
            workers.append(worker)
            while time.monotonic() < stop_at:
                started = time.monotonic()
                try:
                    answer = await worker.request()
                except httpx.TransportError as error:
                    level.dropped += 1
                    print(f"  dropped: {type(error).__name__}: {error}", file=sys.stderr)
                    continue
                level.latencies.append(time.monotonic() - started)
                level.by_kind.setdefault(worker.last_kind, []).append(level.latencies[-1])
                status = answer.status_code
                if 200 <= status < 300:
                    level.statuses["2xx"] += 1
                elif status == 503:
                    level.statuses["503"] += 1
                    if "retry-after" not in answer.headers:
                        level.statuses["other"] += 1
                elif 400 <= status < 500:
                    level.statuses["4xx"] += 1
                else:
                    level.statuses["other"] += 1
                    print(f"  {status}: {answer.text[:200]}", file=sys.stderr)

        started = time.monotonic()
        await asyncio.gather(*(loop(i) for i in range(connections)))
        level.seconds = time.monotonic() - started
        level.stale = sum(worker.stale for worker in workers)
    for host in hosts:
        await host.aclose()
    return level


async def bare(base: str, connections: int, seconds: float) -> float:
    """Requests a second to ``/healthz`` (no database, no admission) with the same client: the
    most this client and one server process pair answer on this machine."""
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    done = 0
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=CLIENT_TIMEOUT_S) as client:
        stop_at = time.monotonic() + seconds

        async def loop() -> None:
            nonlocal done
            while time.monotonic() < stop_at:
                (await client.get("/healthz")).raise_for_status()
                done += 1

        started = time.monotonic()
        await asyncio.gather(*(loop() for _ in range(connections)))
        return done / (time.monotonic() - started)


def lost_writes(url: str, acknowledged: dict[str, str]) -> int:
    engine = get_engine(url)
    with Session(engine) as session:
        stored: dict[str, str] = {}
        ids = [uuid.UUID(i) for i in acknowledged]
        for start in range(0, len(ids), 500):
            rows = session.execute(
                select(col(Position.id), col(Position.status)).where(
                    col(Position.id).in_(ids[start : start + 500])
                )
            )
            stored |= {str(row.id): str(row.status) for row in rows}
    engine.dispose()
    return sum(1 for i, status in acknowledged.items() if stored.get(i) != status)


@dataclass
class Outcome:
    """What one configuration's levels measured, and whether its targets were met."""

    levels: list[Level]
    acknowledged: int
    lost: int
    ready: int
    ready_s: float
    bare_rps: float | None = None
    ok: bool = False

    def at(self, connections: int) -> Level:
        return min(self.levels, key=lambda level: abs(level.connections - connections))


def run_levels(
    base: str,
    url: str,
    shared: Shared,
    levels: list[int],
    seconds: float,
    verbose: bool,
    log: Path,
    read_back_from: tuple[str, ...] = (),
    bare_seconds: float = 0.0,
) -> Outcome:
    print(
        "conns    req/s  p50(ms)  p99(ms)    2xx            4xx    503  other dropped",
        flush=True,
    )
    results = []
    for connections in levels:
        level = asyncio.run(drive(base, shared, connections, seconds, read_back_from))
        results.append(level)
        print(level.line() + (f"  stale {level.stale}" if read_back_from else ""), flush=True)
        if verbose:
            print(
                "       mean ms by kind: "
                + ", ".join(
                    f"{kind} {1000 * statistics.mean(times):.0f} (n={len(times)})"
                    for kind, times in sorted(level.by_kind.items())
                ),
                flush=True,
            )
    bare_rps = None
    if bare_seconds:
        bare_rps = asyncio.run(bare(base, HEADLINE_CONNECTIONS, bare_seconds))
        print(f"/healthz at {HEADLINE_CONNECTIONS} connections (baseline): {bare_rps:.0f} req/s")
    started = time.monotonic()
    try:
        ready = httpx.get(f"{base}/readyz", timeout=1.0).status_code
    except httpx.TransportError:
        ready = 0
    ready_s = time.monotonic() - started
    lost = lost_writes(url, shared.acknowledged)
    print(
        f"acknowledged writes: {len(shared.acknowledged)} positions, lost or stale: {lost}; "
        f"/readyz after the load: {ready} in {ready_s * 1000:.0f} ms  (server log: {log})"
    )
    outcome = Outcome(results, len(shared.acknowledged), lost, ready, ready_s, bare_rps)
    ok = lost == 0 and ready == 200 and ready_s < 1.0
    outcome.ok = ok and all(
        r.statuses["other"] == 0 and r.dropped == 0 and r.stale == 0 for r in results
    )
    return outcome


def run_backend(
    name: str, url: str, workers: int, levels: list[int], seconds: float, verbose: bool
) -> Outcome:
    print(f"\n== {name}: {workers} worker(s); preparing the demo city …", flush=True)
    users = prepare_database(url)
    log = Path(tempfile.gettempdir()) / f"chanjiao-load-{name}-{os.getpid()}.log"
    with running_service(url, workers, log) as base:
        shared = shared_state(base, users)
        return run_levels(
            base, url, shared, levels, seconds, verbose, log, bare_seconds=BARE_SECONDS
        )


def record_backend(run: Run, name: str, key: str, workers: int, outcome: Outcome) -> None:
    """The headline figures of one database at 64 connections, beside ``/healthz``'s rate."""
    level = outcome.at(HEADLINE_CONNECTIONS)
    where = f"{name} · {workers} 个工作进程 · {level.connections} 个连接"
    run.figure(
        f"load_{key}_rps",
        f"make load 混合负载吞吐 / mixed-load throughput · {where}",
        round(level.rps, 1),
        "req/s",
        baseline=None if outcome.bare_rps is None else round(outcome.bare_rps, 1),
        baseline_label=f"GET /healthz (no database), same server and client, {level.connections} "
        "connections",
    )
    run.figure(
        f"load_{key}_p50_ms", f"make load p50 · {where}", round(level.percentile_ms(0.5)), "ms"
    )
    run.figure(
        f"load_{key}_p99_ms", f"make load p99 · {where}", round(level.percentile_ms(0.99)), "ms"
    )
    for field_name, label in (("503", "503 答复 / 503 answers"), ("other", "其他错误 / other")):
        run.figure(
            f"load_{key}_{field_name}",
            f"make load {label} · {where}",
            level.statuses[field_name],
            "count",
            target="0" if field_name == "other" else None,
        )
    run.figure(
        f"load_{key}_dropped",
        f"make load 断开的连接 / dropped connections · {name}, all levels",
        sum(r.dropped for r in outcome.levels),
        "count",
        target="0",
    )
    run.figure(
        f"load_{key}_lost_writes",
        f"make load 丢失的写入 / lost writes · {name}",
        outcome.lost,
        "count",
        target="0",
    )
    run.details[key] = {
        "workers": workers,
        "levels": [r.as_dict() for r in outcome.levels],
        "acknowledged_writes": outcome.acknowledged,
        "bare_healthz_rps": outcome.bare_rps,
        "readyz_after": {"status": outcome.ready, "ms": round(outcome.ready_s * 1000)},
        "targets_met": outcome.ok,
    }


def run_two_hosts(
    server_url: str, redis_url: str, levels: list[int], seconds: float, verbose: bool
) -> bool:
    """One host driven directly (the baseline), then deploy/'s two hosts behind nginx, on one
    scratch PostgreSQL database and Redis; records ``Run("load_two_hosts")``."""
    print("\n== two hosts: preparing the demo city on PostgreSQL …", flush=True)
    every_second = {"CHANJIAO_SCHEDULER_INTERVALS_S": json.dumps({JOB: 1})}
    with (
        Run("load_two_hosts") as run,
        temporary_postgres_database(server_url, "chanjiao_load2") as url,
    ):
        users = prepare_database(url)
        log = Path(tempfile.gettempdir()) / f"chanjiao-load-one-host-{os.getpid()}.log"
        print("\n-- baseline: one host (chanjiao serve --workers 2), directly", flush=True)
        one_host_env = {"CHANJIAO_REDIS_URL": redis_url} | every_second
        with running_service(url, 2, log, one_host_env) as base:
            baseline = run_levels(
                base, url, shared_state(base, users), levels, seconds, verbose, log
            )
        folder = Path(tempfile.gettempdir()) / f"chanjiao-load-two-hosts-{os.getpid()}"
        print("\n-- two hosts (2 workers each) behind nginx (deploy/nginx.conf)", flush=True)
        with two_hosts(url, redis_url, folder, every_second) as hosts:
            shared = shared_state(hosts.proxy, users)
            before, started = hosts.scrape(), time.monotonic()
            both = run_levels(
                hosts.proxy, url, shared, levels, seconds, verbose, folder, hosts.hosts
            )
            after, elapsed = hosts.scrape(), time.monotonic() - started
        runs = sum(metric_sum(page, "chanjiao_job_runs_total", job=JOB) for page in after)
        runs -= sum(metric_sum(page, "chanjiao_job_runs_total", job=JOB) for page in before)
        leaders = [
            sum(metric_sum(page, "chanjiao_scheduler_leader") for page in pages)
            for pages in (before, after)
        ]
        print(
            f"job {JOB} every 1 s: {runs:.0f} runs in {elapsed:.0f} s over both hosts "
            f"({runs / elapsed:.2f} a tick); processes holding the lease: {leaders}"
        )
        level, alone = both.at(HEADLINE_CONNECTIONS), baseline.at(HEADLINE_CONNECTIONS)
        where = f"{level.connections} 个连接 / connections, PostgreSQL"
        one_label = "one host (2 workers) driven directly, same run and database"
        run.figure(
            "load_two_hosts_rps",
            f"两台主机经 nginx 的混合负载吞吐 / two hosts behind nginx, throughput · {where}",
            round(level.rps, 1),
            "req/s",
            baseline=round(alone.rps, 1),
            baseline_label=one_label,
        )
        for share, name in ((0.5, "p50"), (0.99, "p99")):
            run.figure(
                f"load_two_hosts_{name}_ms",
                f"两台主机经 nginx · {name} / two hosts behind nginx · {where}",
                round(level.percentile_ms(share)),
                "ms",
                baseline=round(alone.percentile_ms(share)),
                baseline_label=one_label,
            )
        run.figure(
            "load_two_hosts_503",
            f"两台主机经 nginx · 503 答复 / 503 answers · {where}",
            level.statuses["503"],
            "count",
            baseline=alone.statuses["503"],
            baseline_label=one_label,
        )
        totals = {
            name: (
                sum(getattr(r, name) for r in both.levels),
                sum(getattr(r, name) for r in baseline.levels),
            )
            for name in ("dropped", "stale")
        }
        run.figure(
            "load_two_hosts_dropped",
            "两台主机经 nginx · 断开的连接 / dropped connections, all levels",
            totals["dropped"][0],
            "count",
            baseline=totals["dropped"][1],
            baseline_label=one_label,
            target="0",
        )
        run.figure(
            "load_two_hosts_lost_writes",
            "两台主机经 nginx · 丢失的写入 / lost writes",
            both.lost,
            "count",
            baseline=baseline.lost,
            baseline_label=one_label,
            target="0",
        )
        run.figure(
            "load_two_hosts_stale_reads",
            "写入后从另一台主机读到旧数据 / a write through one host read stale from the other",
            totals["stale"][0],
            "count",
            target="0",
        )
        # A job every second runs at most once per tick begun in the window: floor(elapsed) + 1.
        ticks = math.floor(elapsed) + 1
        run.figure(
            "load_two_hosts_extra_job_runs",
            f"定时任务多余的运行次数（4 个进程，每秒一次的 {JOB}）/ job runs beyond one per tick",
            max(0, runs - ticks),
            "count",
            target="≤ 0",
        )
        run.figure(
            "load_two_hosts_job_runs_per_tick",
            f"定时任务每个周期运行次数（4 个进程）/ runs of {JOB} per 1 s tick over 4 workers",
            round(runs / ticks, 3),
            "runs/tick",
            readme=False,
        )
        run.details["one_host"] = {
            "levels": [r.as_dict() for r in baseline.levels],
            "acknowledged_writes": baseline.acknowledged,
            "lost_writes": baseline.lost,
            "targets_met": baseline.ok,
        }
        run.details["two_hosts"] = {
            "levels": [r.as_dict() for r in both.levels],
            "acknowledged_writes": both.acknowledged,
            "lost_writes": both.lost,
            "job_runs": runs,
            "seconds": round(elapsed, 1),
            "lease_holders_before_after": leaders,
            "targets_met": both.ok,
        }
        run.details["seconds_per_level"] = seconds
    ok = baseline.ok and both.ok and leaders == [1, 1] and runs <= math.floor(elapsed) + 1
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--levels", default="16,64,256")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per level")
    parser.add_argument("--pg-workers", type=int, default=4)
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="mean latency per request kind")
    parser.add_argument(
        "--two-hosts",
        action="store_true",
        help="deploy/'s two hosts behind nginx on PostgreSQL and Redis, beside one host directly",
    )
    parser.add_argument(
        "--redis", default=os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
    )
    args = parser.parse_args(argv)
    levels = [int(n) for n in args.levels.split(",")]
    if args.two_hosts:
        if not args.postgres:
            print("--two-hosts needs PostgreSQL: give --postgres URL or set TEST_DATABASE_URL")
            return 2
        ok = run_two_hosts(args.postgres, args.redis, levels, args.duration, args.verbose)
        print("\nresult:", "targets met" if ok else "TARGETS MISSED")
        return 0 if ok else 1
    ok = True
    with Run("load") as run:
        run.details["seconds_per_level"] = args.duration
        if not args.skip_sqlite:
            with tempfile.TemporaryDirectory() as folder:
                url = f"sqlite:///{Path(folder) / 'load.db'}"
                outcome = run_backend("SQLite", url, 1, levels, args.duration, args.verbose)
                record_backend(run, "SQLite", "sqlite", 1, outcome)
                ok = outcome.ok and ok
        if args.postgres:
            with temporary_postgres_database(args.postgres, "chanjiao_load") as url:
                outcome = run_backend(
                    "PostgreSQL", url, args.pg_workers, levels, args.duration, args.verbose
                )
                record_backend(run, "PostgreSQL", "postgresql", args.pg_workers, outcome)
                ok = outcome.ok and ok
        else:
            print("\nPostgreSQL skipped (give --postgres URL or set TEST_DATABASE_URL)")
    print("\nresult:", "targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
