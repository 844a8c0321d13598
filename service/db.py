"""Database engines and sessions for SQLite (default) and PostgreSQL.

SQLite gets WAL, ``synchronous=NORMAL``, a busy timeout and foreign keys on every connection, and
write transactions start with ``BEGIN IMMEDIATE``: a deferred transaction that reads and then writes
fails at once with "database is locked" when another writer holds the lock, whatever the busy
timeout (docs/design/pitfalls.md). Reads use :func:`read_engine`: its transactions stay deferred so
readers never queue. Writers of one process queue on a lock in front of ``BEGIN IMMEDIATE`` (a
bounded wait, then 503) instead of polling SQLite's busy handler.

A request holds at most one pooled connection: its read and write dependencies share one session
(the write dependency ends the read transaction before it starts writing), so a request never waits
for a second connection while holding a first — the pool deadlock of docs/design/pitfalls.md.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
from sqlalchemy import Engine, create_engine, event, make_url, pool, text
from sqlmodel import Session
from starlette.requests import Request

from service import metrics
from service.errors import AppError, Unavailable
from service.settings import settings

SQLITE_MMAP_BYTES = 256 * 1024 * 1024


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


class DatabaseMissing(AppError):
    """A SQLite file that is not there, where the caller expected an existing database."""

    code = "database_missing"


def get_engine(url: str | None = None) -> Engine:
    """The engine of ``url`` (default: the configured database), one per URL and process."""
    url = url or settings.database_url
    if not settings.sqlite_create_missing and is_sqlite(url):
        _require_sqlite_file(url)
    return _engine_for(url)


def _require_sqlite_file(url: str) -> None:
    # SQLite creates a missing file on connect: a mistyped --db would leave an empty database
    # behind and fail later with "no such table".
    path = make_url(url).database
    if path and path != ":memory:" and not path.startswith("file:") and not Path(path).exists():
        raise DatabaseMissing(
            f"数据库文件 {path} 不存在：在仓库根目录运行 make demo（演示城市，即默认的 "
            "./chanjiao.db）或 chanjiao db upgrade（空库）建库，或用 --db 指定已有的数据库"
        )


@cache
def _engine_for(url: str) -> Engine:
    pool_options: dict[str, Any] = {
        "pool_size": settings.db_pool_size,
        "max_overflow": settings.db_max_overflow,
        "pool_timeout": settings.db_pool_timeout_s,
    }
    if is_sqlite(url):
        in_memory = make_url(url).database in (None, "", ":memory:")
        engine = create_engine(
            url,
            # A failing statement's values (a name, a phone) never reach an error message or log.
            hide_parameters=True,
            connect_args={"check_same_thread": False, "timeout": 30},
            **({} if in_memory else {"poolclass": pool.QueuePool, **pool_options}),
        )
        _configure_sqlite(engine)
        _time_pool(engine, "sqlite")
        return engine
    engine = create_engine(url, pool_pre_ping=True, hide_parameters=True, **pool_options)
    _time_pool(engine, "postgresql")
    return engine


def _time_pool(engine: Engine, database: str) -> None:
    metrics.time_pool_checkouts(engine.pool, database)

    # dispose() replaces the pool with a new one: time that one too.
    @event.listens_for(engine, "engine_disposed")
    def _on_disposed(disposed: Engine) -> None:
        metrics.time_pool_checkouts(disposed.pool, database)


def read_engine(url: str | None = None) -> Engine:
    """The same pool, but SQLite transactions begin DEFERRED (readers do not take the write
    lock)."""
    return get_engine(url).execution_options(sqlite_begin="DEFERRED")


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own is always DEFERRED).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={settings.sqlite_busy_timeout_ms}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Reads through a memory map instead of a read() per page outside SQLite's 2 MB page
        # cache (address space, not memory: the OS page cache backs it).
        cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
        cursor.close()

    writers = _WriterQueue()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        if mode == "IMMEDIATE":
            writers.enter(conn.connection.dbapi_connection)
        conn.exec_driver_sql(f"BEGIN {mode}")

    # The turn ends when the connection goes back to the pool (after the commit or rollback).
    @event.listens_for(engine.pool, "checkin")
    def _on_checkin(dbapi_connection: Any, _record: Any) -> None:
        writers.leave(dbapi_connection)

    @event.listens_for(engine.pool, "invalidate")
    def _on_invalidate(dbapi_connection: Any, _record: Any, _exc: Any) -> None:
        writers.leave(dbapi_connection)


class _WriterQueue:
    """One write transaction at a time per process and database; the others wait their turn here.

    SQLite serialises writers anyway; waiting on a lock wakes the next writer as soon as the last
    one is done, where SQLite's busy handler sleeps and polls (and a writer past ``busy_timeout``
    gets "database is locked"). The wait is bounded: past ``sqlite_write_wait_s`` the writer gets
    :class:`Unavailable` (503 with Retry-After). A connection that already holds the turn (a second
    transaction before it is returned to the pool) keeps it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._holder: object | None = None

    def enter(self, dbapi_connection: object) -> None:
        if self._holder is dbapi_connection:
            return
        if not self._lock.acquire(timeout=settings.sqlite_write_wait_s):
            wait = settings.sqlite_write_wait_s
            raise Unavailable(f"写入排队超过{wait:g}秒，请稍后重试", code="write_queue_full")
        self._holder = dbapi_connection

    def leave(self, dbapi_connection: object | None) -> None:
        if dbapi_connection is not None and self._holder is dbapi_connection:
            self._holder = None
            self._lock.release()


@contextmanager
def session_scope(url: str | None = None, *, write: bool = True) -> Iterator[Session]:
    """A session for a CLI command or a scheduled job: one transaction, committed once."""
    engine = get_engine(url) if write else read_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@dataclass
class _RequestSession:
    session: Session
    write: bool


@asynccontextmanager
async def _request_session(request: Request, *, write: bool) -> AsyncIterator[Session]:
    """The request's one session; the first dependency to ask owns its transaction.

    An async dependency: making the session object touches no database, so it is made on the
    event loop, and only the end of the transaction (commit or rollback, then the connection back
    to the pool) runs in a worker thread. A sync generator dependency cost two thread-pool hops
    per request (its start and its end) besides the route's own: with a cached search answer,
    the hops were most of the request's time under load (bench.bench_search).
    """
    shared: _RequestSession | None = getattr(request.state, "db_session", None)
    if shared is not None:
        if write and not shared.write:
            await _in_thread(_promote, shared)
        yield shared.session
        return
    session = Session(get_engine() if write else read_engine(), expire_on_commit=False)
    request.state.db_session = _RequestSession(session, write)
    try:
        yield session
    except BaseException as error:
        # An error may ask for its writes (the audit row of a refusal) to be kept.
        await _end(session, getattr(error, "keep_writes", False))
        raise
    await _end(session, True)


async def _end(session: Session, commit: bool) -> None:
    if not session.in_transaction():
        # Nothing to end (no query ran, or the route ended its reading: end_reading): closing
        # touches no database, so no thread-pool hop.
        session.close()
        return
    await _in_thread(_finish, session, commit)


def _finish(session: Session, commit: bool) -> None:
    try:
        if commit:
            session.commit()
        else:
            session.rollback()
    finally:
        session.close()


async def _in_thread(function: Callable[..., None], *args: Any) -> None:
    """``function`` in a worker thread, finished even when the request is cancelled (a client
    that disconnects): a transaction left open would keep its connection, and on SQLite the
    write turn."""
    with anyio.CancelScope(shield=True):
        await anyio.to_thread.run_sync(function, *args)


def _promote(shared: _RequestSession) -> None:
    # End the read transaction (the user lookup) so its connection is back in the pool before
    # the write transaction takes one: one connection per request, never two.
    shared.session.commit()
    shared.session.bind = get_engine()
    shared.write = True


def end_reading(request: Request, session: Session) -> None:
    """End the request's read transaction here, in the route's own thread (its connection back
    to the pool), for a read route whose work is done: the session dependency then has nothing
    left to end and finishes on the event loop, so the request takes one thread-pool hop instead
    of two (the public search, whose kept answers cost little else). A write session, or a
    session given by other means (the tests' override), is left to its owner."""
    shared: _RequestSession | None = getattr(request.state, "db_session", None)
    if shared is None or shared.session is not session or shared.write:
        return
    session.commit()


def write_from_here(request: Request, session: Session) -> Session:
    """The request's session (of a read dependency), writing from now on: for a route that must
    finish reading before its write transaction begins — login's throttle counts attempts on a
    connection of its own, and on SQLite it waited for the write turn its own request held (10 s,
    then 503 ``write_queue_full`` on every login outside the tests)."""
    shared: _RequestSession | None = getattr(request.state, "db_session", None)
    if shared is None or shared.session is not session:
        return session  # a session given by other means (the tests' override) stays as it is
    if not shared.write:
        _promote(shared)
    return shared.session


async def get_session(request: Request) -> AsyncIterator[Session]:
    """The request's session: commits when the route succeeds, rolls back when it raises.

    A context manager, not ``async for`` over a generator: the route's exception must reach
    ``_request_session`` (its rollback, an error's ``keep_writes``), which ``async for`` would
    leave suspended until it is collected."""
    async with _request_session(request, write=True) as session:
        yield session


async def get_read_session(request: Request) -> AsyncIterator[Session]:
    """A session for routes that only read (the same session as the request's write session)."""
    async with _request_session(request, write=False) as session:
        yield session


@contextmanager
def temporary_postgres_database(server_url: str, prefix: str = "chanjiao_tmp") -> Iterator[str]:
    """A new, empty database on the server of ``server_url``, dropped afterwards (benchmarks,
    migration checks)."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=pool.NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        get_engine(url).dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
