"""Database engines and sessions for SQLite (default) and PostgreSQL.

SQLite gets WAL, ``synchronous=NORMAL``, a busy timeout and foreign keys on every connection, and
write transactions start with ``BEGIN IMMEDIATE``: a deferred transaction that reads and then writes
fails at once with "database is locked" when another writer holds the lock, whatever the busy
timeout (PITFALLS.md). Read-only work uses :func:`read_engine`, whose transactions stay deferred so
readers never queue.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url, pool, text
from sqlmodel import Session

from service.settings import settings


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def get_engine(url: str | None = None) -> Engine:
    """The engine of ``url`` (default: the configured database), one per URL and process."""
    return _engine_for(url or settings.database_url)


@cache
def _engine_for(url: str) -> Engine:
    if is_sqlite(url):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        _configure_sqlite(engine)
        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
    )


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
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")


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


def get_session() -> Iterator[Session]:
    """The request's session: commits when the route succeeds, rolls back when it raises (unless
    the error asks for its writes, an audit row of a refusal, to be kept)."""
    engine = get_engine()
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException as error:
            if getattr(error, "keep_writes", False):
                session.commit()
            else:
                session.rollback()
            raise


def get_read_session() -> Iterator[Session]:
    """A session for routes that only read."""
    with session_scope(write=False) as session:
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
