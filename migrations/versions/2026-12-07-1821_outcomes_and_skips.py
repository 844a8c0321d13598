"""schools opt in to computed outcomes; placement rounds keep the students they skipped

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 18:10:00

``organization.outcomes_opt_in``: a school lets the platform compute its cohorts' placed and
in-field counts from accepted places (issue 27 point 7). ``placement_round.skipped``: students
whose choices of a kind were left out because they already held an accepted place of that kind
(issue 24 point 8).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('organization') as batch:
        batch.add_column(
            sa.Column('outcomes_opt_in', sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table('placement_round') as batch:
        batch.add_column(sa.Column('skipped', sa.JSON(), nullable=False, server_default='[]'))


def downgrade() -> None:
    with op.batch_alter_table('placement_round') as batch:
        batch.drop_column('skipped')
    with op.batch_alter_table('organization') as batch:
        batch.drop_column('outcomes_opt_in')
