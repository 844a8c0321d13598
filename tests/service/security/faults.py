"""Faults survived: ``make faults`` (``python -m tests.service.security.faults``).

1. ``kill -9`` of ``chanjiao serve`` while several enterprises create and publish positions over
   HTTP, then a restart: every acknowledged write (a 201 to create, a 200 to publish) is in the
   database as acknowledged, ``/readyz`` is green again and a new write succeeds. SQLite (one
   worker) and PostgreSQL (two workers; the whole process group is killed, as an OOM kill or
   ``systemctl kill -s KILL`` would).
2. ``kill -9`` of ``chanjiao import`` of a large positions file in its check phase and in its write
   phase: every table counts what it counted before, the service then starts and the same import
   runs to the end.
3. PostgreSQL stopped and started under the running service — a private throwaway cluster on a
   free port (``initdb`` + ``pg_ctl`` as the ``postgres`` user), never the shared server: every
   request while it is down is answered 503 with ``Retry-After`` within a bounded time (never a
   500, never a dropped connection), and the service answers 2xx again by itself once it is back.

``test_faults.py`` runs one round of each in ``make test``; this module runs more and prints the
figures (the README's "Figures" table).
"""

from __future__ import annotations

import argparse
import csv
import glob
import os
import pwd
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import httpx
from sqlalchemy import func, select, text
from sqlmodel import Session, col

from models import AuditLog, Organization, Position, PositionMajor, Role
from service.db import get_engine, is_sqlite

API = "/api/v1"
REPO = Path(__file__).resolve().parents[3]
READY_WAIT_S = 120.0
# A request while the database is down must be answered within this (admission wait 3 s + pool
# wait 5 s are the service's own bounds; the answer comes at once when the port refuses).
OUTAGE_ANSWER_BOUND_S = 8.0


def say(line: str) -> None:
    print(line, flush=True)  # noqa: T201


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _chanjiao() -> list[str]:
    script = Path(sys.executable).parent / "chanjiao"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from service.cli import main; main()"]


# ---------------------------------------------------------------- the service as a subprocess


class Service:
    """``chanjiao serve`` in its own process group on a fixed port, so that it can be killed
    (the group: uvicorn's workers too) and restarted on the same address."""

    def __init__(self, url: str, *, workers: int = 1, log: Path) -> None:
        self.url = url
        self.workers = workers
        self.log = log
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.secret = uuid.uuid4().hex + uuid.uuid4().hex  # one key across restarts: tokens live
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> float:
        """Starts it and waits for ``/readyz`` 200; returns the seconds that took."""
        command = [*_chanjiao(), "--db", self.url, "serve", "--port", str(self.port)]
        command += ["--workers", str(self.workers)]
        environment = os.environ | {
            "CHANJIAO_ENVIRONMENT": "production",
            "CHANJIAO_SECRET_KEY": self.secret,
        }
        started = time.monotonic()
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                command,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=environment,
                cwd=REPO,
                start_new_session=True,
            )
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"chanjiao serve exited ({self.process.returncode}); {self.log}")
            try:
                if httpx.get(f"{self.base}/readyz", timeout=2).status_code == 200:
                    return time.monotonic() - started
            except httpx.TransportError:
                pass
            if time.monotonic() - started > READY_WAIT_S:
                raise RuntimeError(f"chanjiao serve did not get ready; see {self.log}")
            time.sleep(0.1)

    def kill9(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(30)
        self.process = None

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(30)
        self.process = None

    def bearer(self, user_id: uuid.UUID) -> dict[str, str]:
        """An enterprise account's access token, signed with this service's key.

        Minted here rather than through ``POST /auth/token``: on SQLite the login route holds the
        write turn from its user look-up while the throttle store waits for it (a 503 after
        ``sqlite_write_wait_s``), and the faults under test are the writes, not the login.
        """
        from pydantic import SecretStr

        from service.auth.security import create_access_token
        from service.settings import settings

        kept = settings.secret_key, settings.environment
        settings.secret_key, settings.environment = SecretStr(self.secret), "production"
        try:
            token = create_access_token(user_id, Role.enterprise.value)
        finally:
            settings.secret_key, settings.environment = kept
        return {"Authorization": f"Bearer {token}"}


@contextmanager
def service(url: str, *, workers: int = 1, log: Path) -> Iterator[Service]:
    running = Service(url, workers=workers, log=log)
    try:
        yield running
    finally:
        if running.process is not None:
            os.killpg(running.process.pid, signal.SIGKILL)
            running.process.wait(30)


def add_enterprises(url: str, count: int) -> tuple[list[uuid.UUID], list[str]]:
    """``count`` verified enterprises with one account each: (account ids, USCC codes)."""
    from tests.factories import make_enterprise, make_user

    engine = get_engine(url)
    with Session(engine) as session:
        organizations = [make_enterprise(session) for _ in range(count)]
        users = [make_user(session, Role.enterprise, org) for org in organizations]
        names = [user.id for user in users]
        codes = [org.code for org in organizations]
        session.commit()
    engine.dispose()
    return names, codes


def position_body(tag: str) -> dict[str, object]:
    return {
        "kind": "job",
        "title": f"故障演练岗位{tag}",
        "description": "负责设备日常维护与点检。",
        "headcount": 1,
        "monthly_pay": 6000,
        "start_date": str(date.today() + timedelta(days=40)),
    }


# ---------------------------------------------------------------- 1. kill -9 of the service


@dataclass
class Writes:
    """What the writers were told (acknowledged) and what they had sent without an answer."""

    acknowledged: dict[str, str] = field(default_factory=dict)  # position id → status
    in_flight: dict[str, str] = field(default_factory=dict)  # position id → status if it landed
    cut_off: int = 0  # requests without an answer (the kill)
    answered: int = 0  # write requests acknowledged (2xx): creates and publishes
    lock: threading.Lock = field(default_factory=threading.Lock)


def _writer(base: str, headers: dict[str, str], writes: Writes, stop: threading.Event) -> None:
    """Creates a draft, publishes it, and again, until the service dies or ``stop`` is set."""
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        while not stop.is_set():
            try:
                created = client.post(f"{API}/positions", json=position_body(uuid.uuid4().hex))
            except httpx.TransportError:
                with writes.lock:
                    writes.cut_off += 1
                return
            if created.status_code != 201:
                continue  # a 503 under the load: not acknowledged, nothing to check
            position_id = created.json()["id"]
            with writes.lock:
                writes.answered += 1
                writes.acknowledged[position_id] = "draft"
                writes.in_flight[position_id] = "open"
            try:
                published = client.post(f"{API}/positions/{position_id}/publish")
            except httpx.TransportError:
                with writes.lock:
                    writes.cut_off += 1
                return
            with writes.lock:
                del writes.in_flight[position_id]
                if published.status_code == 200:
                    writes.answered += 1
                    writes.acknowledged[position_id] = "open"


def stored_statuses(url: str, ids: list[str]) -> dict[str, str]:
    engine = get_engine(url)
    stored: dict[str, str] = {}
    with Session(engine) as session:
        keys = [uuid.UUID(i) for i in ids]
        for start in range(0, len(keys), 500):
            rows = session.execute(
                select(col(Position.id), col(Position.status)).where(
                    col(Position.id).in_(keys[start : start + 500])
                )
            )
            stored |= {str(row.id): str(row.status) for row in rows}
    engine.dispose()
    return stored


def lost_writes(url: str, writes: Writes) -> list[str]:
    """Acknowledged writes missing or not as acknowledged (a publish in flight may have landed)."""
    stored = stored_statuses(url, list(writes.acknowledged))
    return [
        f"{position_id}: acknowledged {status}, stored {stored.get(position_id)}"
        for position_id, status in writes.acknowledged.items()
        if stored.get(position_id) not in (status, writes.in_flight.get(position_id))
    ]


@dataclass
class KillResult:
    rounds: int = 0
    acknowledged: int = 0  # positions, each checked for its last acknowledged status
    requests: int = 0  # write requests acknowledged
    cut_off: int = 0
    lost: list[str] = field(default_factory=list)
    restart_s: list[float] = field(default_factory=list)
    write_after_restart: list[int] = field(default_factory=list)


def kill_service_under_writes(
    url: str, *, workers: int, writers: int, rounds: int, log: Path, seed: int = 0
) -> KillResult:
    """``rounds`` times: writers on, ``kill -9`` once each has had some writes acknowledged,
    check the acknowledged writes, restart, ``/readyz``, one more write."""
    rng = random.Random(seed)
    names, _codes = add_enterprises(url, writers)
    result = KillResult()
    writes = Writes()
    with service(url, workers=workers, log=log) as running:
        running.start()
        headers = [running.bearer(user_id) for user_id in names]
        for _ in range(rounds):
            stop = threading.Event()
            threads = [
                threading.Thread(target=_writer, args=(running.base, h, writes, stop))
                for h in headers
            ]
            target = len(writes.acknowledged) + 4 * writers
            for thread in threads:
                thread.start()
            deadline = time.monotonic() + 120
            while len(writes.acknowledged) < target and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(rng.uniform(0, 0.3))  # land the kill at no particular point of a request
            running.kill9()
            stop.set()
            for thread in threads:
                thread.join(60)
            result.rounds += 1
            result.lost += lost_writes(url, writes)
            result.restart_s.append(running.start())
            with httpx.Client(base_url=running.base, timeout=30) as client:
                answer = client.post(
                    f"{API}/positions",
                    json=position_body(f"restart-{uuid.uuid4().hex}"),
                    headers=headers[0],
                )
                result.write_after_restart.append(answer.status_code)
        running.stop()
    result.acknowledged = len(writes.acknowledged)
    result.requests = writes.answered
    result.cut_off = writes.cut_off
    result.lost = sorted(set(result.lost + lost_writes(url, writes)))
    return result


# ---------------------------------------------------------------- 2. kill -9 of an import

CHECK_PHASE, WRITE_PHASE = "check", "write"


def table_counts(url: str) -> dict[str, int]:
    engine = get_engine(url)
    with Session(engine) as session:
        counted = {
            model.__name__: session.execute(select(func.count()).select_from(model)).scalar_one()
            for model in (Organization, Position, PositionMajor, AuditLog)
        }
    engine.dispose()
    return counted


def sqlite_integrity(url: str) -> str:
    engine = get_engine(url)
    with engine.execution_options(sqlite_begin="DEFERRED").connect() as conn:
        verdict = str(conn.execute(text("PRAGMA integrity_check")).scalar_one())
    engine.dispose()
    return verdict


def big_positions_file(path: Path, codes: list[str], rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["enterprise_code", "title", "kind", "major_codes", "headcount", "start_date"]
        )
        start = date.today() + timedelta(days=60)
        for i in range(rows):
            code = codes[i % len(codes)]
            writer.writerow([code, f"批量岗位{i:06d}", "job", "460103;510203", "2", str(start)])


@dataclass
class ImportKill:
    phase: str
    rows: int
    killed_after_s: float = 0.0
    lines: list[str] = field(default_factory=list)
    returncode: int | None = None
    before: dict[str, int] = field(default_factory=dict)
    after: dict[str, int] = field(default_factory=dict)
    integrity: str = "not checked"


def kill_import(url: str, file: Path, rows: int, phase: str) -> ImportKill:
    """Runs ``chanjiao import positions FILE`` and kills it with SIGKILL when its stderr says the
    phase is under way (the first 10 000 rows checked; the first tenth written of the write
    phase)."""
    from service.cli.transfer import CHECKED_PREFIX, WRITTEN_PREFIX

    marker = CHECKED_PREFIX if phase == CHECK_PHASE else WRITTEN_PREFIX
    outcome = ImportKill(phase=phase, rows=rows, before=table_counts(url))
    command = [*_chanjiao(), "--db", url, "import", "positions", str(file)]
    environment = os.environ | {"CHANJIAO_ENVIRONMENT": "test"}
    started = time.monotonic()
    with subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=REPO, env=environment
    ) as process:
        watchdog = threading.Timer(300, process.kill)
        watchdog.start()
        try:
            assert process.stderr is not None
            for raw in iter(process.stderr.readline, b""):
                line = raw.decode("utf-8", "replace").strip()
                outcome.lines.append(line)
                if line.startswith(marker):
                    os.kill(process.pid, signal.SIGKILL)
                    outcome.killed_after_s = time.monotonic() - started
                    break
            process.wait(60)
        finally:
            watchdog.cancel()
    outcome.returncode = process.returncode
    outcome.after = table_counts(url)
    if is_sqlite(url):
        outcome.integrity = sqlite_integrity(url)
    return outcome


def run_import(url: str, file: Path) -> subprocess.CompletedProcess[str]:
    command = [*_chanjiao(), "--db", url, "import", "positions", str(file)]
    environment = os.environ | {"CHANJIAO_ENVIRONMENT": "test"}
    return subprocess.run(
        command, capture_output=True, text=True, cwd=REPO, env=environment, timeout=600, check=False
    )


# ---------------------------------------------------------------- 3. PostgreSQL stopped under it


def postgres_missing() -> str | None:
    """Why no private cluster can be made here (None when it can)."""
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        return "no /usr/lib/postgresql/*/bin/initdb: the PostgreSQL server is not installed"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root (initdb refuses it) and there is no postgres user to run as"
    return None


class PrivateCluster:
    """A throwaway PostgreSQL cluster in a temporary folder on a free loopback port."""

    def __init__(self) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
        self.bin = Path(found[-1]).parent
        # initdb refuses root: the server runs as the postgres user then.
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.folder = Path(tempfile.mkdtemp(prefix="chanjiao-faults-pg-"))
        if self.as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
        self.data = self.folder / "data"
        self.port = _free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> None:
        subprocess.run(
            [*self.as_postgres, *command], check=True, capture_output=True, cwd=self.folder
        )

    def init(self) -> None:
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
            "-E", "UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.folder}"
            " -c fsync=off -c full_page_writes=off"
        )
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options,
            "-l", str(self.folder / "server.log"), "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            try:
                self.stop("immediate")
            except subprocess.CalledProcessError:
                pass
        shutil.rmtree(self.folder, ignore_errors=True)


def _version(path: str) -> float:
    try:
        return float(Path(path).parts[-3])
    except ValueError:
        return 0.0


@contextmanager
def private_cluster() -> Iterator[PrivateCluster]:
    cluster = PrivateCluster()
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


@dataclass
class Probe:
    """One answer seen by the probes: when the request started and ended, what it was."""

    kind: str
    started: float
    ended: float
    status: int  # 0: no answer (transport error)
    retry_after: bool


def _probe(
    base: str, kind: str, headers: dict[str, str], seen: list[Probe], stop: threading.Event
) -> None:
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        while not stop.is_set():
            started = time.monotonic()
            try:
                if kind == "read":
                    answer = client.get(f"{API}/positions", params={"page_size": 5})
                elif kind == "write":
                    answer = client.post(f"{API}/positions", json=position_body(uuid.uuid4().hex))
                else:
                    answer = client.get("/readyz")
                status, retry = answer.status_code, "retry-after" in answer.headers
            except httpx.TransportError:
                status, retry = 0, False
            seen.append(Probe(kind, started, time.monotonic(), status, retry))
            time.sleep(0.05)


@dataclass
class OutageResult:
    answered_down: int = 0
    statuses_down: Counter[int] = field(default_factory=Counter)
    kinds_down: Counter[str] = field(default_factory=Counter)  # "kind status" of each answer
    unexpected: int = 0  # at any time: no answer, or a 5xx other than 503
    without_retry_after: int = 0
    slowest_down_s: float = 0.0
    recovered_s: dict[str, float] = field(default_factory=dict)  # kind → s after the restart
    after: Counter[int] = field(default_factory=Counter)  # statuses once every kind recovered
    ready_after: int = 0

    @property
    def held(self) -> bool:
        return (
            self.answered_down > 0
            and self.unexpected == 0
            and set(self.statuses_down) == {503}
            and self.without_retry_after == 0
            and self.slowest_down_s < OUTAGE_ANSWER_BOUND_S
            and set(self.recovered_s) == {"read", "write", "ready"}
            and set(self.after) == {200, 201}
            and self.ready_after == 200
        )


def postgres_outage(
    cluster: PrivateCluster, *, down_s: float, log: Path, workers: int = 2
) -> OutageResult:
    """Serves a database of ``cluster``, stops the cluster under the probes for ``down_s``, starts
    it again and waits until reads, writes and ``/readyz`` succeed again."""
    from seed.catalog import load_catalog
    from service import migrate

    migrate.upgrade(cluster.url)
    engine = get_engine(cluster.url)
    with Session(engine) as session:
        load_catalog(session)
        session.commit()
    engine.dispose()
    names, _codes = add_enterprises(cluster.url, 1)
    result = OutageResult()
    with service(cluster.url, workers=workers, log=log) as running:
        running.start()
        headers = running.bearer(names[0])
        seen: list[Probe] = []
        stop = threading.Event()
        threads = [
            threading.Thread(target=_probe, args=(running.base, kind, headers, seen, stop))
            for kind in ("read", "write", "ready")
        ]
        for thread in threads:
            thread.start()
        time.sleep(1.0)
        cluster.stop()
        down_at = time.monotonic()
        time.sleep(down_s)
        # The server accepts connections a little before pg_ctl sees it has: from here on a 2xx
        # is no longer a finding.
        starting_at = time.monotonic()
        cluster.start()
        up_at = time.monotonic()
        deadline = up_at + 60
        while time.monotonic() < deadline:
            first_ok = {p.kind: p.ended for p in seen if p.started > up_at and p.status < 300}
            if len(first_ok) == 3:
                break
            time.sleep(0.1)
        recovered_at = time.monotonic()
        time.sleep(1.0)
        stop.set()
        for thread in threads:
            thread.join(60)
        for probe in seen:
            result.unexpected += probe.status == 0 or (probe.status >= 500 and probe.status != 503)
            if down_at < probe.started and probe.ended < starting_at:
                result.answered_down += 1
                result.statuses_down[probe.status] += 1
                result.kinds_down[f"{probe.kind} {probe.status}"] += 1
                result.without_retry_after += probe.status == 503 and not probe.retry_after
                result.slowest_down_s = max(result.slowest_down_s, probe.ended - probe.started)
            if probe.started > up_at and probe.status < 300:
                result.recovered_s.setdefault(probe.kind, probe.ended - up_at)
            if probe.started > recovered_at:
                result.after[probe.status] += 1
        result.ready_after = httpx.get(f"{running.base}/readyz", timeout=5).status_code
        running.stop()
    get_engine(cluster.url).dispose()
    return result


# ---------------------------------------------------------------- make faults


def _prepare(url: str) -> None:
    from seed.catalog import load_catalog
    from service import migrate

    migrate.upgrade(url)
    engine = get_engine(url)
    with Session(engine) as session:
        load_catalog(session)
        session.commit()
    engine.dispose()


@dataclass
class Tally:
    survived: int = 0
    held: bool = True

    def add(self, ok: bool, faults: int = 1) -> None:
        self.survived += faults if ok else 0
        self.held = self.held and ok


def run_database(label: str, url: str, workers: int, args: argparse.Namespace, log: Path) -> Tally:
    """Faults 1 and 2 on one database."""
    tally = Tally()
    say(f"\n== {label}")
    _prepare(url)
    killed = kill_service_under_writes(
        url, workers=workers, writers=args.writers, rounds=args.rounds, log=log
    )
    tally.add(not killed.lost and set(killed.write_after_restart) == {201}, killed.rounds)
    restarts = ", ".join(f"{s:.1f}" for s in killed.restart_s)
    say(
        f"serve kill -9 under {args.writers} writers, {killed.rounds} rounds: "
        f"{killed.requests} writes acknowledged ({killed.acknowledged} positions created, each "
        f"checked for its last acknowledged status), {len(killed.lost)} lost; "
        f"{killed.cut_off} requests cut off by the kills; restart to /readyz 200 in {restarts} s; "
        f"a write after each restart: {killed.write_after_restart}"
    )
    for line in killed.lost[:10]:
        say("  LOST " + line)
    _names, codes = add_enterprises(url, 2)
    file = log.parent / f"big-{uuid.uuid4().hex[:6]}.csv"
    big_positions_file(file, codes, args.rows)
    before = table_counts(url)
    for phase in (CHECK_PHASE, WRITE_PHASE):
        outcome = kill_import(url, file, args.rows, phase)
        tally.add(
            outcome.returncode == -signal.SIGKILL
            and outcome.before == outcome.after == before
            and outcome.integrity in ("ok", "not checked")
        )
        say(
            f"import of {args.rows} rows killed in its {phase} phase after "
            f"{outcome.killed_after_s:.1f} s: positions before {outcome.before['Position']}, "
            f"after {outcome.after['Position']}; every table as before: "
            f"{outcome.before == outcome.after}; SQLite integrity: {outcome.integrity}"
        )
    with service(url, workers=workers, log=log) as running:
        ready_s = running.start()
        running.stop()
    started = time.monotonic()
    rerun = run_import(url, file)
    rerun_s = time.monotonic() - started
    after = table_counts(url)["Position"]
    tally.add(rerun.returncode == 0 and after == before["Position"] + args.rows, 0)
    say(
        f"then: the service ready in {ready_s:.1f} s; the same import to the end in "
        f"{rerun_s:.1f} s (exit {rerun.returncode}): positions {after}"
    )
    return tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--rounds", type=int, default=3, help="kills of the service per database")
    parser.add_argument("--writers", type=int, default=6, help="enterprises writing at once")
    parser.add_argument("--rows", type=int, default=50_000, help="rows of the killed import")
    parser.add_argument("--down", type=float, default=5.0, help="seconds PostgreSQL stays down")
    args = parser.parse_args(argv)
    from service.db import temporary_postgres_database
    from service.settings import settings

    settings.environment = "test"
    settings.scheduler_enabled = False
    tally = Tally()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        log = folder / "serve.log"
        part = run_database("SQLite", f"sqlite:///{folder / 'faults.db'}", 1, args, log)
        tally.add(part.held, part.survived)
        if args.postgres:
            with temporary_postgres_database(args.postgres, "chanjiao_faults") as url:
                part = run_database("PostgreSQL (2 workers)", url, 2, args, log)
                tally.add(part.held, part.survived)
        else:
            say("\nPostgreSQL skipped for faults 1-2 (give --postgres URL or TEST_DATABASE_URL)")
        say("\n== PostgreSQL stopped and started under the service (private cluster)")
        if reason := postgres_missing():
            say(f"skipped: {reason}")
        else:
            with private_cluster() as cluster:
                outage = postgres_outage(cluster, down_s=args.down, log=log)
            tally.add(outage.held)
            recovered = ", ".join(f"{k} {v:.2f} s" for k, v in sorted(outage.recovered_s.items()))
            say(
                f"down {args.down:g} s: {outage.answered_down} requests answered, statuses "
                f"{dict(outage.statuses_down)}, {outage.without_retry_after} without Retry-After, "
                f"slowest {outage.slowest_down_s * 1000:.0f} ms; after PostgreSQL was back, first "
                f"2xx: {recovered}; afterwards {dict(outage.after)}; /readyz {outage.ready_after}"
            )
        if not tally.held:
            kept = Path(tempfile.gettempdir()) / f"chanjiao-faults-{os.getpid()}.log"
            shutil.copy(log, kept)
            say(f"server log: {kept}")
    say(f"\nfaults survived: {tally.survived}; result: {'held' if tally.held else 'FAILED'}")
    return 0 if tally.held else 1


if __name__ == "__main__":
    raise SystemExit(main())
