"""Test databases built by the migrations, one transaction per test, on SQLite and PostgreSQL.

Every backend gets a template database (migrated, reference catalogue loaded) once per test session.
``session`` and ``client`` run inside a transaction on a copy of it that is rolled back after each
test; ``fresh_db_url`` is a new copy for tests that need real commits (CLI, subprocesses).
PostgreSQL joins when ``TEST_DATABASE_URL`` is set (a server URL such as
``postgresql+psycopg://postgres@127.0.0.1:5432/test``); ``.ci/run`` always sets it.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, make_url, pool, text
from sqlmodel import Session
from typer.testing import CliRunner

from seed.catalog import load_catalog
from service import migrate, throttle
from service.cli import app as cli_app
from service.db import get_engine, get_read_session, get_session
from service.positions.search_cache import ResponseCache
from service.settings import settings
from tests.apps import shared_app
from tests.factories import count_writes_anew

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else [])

settings.environment = "test"
settings.scheduler_enabled = False
# Requests of the shared app run in each test's uncommitted transaction, which a background build
# cannot see: tests build the index inline (tests/service/recommendations/test_background.py
# starts the background thread itself).
settings.recommendation_prebuild = False
# Likewise the search index: the database answers the shared app's searches, and
# tests/service/positions/test_text_index.py builds indexes of committed databases and compares
# their answers with the database's; the served tests (tests/deploy, tests/browser) run with it.
settings.search_index = False


def _pg_admin_engine() -> Engine:
    assert TEST_DATABASE_URL is not None
    return create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT", poolclass=pool.NullPool)


def _pg_url(name: str) -> str:
    assert TEST_DATABASE_URL is not None
    return make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)


class DatabaseFactory:
    """Makes copies of a migrated, catalogue-loaded template database."""

    def __init__(self, backend: str, workdir: Path) -> None:
        self.backend = backend
        self.workdir = workdir
        self.created: list[str] = []
        self._shared: str | None = None
        self.tag = uuid.uuid4().hex[:8]
        if backend == "sqlite":
            self.template = workdir / "template.db"
            url = f"sqlite:///{self.template}"
        else:
            self.template_name = f"chanjiao_tpl_{self.tag}"
            with _pg_admin_engine().connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{self.template_name}"'))
            self.created.append(self.template_name)
            url = _pg_url(self.template_name)
        migrate.upgrade(url)
        engine = get_engine(url)
        with Session(engine) as session:
            load_catalog(session)
            session.commit()
        engine.dispose()
        if backend == "sqlite":
            # A checkpoint cannot run inside the BEGIN IMMEDIATE that write connections open.
            with engine.execution_options(sqlite_begin="DEFERRED").connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            engine.dispose()

    def copy(self) -> str:
        if self.backend == "sqlite":
            path = self.workdir / f"db_{uuid.uuid4().hex[:8]}.db"
            shutil.copyfile(self.template, path)
            return f"sqlite:///{path}"
        name = f"chanjiao_t_{self.tag}_{uuid.uuid4().hex[:6]}"
        with _pg_admin_engine().connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{self.template_name}"'))
        self.created.append(name)
        return _pg_url(name)

    def shared(self) -> str:
        """The one copy that tests share (each rolls back what it wrote)."""
        if self._shared is None:
            self._shared = self.copy()
        return self._shared

    def drop_all(self) -> None:
        if self.backend == "sqlite":
            return

        def drop(name: str) -> None:
            get_engine(_pg_url(name)).dispose()
            with _pg_admin_engine().connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

        # Each DROP DATABASE waits for a checkpoint; drops waiting together share one (one at a
        # time, a session's hundred copies took 100 s of its end on a busy server).
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(drop, self.created))


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups (``make test``: --dist loadgroup)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``one_backend`` run on SQLite only (on PostgreSQL they would repeat the same
    work). Under xdist, the tests that start servers and browsers or kill processes run on one
    worker, one at a time: the browser tests share one server and one chromium per backend, and no
    two ``slow`` tests (real subprocesses, kills) compete with each other for the two cores."""
    browser = Path(__file__).parent / "browser"
    repeated = [item for item in items if _repeats_identical_work(item)]
    if repeated:
        config.hook.pytest_deselected(items=repeated)
        items[:] = [item for item in items if not _repeats_identical_work(item)]
    for item in items:
        if item.path.is_relative_to(browser):
            item.add_marker(pytest.mark.xdist_group("browser"))
        elif item.get_closest_marker("slow") is not None:
            item.add_marker(pytest.mark.xdist_group("slow"))


def _repeats_identical_work(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    return (
        item.get_closest_marker("one_backend") is not None
        and callspec is not None
        and callspec.params.get("databases", "sqlite") != "sqlite"
    )


@pytest.fixture(autouse=True)
def _fresh_throttle() -> Iterator[None]:
    """Each test starts with no login or registration attempts counted."""
    throttle.use_store(throttle.MemoryStore())
    yield
    throttle.use_store(None)


@pytest.fixture(scope="session")
def _template_databases() -> Iterator[dict[str, DatabaseFactory]]:
    """Each backend's template, built when first asked for and kept to the end of the session.

    Pytest keeps one parameter of a session fixture at a time: ``databases`` is set up again
    whenever the backend changes (under xdist a worker goes back and forth), and takes the template
    from here instead of migrating a new one.
    """
    built: dict[str, DatabaseFactory] = {}
    yield built
    for factory in built.values():
        factory.drop_all()


@pytest.fixture(scope="session", params=BACKENDS)
def databases(
    request: pytest.FixtureRequest,
    _template_databases: dict[str, DatabaseFactory],
    tmp_path_factory: pytest.TempPathFactory,
) -> DatabaseFactory:
    backend: str = request.param
    if backend not in _template_databases:
        workdir = tmp_path_factory.mktemp(backend)
        _template_databases[backend] = DatabaseFactory(backend, workdir)
    return _template_databases[backend]


@pytest.fixture(scope="session")
def db_url(databases: DatabaseFactory) -> str:
    """The shared test database of this backend (each test rolls back what it wrote)."""
    return databases.shared()


@pytest.fixture
def fresh_db_url(databases: DatabaseFactory) -> Iterator[str]:
    """A database of its own (migrated, catalogue loaded) for tests that commit for real.

    Its engine's idle connections are closed after the test: engines are kept one per URL and
    process, and a worker's hundreds of copies would otherwise hold PostgreSQL's 100 connections
    ("too many clients") until the session ends."""
    url = databases.copy()
    yield url
    get_engine(url).dispose()


@pytest.fixture
def backend(databases: DatabaseFactory) -> str:
    return databases.backend


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    connection = get_engine(db_url).connect()
    transaction = connection.begin()
    # Commits inside the code under test release a savepoint; the outer transaction is undone.
    session = Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    try:
        yield session
    finally:
        session.close()
        transaction.rollback()
        connection.close()


@pytest.fixture(scope="session")
def app() -> FastAPI:
    """The application of every ``client`` (one per test process, see tests/apps.py)."""
    return shared_app()


@pytest.fixture
def client(app: FastAPI, session: Session) -> Iterator[TestClient]:
    """A client of the shared application whose requests run in ``session``'s transaction.

    Per test: the database dependencies, an empty search cache (its answers are per generation,
    and generations start again with each rolled-back test) and the cookies (a new TestClient).
    """

    def _session() -> Iterator[Session]:
        # Each request gets a savepoint of its own, like the real dependency's transaction: a
        # failed request undoes its own writes and leaves the test's setup data in place.
        request_savepoint = session.begin_nested()
        count_writes_anew(session)  # the search generation counts once per transaction
        try:
            yield session
        except Exception as error:
            if getattr(error, "keep_writes", False):
                request_savepoint.commit()
            else:
                request_savepoint.rollback()
            count_writes_anew(session)
            raise
        else:
            request_savepoint.commit()
            count_writes_anew(session)  # the test's own writes after the request count too

    built_cache: ResponseCache = app.state.search_cache
    app.state.search_cache = ResponseCache(built_cache.max_entries, built_cache.max_bytes)
    app.dependency_overrides[get_session] = _session
    app.dependency_overrides[get_read_session] = _session
    try:
        with TestClient(app) as test_client:
            yield test_client
    finally:
        app.dependency_overrides.clear()
        app.state.search_cache = built_cache


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    """Runs ``chanjiao ARGS`` in-process; settings changed by ``--db`` are restored afterwards."""
    monkeypatch.setattr(settings, "database_url", settings.database_url)
    # The CLI refuses missing SQLite files (except `db upgrade`); other tests create them.
    monkeypatch.setattr(settings, "sqlite_create_missing", settings.sqlite_create_missing)
    # ``--db`` also exports DATABASE_URL for uvicorn's workers; undo that after the test too.
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    runner = CliRunner()

    def _run(*args: str, input: str | None = None) -> Any:
        return runner.invoke(cli_app, list(args), input=input, catch_exceptions=False)

    return _run
