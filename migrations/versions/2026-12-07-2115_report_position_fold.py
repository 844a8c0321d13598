"""report demand folded per position: writes cost what they change (issue 25)

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07 21:15:00

``report_position`` holds each published position's contribution to ``report_demand`` as folded
in, and the position triggers log the ids of the positions written (``report_position_change``)
instead of their (region, year) pairs: the refresh and the report correct the demand by
(contribution now − contribution folded) of those positions, so their cost follows the writes
rather than the number of positions in the regions written to (service/reports/aggregates.py).
The aggregates must be rebuilt after this step (the refresh does it: the state row is dropped).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from migrations import report_triggers

revision: str = '0029'
down_revision: str | None = '0028'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'report_position',
        sa.Column('position_id', sa.Uuid(), nullable=False),
        sa.Column('major_code', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column('region_code', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('k', sa.Integer(), nullable=False),
        sa.Column('headcount', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('position_id', 'major_code', name=op.f('pk_report_position')),
    )
    op.create_table(
        'report_position_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('position_id', sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_position_change')),
        sqlite_autoincrement=True,
    )
    # The folded contributions do not exist yet: the next refresh builds everything.
    op.execute("DELETE FROM report_aggregate_state")
    dialect = op.get_bind().dialect.name
    if dialect != 'sqlite':
        # On SQLite env.py installs the triggers after every run (batch migrations drop them).
        report_triggers.drop(dialect, op.execute)
        report_triggers.create(dialect, op.execute, positions=True)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect != 'sqlite':
        report_triggers.drop(dialect, op.execute)
        report_triggers.create(dialect, op.execute, positions=False)
    op.execute("DELETE FROM report_aggregate_state")
    op.drop_table('report_position_change')
    op.drop_table('report_position')
