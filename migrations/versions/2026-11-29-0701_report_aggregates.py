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

from migrations import report_triggers

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

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
    # On SQLite, migrations/env.py installs the triggers after every run: a later step that rebuilds
    # one of these tables (batch mode) would drop them, and their bodies name the other tables.
    if op.get_bind().dialect.name != "sqlite":
        report_triggers.create("postgresql", op.execute)


def downgrade() -> None:
    report_triggers.drop(op.get_bind().dialect.name, op.execute)
    op.drop_table('report_figure')
    op.drop_table('report_demand')
    op.drop_table('report_change')
    op.drop_table('report_aggregate_state')
