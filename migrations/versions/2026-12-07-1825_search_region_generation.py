"""search generation by region: a position's write drops only its region's kept answers (issue 25)

Revision ID: 0025
Revises: 0021
Create Date: 2026-12-07 18:00:00

Writes to positions and to the majors they ask for are counted under the position's region
(``search_region_generation``) instead of in the one global count: a kept search answer for a
region is current while the global count and the counts of the codes inside its region are
unchanged (migrations/search_region_generation.py, service/positions/search_cache.py).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from migrations import search_generation, search_region_generation

revision: str = '0025'
down_revision: str | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'search_region_generation',
        sa.Column('region_code', sa.String(length=6), nullable=False),
        sa.Column('slot', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('writes', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('region_code', 'slot', name=op.f('pk_search_region_generation')),
    )
    dialect = op.get_bind().dialect.name
    if dialect != 'sqlite':
        # On SQLite env.py installs the triggers after every run (batch migrations drop them).
        search_generation.drop_statement_triggers(op.execute, search_generation.REGIONAL_SOURCES)
        search_region_generation.create(dialect, op.execute)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    search_region_generation.drop(dialect, op.execute)
    if dialect != 'sqlite':
        search_generation.create_statement_triggers(
            op.execute, search_generation.REGIONAL_SOURCES
        )
    op.drop_table('search_region_generation')
