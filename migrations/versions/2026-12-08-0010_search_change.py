"""search change log: each process's search index follows the writes (issue 25.1)

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-08 00:10:00

``search_change`` logs the id of every position whose search answer a write can change (the
position, its majors, its enterprise's status, name or code), in the writer's transaction
(migrations/search_changes.py). Each process's in-memory search index reads the rows past the
last one it applied before answering a search (service/positions/text_index.py).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from migrations import search_changes

revision: str = '0030'
down_revision: str | None = '0029'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'search_change',
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('position_id', sa.Uuid(), nullable=True),
        sa.Column('xid', sa.BigInteger(), nullable=True),
        sa.Column(
            'changed_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False
        ),
        sa.PrimaryKeyConstraint('seq', name=op.f('pk_search_change')),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f('ix_search_change_xid'), 'search_change', ['xid'], unique=False)
    dialect = op.get_bind().dialect.name
    if dialect != 'sqlite':
        # On SQLite env.py installs the triggers after every run (batch migrations drop them).
        search_changes.create(dialect, op.execute)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect != 'sqlite':
        search_changes.drop(dialect, op.execute)
    op.drop_index(op.f('ix_search_change_xid'), table_name='search_change')
    op.drop_table('search_change')
