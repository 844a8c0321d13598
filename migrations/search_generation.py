"""The search generation's triggers (migration 0014), shared with migrations/env.py.

Every write to a table whose rows the public position search reads or shows (the positions, the
majors they ask for, the enterprises' names and status, the catalogues that resolve a filter or
name a row) adds to ``search_generation.writes``; a cached search response stays current while
the sum of ``writes`` is unchanged (service/positions/search_cache.py).

SQLite has row triggers only: each row written adds 1 to slot 0 (its writers take turns anyway).
PostgreSQL counts each transaction once, in the slot of the server process that runs it, so that
concurrent writers never wait on one another's row, and a trigger never takes a lock after the
writer's other locks that another writer could hold (no deadlock). The counter is written in the
writer's own transaction: a reader sees the new sum exactly when it can see the new rows.

As with the report's triggers, a batch-mode migration on SQLite rebuilds a table and drops its
triggers, so env.py drops these before a run and installs them after it whenever the table
exists.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

Execute = Callable[[str], Any]

TABLE = "search_generation"
SOURCES = (
    "position",
    "position_major",
    "organization",
    "region",
    "major",
    "major_alias",
    "major_term",
    "industry",
)
# Counted by region instead once migration 0025 has made ``search_region_generation``
# (migrations/search_region_generation.py): a position's write then changes only the answers
# of searches whose region contains the position's.
REGIONAL_SOURCES = ("position", "position_major")
_OPERATIONS = ("insert", "update", "delete")
FUNCTION = "search_generation_count"
COUNTED = "chanjiao.search_counted"


def create(dialect: str, execute: Execute, *, regional: bool = False) -> None:
    """The triggers; ``regional``: leave out the tables counted by region (see above)."""
    sources = [t for t in SOURCES if not (regional and t in REGIONAL_SOURCES)]
    if dialect == "sqlite":
        for table in sources:
            for operation in _OPERATIONS:
                execute(
                    f"CREATE TRIGGER search_generation_{table}_{operation} "
                    f"AFTER {operation.upper()} ON {table} "
                    f"BEGIN UPDATE {TABLE} SET writes = writes + 1 WHERE slot = 0; END"
                )
        return
    # Once per transaction: a transaction-local setting remembers the count (undone with the
    # transaction or the savepoint that set it, as the count is). Counting every statement
    # updated the same row once per row of an executemany, each update walking the versions
    # left by the ones before it: quadratic (200 000 inserted rows took minutes).
    execute(
        f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        "BEGIN\n"
        f"  IF coalesce(current_setting('{COUNTED}', true), '') <> 'y' THEN\n"
        f"    INSERT INTO {TABLE} (slot, writes) VALUES (pg_backend_pid(), 1)\n"
        f"    ON CONFLICT (slot) DO UPDATE SET writes = {TABLE}.writes + 1;\n"
        f"    PERFORM set_config('{COUNTED}', 'y', true);\n"
        "  END IF;\n"
        "  RETURN NULL;\n"
        "END $$"
    )
    create_statement_triggers(execute, sources)


def create_statement_triggers(execute: Execute, tables: Sequence[str]) -> None:
    """PostgreSQL: the tables' triggers calling the counting function (made by :func:`create`)."""
    for table in tables:
        execute(
            f"CREATE TRIGGER search_generation_{table} "
            f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
        )


def drop_statement_triggers(execute: Execute, tables: Sequence[str]) -> None:
    """PostgreSQL: the tables' triggers only (the counting function stays)."""
    for table in tables:
        execute(f"DROP TRIGGER IF EXISTS search_generation_{table} ON {table}")


def drop(dialect: str, execute: Execute) -> None:
    if dialect == "sqlite":
        for table in SOURCES:
            for operation in _OPERATIONS:
                execute(f"DROP TRIGGER IF EXISTS search_generation_{table}_{operation}")
        return
    for table in SOURCES:
        execute(f"DROP TRIGGER IF EXISTS search_generation_{table} ON {table}")
    execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
