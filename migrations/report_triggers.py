"""The report's change-log triggers (migration 0003), shared with migrations/env.py.

Row triggers on the report's source tables record the (region, year) each write touches in
``report_change``. On SQLite, a batch-mode migration rebuilds a table (dropping its triggers), and a
trigger whose body names a table that is being renamed fails the rename, so env.py drops them before
a run and installs them after it whenever ``report_change`` exists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Execute = Callable[[str], Any]

# What a row stands for; ``{R}`` is NEW or OLD, ``{Y}(x)`` the year of a date. A "pairs" select
# gives (region, year) pairs for ``report_change``; a "positions" select gives position ids for
# ``report_position_change`` (migration 0029: the demand aggregates fold each position's change).
_ORGANIZATION_FACTS = (
    "SELECT f.region_code, f.year FROM demand_forecast f WHERE f.publisher_id = {R}.id "
    "UNION SELECT {R}.region_code, c.graduation_year FROM cohort c WHERE c.school_id = {R}.id "
    "UNION SELECT {R}.region_code, g.year FROM programme g WHERE g.school_id = {R}.id"
)
_ORGANIZATION_PAIRS = (
    "SELECT p.region_code, {Y}(p.start_date) FROM position p WHERE p.enterprise_id = {R}.id "
    "UNION " + _ORGANIZATION_FACTS
)
_TARGETS = {
    "pairs": "INSERT INTO report_change (region_code, year) ",
    "positions": "INSERT INTO report_position_change (position_id) ",
}
Source = tuple[tuple[str, ...], tuple[tuple[str, str], ...], bool]
_COLUMNS = {
    "position": ("region_code", "start_date", "status", "headcount", "kind", "enterprise_id"),
    "position_major": ("position_id", "major_code"),
    "cohort": ("school_id", "major_code", "graduation_year", "graduates", "placed", "in_field"),
    "programme": ("school_id", "major_code", "year"),
    "demand_forecast": ("publisher_id", "major_code", "region_code", "year", "headcount"),
    "organization": ("status", "region_code", "kind"),
}
_FACTS: dict[str, tuple[tuple[str, str], ...]] = {
    "cohort": (
        (
            "pairs",
            "SELECT o.region_code, {R}.graduation_year FROM organization o "
            "WHERE o.id = {R}.school_id",
        ),
    ),
    "programme": (
        ("pairs", "SELECT o.region_code, {R}.year FROM organization o WHERE o.id = {R}.school_id"),
    ),
    "demand_forecast": (("pairs", "SELECT {R}.region_code, {R}.year"),),
}


def sources(positions: bool = True) -> dict[str, Source]:
    """table: (columns whose update matters, what to log, whether inserts and deletes matter).

    ``positions`` (migration 0029 on): writes to positions log the position's id; before it,
    their (region, year) pairs, as every other source still does.
    """
    if positions:
        logged: dict[str, tuple[tuple[str, str], ...]] = {
            "position": (("positions", "SELECT {R}.id"),),
            "position_major": (("positions", "SELECT {R}.position_id"),),
            "organization": (
                ("pairs", _ORGANIZATION_FACTS),
                ("positions", "SELECT p.id FROM position p WHERE p.enterprise_id = {R}.id"),
            ),
        }
    else:
        logged = {
            "position": (("pairs", "SELECT {R}.region_code, {Y}({R}.start_date)"),),
            "position_major": (
                (
                    "pairs",
                    "SELECT p.region_code, {Y}(p.start_date) FROM position p "
                    "WHERE p.id = {R}.position_id",
                ),
            ),
            "organization": (("pairs", _ORGANIZATION_PAIRS),),
        }
    logged.update(_FACTS)
    # A new organisation has no facts yet, and one with facts cannot be deleted (foreign keys).
    return {
        table: (columns, logged[table], table != "organization")
        for table, columns in _COLUMNS.items()
    }


SOURCES = sources(positions=False)  # as migration 0003 created them
_YEAR = {
    "sqlite": "CAST(strftime('%Y', {}) AS INTEGER)",
    "postgresql": "CAST(EXTRACT(YEAR FROM {}) AS INTEGER)",
}


def _statement(dialect: str, target: str, template: str, row: str) -> str:
    year = _YEAR[dialect]
    # {Y}(x) → the dialect's year-of-date expression around x.
    text = template.replace("{R}", row)
    out, rest = "", text
    while "{Y}(" in rest:
        head, tail = rest.split("{Y}(", 1)
        inner, tail = tail.split(")", 1)
        out += head + year.format(inner)
        rest = tail
    return _TARGETS[target] + out + rest


def _statements(dialect: str, logged: tuple[tuple[str, str], ...], row: str) -> str:
    return "; ".join(_statement(dialect, target, template, row) for target, template in logged)


def create(dialect: str, execute: Execute, *, positions: bool = False) -> None:
    for table, (columns, logged, inserts) in sources(positions).items():
        if dialect == "sqlite":
            changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
            if inserts:
                execute(
                    f"CREATE TRIGGER report_change_{table}_insert AFTER INSERT ON {table} "
                    f"BEGIN {_statements(dialect, logged, 'NEW')}; END"
                )
                execute(
                    f"CREATE TRIGGER report_change_{table}_delete AFTER DELETE ON {table} "
                    f"BEGIN {_statements(dialect, logged, 'OLD')}; END"
                )
            execute(
                f"CREATE TRIGGER report_change_{table}_update AFTER UPDATE ON {table} "
                f"WHEN {changed} BEGIN {_statements(dialect, logged, 'OLD')}; "
                f"{_statements(dialect, logged, 'NEW')}; END"
            )
        else:
            changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)
            execute(
                f"CREATE FUNCTION report_change_{table}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                "BEGIN\n"
                f"  IF TG_OP <> 'INSERT' THEN {_statements(dialect, logged, 'OLD')}; END IF;\n"
                f"  IF TG_OP <> 'DELETE' THEN {_statements(dialect, logged, 'NEW')}; END IF;\n"
                "  RETURN NULL;\n"
                "END $$"
            )
            if inserts:
                execute(
                    f"CREATE TRIGGER report_change_{table}_write AFTER INSERT OR DELETE ON {table} "
                    f"FOR EACH ROW EXECUTE FUNCTION report_change_{table}()"
                )
            execute(
                f"CREATE TRIGGER report_change_{table}_update AFTER UPDATE ON {table} "
                f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION report_change_{table}()"
            )


def drop(dialect: str, execute: Execute) -> None:
    for table, (_columns, _template, inserts) in SOURCES.items():
        if dialect == "sqlite":
            names = ["insert", "delete", "update"] if inserts else ["update"]
            for name in names:
                execute(f"DROP TRIGGER IF EXISTS report_change_{table}_{name}")
        else:
            execute(f"DROP TRIGGER IF EXISTS report_change_{table}_write ON {table}")
            execute(f"DROP TRIGGER IF EXISTS report_change_{table}_update ON {table}")
            execute(f"DROP FUNCTION IF EXISTS report_change_{table}()")
