"""students: birth date (issue 28, the under-16 rule)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 17:00:00

A student's birth date, entered by its school (optional, personal data like the name and the
phone): an application or a placement of a student under 16 to an internship or an
apprenticeship is refused (禁止使用童工规定; 职业学校学生实习管理规定 第十六条).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('student') as batch:
        batch.add_column(sa.Column('birth_date', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('student') as batch:
        batch.drop_column('birth_date')
