"""search generation: a count of the writes the public search's answers depend on (issue 10)

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29 07:12:00

The public search caches its anonymous answers in each process, each under the sum of
``search_generation.writes`` it was computed at; triggers on the tables the search reads add to
that sum on every write (migrations/search_generation.py), whichever process or command wrote.
Slot 0 always exists (SQLite counts there; PostgreSQL folds its process slots into it).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from migrations import search_generation

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'search_generation',
        sa.Column('slot', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('writes', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('slot', name=op.f('pk_search_generation')),
    )
    op.execute("INSERT INTO search_generation (slot, writes) VALUES (0, 0)")
    dialect = op.get_bind().dialect.name
    if dialect != 'sqlite':
        # On SQLite env.py installs the triggers after every run (batch migrations drop them).
        search_generation.create(dialect, op.execute)


def downgrade() -> None:
    search_generation.drop(op.get_bind().dialect.name, op.execute)
    op.drop_table('search_generation')
