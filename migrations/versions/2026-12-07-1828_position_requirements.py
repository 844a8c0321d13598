"""positions: the requirements text (任职要求), screened like the description (issue 28)

Revision ID: 0028
Revises: 0026
Create Date: 2026-12-07 18:28:00

A plain ADD COLUMN (no batch copy of the table): on SQLite a batch rebuild of ``position`` would
drop the full-text index's triggers.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0028'
down_revision: str | None = '0026'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        'position',
        sa.Column('requirements', sa.Text(), nullable=False, server_default=''),
    )


def downgrade() -> None:
    op.drop_column('position', 'requirements')
