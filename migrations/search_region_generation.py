"""The search generation by region (migration 0025, issue 25.1), shared with migrations/env.py.

A write to a position (or to the majors it asks for) adds to ``search_region_generation.writes``
under the position's region code (before and after the write, when it moves), instead of the
one global count of migrations/search_generation.py: a search's kept answer for a region stays
current while the global sum and the sum over the codes inside its region are unchanged, so an
enterprise writing in one district no longer drops the answers of every other district. The
other tables the search reads (enterprises, catalogues) still count globally; a TRUNCATE of the
positions too.

SQLite: row triggers, each row written adds 1 to its region's slot 0. PostgreSQL: row triggers
that count each (transaction, region) once, in the slot of the server process that runs the
transaction (as the global count does: concurrent writers never wait on one another's row); a
transaction-local setting per region remembers that it was counted. The count is written in the
writer's own transaction: a reader sees it exactly when it can see the rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from migrations import search_generation

Execute = Callable[[str], Any]

TABLE = "search_region_generation"
_FUNCTION = "search_region_generation_count"
_MAJOR_FUNCTION = "search_region_generation_count_major"
COUNTED_PREFIX = "chanjiao.search_region_"
_POSITION_EVENTS = {
    "insert": ("NEW",),
    "update": ("OLD", "NEW"),
    "delete": ("OLD",),
}


def _sqlite_bump(code: str) -> str:
    # A position without a region is in no region's answers, only in the unfiltered ones.
    return (
        f"INSERT INTO {TABLE} (region_code, slot, writes) VALUES (coalesce({code}, ''), 0, 1) "
        "ON CONFLICT (region_code, slot) DO UPDATE SET writes = writes + 1;"
    )


def create(dialect: str, execute: Execute) -> None:
    if dialect == "sqlite":
        for operation, rows in _POSITION_EVENTS.items():
            bumps = " ".join(_sqlite_bump(f"{row}.region_code") for row in rows)
            execute(
                f"CREATE TRIGGER search_region_position_{operation} "
                f"AFTER {operation.upper()} ON position BEGIN {bumps} END"
            )
            bumps = " ".join(
                _sqlite_bump(f"(SELECT region_code FROM position WHERE id = {row}.position_id)")
                for row in rows
            )
            execute(
                f"CREATE TRIGGER search_region_position_major_{operation} "
                f"AFTER {operation.upper()} ON position_major BEGIN {bumps} END"
            )
        return
    count = (
        "  IF code IS NOT NULL AND coalesce(current_setting("
        f"'{COUNTED_PREFIX}' || code, true), '') <> 'y' THEN\n"
        f"    INSERT INTO {TABLE} (region_code, slot, writes) VALUES (code, pg_backend_pid(), 1)\n"
        f"    ON CONFLICT (region_code, slot) DO UPDATE SET writes = {TABLE}.writes + 1;\n"
        f"    PERFORM set_config('{COUNTED_PREFIX}' || code, 'y', true);\n"
        "  END IF;\n"
    )
    for function, lookup in (
        (_FUNCTION, "{row}.region_code"),
        (_MAJOR_FUNCTION, "(SELECT region_code FROM position WHERE id = {row}.position_id)"),
    ):
        execute(
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            "DECLARE code text;\n"
            "BEGIN\n"
            "  IF TG_OP <> 'INSERT' THEN\n"
            f"    code := {lookup.format(row='OLD')};\n"
            f"{count}"
            "  END IF;\n"
            "  IF TG_OP <> 'DELETE' THEN\n"
            f"    code := {lookup.format(row='NEW')};\n"
            f"{count}"
            "  END IF;\n"
            "  RETURN NULL;\n"
            "END $$"
        )
    for table, function in (("position", _FUNCTION), ("position_major", _MAJOR_FUNCTION)):
        execute(
            f"CREATE TRIGGER search_region_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()"
        )
        execute(
            f"CREATE TRIGGER search_generation_{table}_truncate AFTER TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {search_generation.FUNCTION}()"
        )


def drop(dialect: str, execute: Execute) -> None:
    if dialect == "sqlite":
        for operation in _POSITION_EVENTS:
            execute(f"DROP TRIGGER IF EXISTS search_region_position_{operation}")
            execute(f"DROP TRIGGER IF EXISTS search_region_position_major_{operation}")
        return
    for table in ("position", "position_major"):
        execute(f"DROP TRIGGER IF EXISTS search_region_{table} ON {table}")
        execute(f"DROP TRIGGER IF EXISTS search_generation_{table}_truncate ON {table}")
    execute(f"DROP FUNCTION IF EXISTS {_FUNCTION}()")
    execute(f"DROP FUNCTION IF EXISTS {_MAJOR_FUNCTION}()")
