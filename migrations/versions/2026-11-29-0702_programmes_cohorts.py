"""programmes, partners and cohorts through the API (issue 11)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 07:02:00

A programme records its practical-hours share (实践性教学课时占比) and its enterprise partners
(校企合作 / 订单培养 / 学徒制) in ``programme_partner``.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.add_column(sa.Column('practical_hours_share', sa.Float(), nullable=True))

    op.create_table('programme_partner',
    sa.Column('programme_id', sa.Uuid(), nullable=False),
    sa.Column('enterprise_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['organization.id'], name=op.f('fk_programme_partner_enterprise_id_organization')),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_programme_partner_programme_id_programme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('programme_id', 'enterprise_id', 'kind', name=op.f('pk_programme_partner'))
    )
    with op.batch_alter_table('programme_partner', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_partner_enterprise_id'), ['enterprise_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('programme_partner', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_partner_enterprise_id'))

    op.drop_table('programme_partner')
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.drop_column('practical_hours_share')
