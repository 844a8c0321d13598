"""The log of positions written, read by each process's search index (migration 0030, issue 25.1).

Every write that can change what the public search finds or shows for a position appends the
position's id to ``search_change``: an insert, update or delete of the position, of the majors it
asks for, and an update of its enterprise's status, name, code or industry (every position of
that enterprise). A TRUNCATE of the positions, and any write to the regions or majors (whose
names a search shows), appends a row without an id: "anything may have changed" (the index is
rebuilt). The rows are written in the writer's own transaction, so a reader sees them exactly when
it can see what they point at. ``service/positions/text_index.py``
reads the rows past the last it applied on each search and re-reads those positions; the nightly
job deletes rows older than a day.

SQLite has row triggers only (its writers take turns, so the sequence follows commit order).
PostgreSQL: row triggers calling plpgsql functions; the sequence there does not follow commit
order, which the reader handles with the transactions in flight of its snapshot.

As with the other trigger sets, a batch-mode migration on SQLite rebuilds a table and drops its
triggers, so env.py drops these before a run and installs them after it whenever the table exists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Execute = Callable[[str], Any]

TABLE = "search_change"
_FUNCTION = "search_change_log"
_MAJOR_FUNCTION = "search_change_log_major"
_ENTERPRISE_FUNCTION = "search_change_log_enterprise"
_TRUNCATE_FUNCTION = "search_change_log_truncate"
_XID = "pg_current_xact_id()::text::bigint"
# Catalogue tables whose names a search shows (a region's, a major's): any write logs a row
# without a position, and each worker builds its index anew (the JSON it keeps holds the names).
_CATALOGUE = ("region", "major")
_EVENTS = {"insert": ("NEW",), "update": ("OLD", "NEW"), "delete": ("OLD",)}
# An enterprise's write that changes its positions' answers (public or not, and the name shown).
_ENTERPRISE_CHANGED = (
    "OLD.status IS NOT NEW.status OR OLD.name IS NOT NEW.name OR OLD.code IS NOT NEW.code "
    "OR OLD.industry_code IS NOT NEW.industry_code"
)


def create(dialect: str, execute: Execute) -> None:
    if dialect == "sqlite":
        for operation, rows in _EVENTS.items():
            logged = " ".join(
                f"INSERT INTO {TABLE} (position_id) VALUES ({row}.id);" for row in rows[-1:]
            )
            execute(
                f"CREATE TRIGGER search_change_position_{operation} "
                f"AFTER {operation.upper()} ON position BEGIN {logged} END"
            )
            logged = " ".join(
                f"INSERT INTO {TABLE} (position_id) VALUES ({row}.position_id);" for row in rows
            )
            execute(
                f"CREATE TRIGGER search_change_position_major_{operation} "
                f"AFTER {operation.upper()} ON position_major BEGIN {logged} END"
            )
        execute(
            "CREATE TRIGGER search_change_enterprise AFTER UPDATE ON organization "
            f"WHEN {_ENTERPRISE_CHANGED} BEGIN INSERT INTO {TABLE} (position_id) "
            "SELECT id FROM position WHERE enterprise_id = NEW.id; END"
        )
        for table in _CATALOGUE:
            for operation in _EVENTS:
                execute(
                    f"CREATE TRIGGER search_change_{table}_{operation} "
                    f"AFTER {operation.upper()} ON {table} "
                    f"BEGIN INSERT INTO {TABLE} (position_id) VALUES (NULL); END"
                )
        return
    for function, column in ((_FUNCTION, "id"), (_MAJOR_FUNCTION, "position_id")):
        execute(
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            "BEGIN\n"
            "  IF TG_OP <> 'INSERT' THEN\n"
            f"    INSERT INTO {TABLE} (position_id, xid) VALUES (OLD.{column}, {_XID});\n"
            "  END IF;\n"
            f"  IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.{column} <> OLD.{column}) THEN\n"
            f"    INSERT INTO {TABLE} (position_id, xid) VALUES (NEW.{column}, {_XID});\n"
            "  END IF;\n"
            "  RETURN NULL;\n"
            "END $$"
        )
    execute(
        f"CREATE OR REPLACE FUNCTION {_ENTERPRISE_FUNCTION}() RETURNS trigger LANGUAGE plpgsql "
        "AS $$\n"
        "BEGIN\n"
        f"  IF {_ENTERPRISE_CHANGED.replace(' IS NOT ', ' IS DISTINCT FROM ')} THEN\n"
        f"    INSERT INTO {TABLE} (position_id, xid) SELECT id, {_XID} FROM position "
        "WHERE enterprise_id = NEW.id;\n"
        "  END IF;\n"
        "  RETURN NULL;\n"
        "END $$"
    )
    execute(
        f"CREATE OR REPLACE FUNCTION {_TRUNCATE_FUNCTION}() RETURNS trigger LANGUAGE plpgsql "
        "AS $$\n"
        "BEGIN\n"
        f"  INSERT INTO {TABLE} (position_id, xid) VALUES (NULL, {_XID});\n"
        "  RETURN NULL;\n"
        "END $$"
    )
    for table, function in (("position", _FUNCTION), ("position_major", _MAJOR_FUNCTION)):
        execute(
            f"CREATE TRIGGER search_change_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()"
        )
        execute(
            f"CREATE TRIGGER search_change_{table}_truncate AFTER TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {_TRUNCATE_FUNCTION}()"
        )
    execute(
        "CREATE TRIGGER search_change_enterprise AFTER UPDATE ON organization "
        f"FOR EACH ROW EXECUTE FUNCTION {_ENTERPRISE_FUNCTION}()"
    )
    for table in _CATALOGUE:
        execute(
            f"CREATE TRIGGER search_change_{table} "
            f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {_TRUNCATE_FUNCTION}()"
        )


def drop(dialect: str, execute: Execute) -> None:
    if dialect == "sqlite":
        for operation in _EVENTS:
            execute(f"DROP TRIGGER IF EXISTS search_change_position_{operation}")
            execute(f"DROP TRIGGER IF EXISTS search_change_position_major_{operation}")
        execute("DROP TRIGGER IF EXISTS search_change_enterprise")
        for table in _CATALOGUE:
            for operation in _EVENTS:
                execute(f"DROP TRIGGER IF EXISTS search_change_{table}_{operation}")
        return
    for table in ("position", "position_major"):
        execute(f"DROP TRIGGER IF EXISTS search_change_{table} ON {table}")
        execute(f"DROP TRIGGER IF EXISTS search_change_{table}_truncate ON {table}")
    execute("DROP TRIGGER IF EXISTS search_change_enterprise ON organization")
    for table in _CATALOGUE:
        execute(f"DROP TRIGGER IF EXISTS search_change_{table} ON {table}")
    for function in (_FUNCTION, _MAJOR_FUNCTION, _ENTERPRISE_FUNCTION, _TRUNCATE_FUNCTION):
        execute(f"DROP FUNCTION IF EXISTS {function}()")
