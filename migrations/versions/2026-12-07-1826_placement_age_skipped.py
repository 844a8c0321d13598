"""placement rounds: the choices a run passed over for the under-16 rule (issue 28)

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 18:00:00

A run no longer places a student under 16 on an internship or an apprenticeship silently: the
choices it passed over are kept with the round, each with the reason and its source
(禁止使用童工规定; 职业学校学生实习管理规定 第十六条).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0026'
down_revision: str | None = '0025'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('placement_round') as batch:
        batch.add_column(
            sa.Column('age_skipped', sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )


def downgrade() -> None:
    with op.batch_alter_table('placement_round') as batch:
        batch.drop_column('age_skipped')
