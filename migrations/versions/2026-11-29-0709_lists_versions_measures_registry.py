"""list versions, support measures, integration-enterprise registry, position occupation (issue 16)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 07:09:00

Published versions of the three lists, the support measures of 政策支持清单 as rows, the
applications to be a 产教融合型企业 with their history, and the optional 职业分类大典 code of a
position. On SQLite the column is added with a plain ALTER TABLE (no batch copy): a copy would
renumber the rowids that the full-text index position_fts refers to.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('integration_application',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('enterprise_id', sa.Uuid(), nullable=False),
    sa.Column('region_code', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('cooperation_years', sa.Integer(), nullable=False),
    sa.Column('partner_programmes', sa.Integer(), nullable=False),
    sa.Column('apprentices', sa.Integer(), nullable=False),
    sa.Column('interns', sa.Integer(), nullable=False),
    sa.Column('investment', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('refusal_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['organization.id'], name=op.f('fk_integration_application_enterprise_id_organization')),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_integration_application_region_code_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_integration_application'))
    )
    with op.batch_alter_table('integration_application', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_integration_application_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_integration_application_region_code'), ['region_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_integration_application_status'), ['status'], unique=False)
        batch_op.create_index('uq_integration_application_open', ['enterprise_id'], unique=True, sqlite_where=sa.text("status <> 'refused'"), postgresql_where=sa.text("status <> 'refused'"))

    op.create_table('integration_application_event',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('application_id', sa.Uuid(), nullable=False),
    sa.Column('from_status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('to_status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('actor_id', sa.Uuid(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_integration_application_event_actor_id_user')),
    sa.ForeignKeyConstraint(['application_id'], ['integration_application.id'], name=op.f('fk_integration_application_event_application_id_integration_application'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_integration_application_event'))
    )
    with op.batch_alter_table('integration_application_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_integration_application_event_application_id'), ['application_id'], unique=False)

    op.create_table('list_version',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('region_code', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_by', sa.Uuid(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], name=op.f('fk_list_version_created_by_user')),
    sa.ForeignKeyConstraint(['published_by'], ['user.id'], name=op.f('fk_list_version_published_by_user')),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_list_version_region_code_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_list_version')),
    sa.UniqueConstraint('region_code', 'kind', 'year', 'version', name=op.f('uq_list_version_region_code_kind_year_version'))
    )
    with op.batch_alter_table('list_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_list_version_region_code'), ['region_code'], unique=False)

    op.create_table('policy_measure',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('issuer', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('document_no', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('clause', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('eligible', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('amount_cap_wan_yuan', sa.Integer(), nullable=True),
    sa.Column('amount_note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('region_code', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=True),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('updated_by', sa.Uuid(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_policy_measure_region_code_region')),
    sa.ForeignKeyConstraint(['updated_by'], ['user.id'], name=op.f('fk_policy_measure_updated_by_user')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_policy_measure'))
    )
    with op.batch_alter_table('policy_measure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_policy_measure_region_code'), ['region_code'], unique=False)

    if op.get_bind().dialect.name == 'sqlite':
        op.execute(
            "ALTER TABLE position ADD COLUMN occupation_code VARCHAR(16) CONSTRAINT "
            f"{op.f('fk_position_occupation_code_occupation')} REFERENCES occupation (code)"
        )
    else:
        op.add_column('position', sa.Column('occupation_code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))
        op.create_foreign_key(op.f('fk_position_occupation_code_occupation'), 'position', 'occupation', ['occupation_code'], ['code'])



def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("ALTER TABLE position DROP COLUMN occupation_code")
    else:
        op.drop_constraint(op.f('fk_position_occupation_code_occupation'), 'position', type_='foreignkey')
        op.drop_column('position', 'occupation_code')

    with op.batch_alter_table('policy_measure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_policy_measure_region_code'))

    op.drop_table('policy_measure')
    with op.batch_alter_table('list_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_list_version_region_code'))

    op.drop_table('list_version')
    with op.batch_alter_table('integration_application_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_integration_application_event_application_id'))

    op.drop_table('integration_application_event')
    with op.batch_alter_table('integration_application', schema=None) as batch_op:
        batch_op.drop_index('uq_integration_application_open')
        batch_op.drop_index(batch_op.f('ix_integration_application_status'))
        batch_op.drop_index(batch_op.f('ix_integration_application_region_code'))
        batch_op.drop_index(batch_op.f('ix_integration_application_enterprise_id'))

    op.drop_table('integration_application')
