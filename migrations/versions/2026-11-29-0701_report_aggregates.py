"""per-major aggregates for national-scale reports (issue 10)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 07:01:00

Tables ``report_figure`` / ``report_demand`` (the aggregates), ``report_change`` (a log of changed
(region, year) pairs) and ``report_aggregate_state``; and on each source table of the report a row
trigger that appends the (region, year) pairs a write touches to ``report_change``. Triggers catch
every writer (API, import, CLI, raw SQL) without the domain code knowing about the aggregates.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The (region, year) pairs a row stands for; ``{R}`` is NEW or OLD, ``{Y}(x)`` the year of a date.
_ORGANIZATION_PAIRS = (
    "SELECT p.region_code, {Y}(p.start_date) FROM position p WHERE p.enterprise_id = {R}.id "
    "UNION SELECT f.region_code, f.year FROM demand_forecast f WHERE f.publisher_id = {R}.id "
    "UNION SELECT {R}.region_code, c.graduation_year FROM cohort c WHERE c.school_id = {R}.id "
    "UNION SELECT {R}.region_code, g.year FROM programme g WHERE g.school_id = {R}.id"
)
SOURCES: dict[str, tuple[tuple[str, ...], str, bool]] = {
    # table: (columns whose update matters, pairs, whether inserts and deletes matter)
    "position": (
        ("region_code", "start_date", "status", "headcount", "kind", "enterprise_id"),
        "SELECT {R}.region_code, {Y}({R}.start_date)",
        True,
    ),
    "position_major": (
        ("position_id", "major_code"),
        "SELECT p.region_code, {Y}(p.start_date) FROM position p WHERE p.id = {R}.position_id",
        True,
    ),
    "cohort": (
        ("school_id", "major_code", "graduation_year", "graduates", "placed", "in_field"),
        "SELECT o.region_code, {R}.graduation_year FROM organization o WHERE o.id = {R}.school_id",
        True,
    ),
    "programme": (
        ("school_id", "major_code", "year"),
        "SELECT o.region_code, {R}.year FROM organization o WHERE o.id = {R}.school_id",
        True,
    ),
    "demand_forecast": (
        ("publisher_id", "major_code", "region_code", "year", "headcount"),
        "SELECT {R}.region_code, {R}.year",
        True,
    ),
    # A new organisation has no facts yet, and one with facts cannot be deleted (foreign keys).
    "organization": (("status", "region_code", "kind"), _ORGANIZATION_PAIRS, False),
}
_YEAR = {
    "sqlite": "CAST(strftime('%Y', {}) AS INTEGER)",
    "postgresql": "CAST(EXTRACT(YEAR FROM {}) AS INTEGER)",
}


def _pairs(dialect: str, template: str, row: str) -> str:
    year = _YEAR[dialect]
    # {Y}(x) → the dialect's year-of-date expression around x.
    text = template.replace("{R}", row)
    out, rest = "", text
    while "{Y}(" in rest:
        head, tail = rest.split("{Y}(", 1)
        inner, tail = tail.split(")", 1)
        out += head + year.format(inner)
        rest = tail
    return "INSERT INTO report_change (region_code, year) " + out + rest


def _create_triggers(dialect: str) -> None:
    for table, (columns, template, inserts) in SOURCES.items():
        if dialect == "sqlite":
            changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
            if inserts:
                op.execute(
                    f"CREATE TRIGGER report_change_{table}_insert AFTER INSERT ON {table} "
                    f"BEGIN {_pairs(dialect, template, 'NEW')}; END"
                )
                op.execute(
                    f"CREATE TRIGGER report_change_{table}_delete AFTER DELETE ON {table} "
                    f"BEGIN {_pairs(dialect, template, 'OLD')}; END"
                )
            op.execute(
                f"CREATE TRIGGER report_change_{table}_update AFTER UPDATE ON {table} "
                f"WHEN {changed} BEGIN {_pairs(dialect, template, 'OLD')}; "
                f"{_pairs(dialect, template, 'NEW')}; END"
            )
        else:
            changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)
            op.execute(
                f"CREATE FUNCTION report_change_{table}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                "BEGIN\n"
                f"  IF TG_OP <> 'INSERT' THEN {_pairs(dialect, template, 'OLD')}; END IF;\n"
                f"  IF TG_OP <> 'DELETE' THEN {_pairs(dialect, template, 'NEW')}; END IF;\n"
                "  RETURN NULL;\n"
                "END $$"
            )
            if inserts:
                op.execute(
                    f"CREATE TRIGGER report_change_{table}_write AFTER INSERT OR DELETE ON {table} "
                    f"FOR EACH ROW EXECUTE FUNCTION report_change_{table}()"
                )
            op.execute(
                f"CREATE TRIGGER report_change_{table}_update AFTER UPDATE ON {table} "
                f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION report_change_{table}()"
            )


def _drop_triggers(dialect: str) -> None:
    for table, (_columns, _template, inserts) in SOURCES.items():
        if dialect == "sqlite":
            names = ["insert", "delete", "update"] if inserts else ["update"]
            for name in names:
                op.execute(f"DROP TRIGGER IF EXISTS report_change_{table}_{name}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS report_change_{table}_write ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS report_change_{table}_update ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS report_change_{table}()")


def upgrade() -> None:
    op.create_table('report_aggregate_state',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('built_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('refreshed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_report_aggregate_state'))
    )
    op.create_table('report_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_code', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_change')),
    sqlite_autoincrement=True
    )
    op.create_table('report_demand',
    sa.Column('scope', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('region_code', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('major_code', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('k', sa.Integer(), nullable=False),
    sa.Column('positions', sa.Integer(), nullable=False),
    sa.Column('headcount', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('scope', 'region_code', 'year', 'major_code', 'kind', 'k', name=op.f('pk_report_demand'))
    )
    op.create_table('report_figure',
    sa.Column('scope', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('region_code', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('major_code', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('sites', sa.Integer(), nullable=False),
    sa.Column('cohorts', sa.Integer(), nullable=False),
    sa.Column('graduates', sa.Integer(), nullable=False),
    sa.Column('placed', sa.Integer(), nullable=False),
    sa.Column('in_field', sa.Integer(), nullable=False),
    sa.Column('forecasts', sa.Integer(), nullable=False),
    sa.Column('forecast_headcount', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('scope', 'region_code', 'year', 'major_code', name=op.f('pk_report_figure'))
    )
    _create_triggers(op.get_bind().dialect.name)


def downgrade() -> None:
    _drop_triggers(op.get_bind().dialect.name)
    op.drop_table('report_figure')
    op.drop_table('report_demand')
    op.drop_table('report_change')
    op.drop_table('report_aggregate_state')
