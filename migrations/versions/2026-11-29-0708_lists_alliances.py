"""three lists, alliances, integration-enterprise registry (issue 16)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 07:08:00

The yearly investment and taxes of an enterprise behind its 产教融合型企业 incentive statement,
and the 市域产教联合体 with its members and lead industries.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('enterprise_tax_year',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('enterprise_id', sa.Uuid(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('qualifying_investment', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('vat_paid', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('consumption_tax_paid', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['organization.id'], name=op.f('fk_enterprise_tax_year_enterprise_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprise_tax_year')),
    sa.UniqueConstraint('enterprise_id', 'year', name=op.f('uq_enterprise_tax_year_enterprise_id_year'))
    )
    with op.batch_alter_table('enterprise_tax_year', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enterprise_tax_year_enterprise_id'), ['enterprise_id'], unique=False)

    op.create_table('alliance',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('region_code', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
    sa.Column('park_id', sa.Uuid(), nullable=False),
    sa.Column('government_id', sa.Uuid(), nullable=False),
    sa.Column('school_codes', sa.JSON(), nullable=False),
    sa.Column('enterprise_codes', sa.JSON(), nullable=False),
    sa.Column('research_institutions', sa.JSON(), nullable=False),
    sa.Column('lead_industries', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], name=op.f('fk_alliance_created_by_user')),
    sa.ForeignKeyConstraint(['government_id'], ['organization.id'], name=op.f('fk_alliance_government_id_organization')),
    sa.ForeignKeyConstraint(['park_id'], ['organization.id'], name=op.f('fk_alliance_park_id_organization')),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_alliance_region_code_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alliance')),
    sa.UniqueConstraint('name', name=op.f('uq_alliance_name'))
    )
    with op.batch_alter_table('alliance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alliance_region_code'), ['region_code'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('alliance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alliance_region_code'))

    op.drop_table('alliance')

    with op.batch_alter_table('enterprise_tax_year', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enterprise_tax_year_enterprise_id'))

    op.drop_table('enterprise_tax_year')
