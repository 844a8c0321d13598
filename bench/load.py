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
connections on SQLite at least 90 % 2xx.
"""

from __future__ import annotations

import argparse
import asyncio
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

from models import Organization, OrganizationKind, OrganizationStatus, Position, Role, User
from seed.catalog import load_catalog
from seed.demo.loader import load_demo
from service import migrate
from service.auth import operations as auth
from service.db import get_engine, temporary_postgres_database
from service.settings import settings

API = "/api/v1"
ENTERPRISE_ACCOUNTS = 6
PASSWORD = "Load-test-password-1"
LOAD_REGULATOR = "load_regulator"
LOAD_STUDENT = "load_student"
SEARCH_WORDS = ("护理", "技术", "实习", "电子", "汽车", "学徒", "机器人", "养老", "软件", "物流")
MIX = (("search", 70), ("position", 10), ("report", 5), ("login", 5), ("write", 10))
CLIENT_TIMEOUT_S = 60.0


@dataclass
class Level:
    connections: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    dropped: int = 0
    by_kind: dict[str, list[float]] = field(default_factory=dict)

    def line(self) -> str:
        total = len(self.latencies) + self.dropped
        ok = self.statuses["2xx"]
        lat = sorted(self.latencies) or [0.0]
        p50 = statistics.median(lat) * 1000
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000
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
def running_service(url: str, workers: int, log: Path) -> Iterator[str]:
    port = _free_port()
    command = [str(Path(sys.executable).parent / "chanjiao"), "--db", url, "serve"]
    command += ["--port", str(port), "--workers", str(workers)]
    env = os.environ | {
        "CHANJIAO_SECRET_KEY": uuid.uuid4().hex,
        "CHANJIAO_ENVIRONMENT": "production",
    }
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the service exited; see {log}")
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the service did not get ready; see {log}")
            time.sleep(0.3)
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

    def __init__(self, index: int, shared: Shared, client: httpx.AsyncClient) -> None:
        self.index = index
        self.shared = shared
        self.client = client
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
            return answer
        position_id, status = self.position
        step, after = ("publish", "open") if status == "draft" else ("close", "closed")
        answer = await self.client.post(
            f"{API}/positions/{position_id}/{step}", headers=self.enterprise
        )
        if answer.status_code == 200:
            self._acknowledge(position_id, after)
        return answer

    def _acknowledge(self, position_id: str, status: str) -> None:
        self.position = (position_id, status)
        self.shared.acknowledged[position_id] = status


async def drive(base: str, shared: Shared, connections: int, seconds: float) -> Level:
    level = Level(connections)
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=CLIENT_TIMEOUT_S) as client:
        stop_at = time.monotonic() + seconds

        async def loop(index: int) -> None:
            worker = Worker(index, shared, client)
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
    return level


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


def run_backend(
    name: str, url: str, workers: int, levels: list[int], seconds: float, verbose: bool
) -> bool:
    print(f"\n== {name}: {workers} worker(s); preparing the demo city …", flush=True)
    users = prepare_database(url)
    log = Path(tempfile.gettempdir()) / f"chanjiao-load-{name}-{os.getpid()}.log"
    with running_service(url, workers, log) as base:
        shared = shared_state(base, users)
        print(
            "conns    req/s  p50(ms)  p99(ms)    2xx            4xx    503  other dropped",
            flush=True,
        )
        results = []
        for connections in levels:
            level = asyncio.run(drive(base, shared, connections, seconds))
            results.append(level)
            print(level.line(), flush=True)
            if verbose:
                print(
                    "       mean ms by kind: "
                    + ", ".join(
                        f"{kind} {1000 * statistics.mean(times):.0f} (n={len(times)})"
                        for kind, times in sorted(level.by_kind.items())
                    ),
                    flush=True,
                )
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
    ok = lost == 0 and ready == 200 and ready_s < 1.0
    ok = ok and all(r.statuses["other"] == 0 and r.dropped == 0 for r in results)
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--levels", default="16,64,256")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per level")
    parser.add_argument("--pg-workers", type=int, default=4)
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="mean latency per request kind")
    args = parser.parse_args(argv)
    levels = [int(n) for n in args.levels.split(",")]
    ok = True
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'load.db'}"
            ok = run_backend("SQLite", url, 1, levels, args.duration, args.verbose) and ok
    if args.postgres:
        with temporary_postgres_database(args.postgres, "chanjiao_load") as url:
            ok = (
                run_backend("PostgreSQL", url, args.pg_workers, levels, args.duration, args.verbose)
                and ok
            )
    else:
        print("\nPostgreSQL skipped (give --postgres URL or set TEST_DATABASE_URL)")
    print("\nresult:", "targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
