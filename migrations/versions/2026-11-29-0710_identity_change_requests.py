"""identity change requests: a verified organisation's name, code, region or kind, by review

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 07:10:00

An organisation asks, a regulator of its region approves (the change is applied) or refuses with
a reason (issue 15).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'identity_change_request',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('organization_id', sa.Uuid(), nullable=False),
        sa.Column('changes', sa.JSON(), nullable=False),
        sa.Column('before', sa.JSON(), nullable=False),
        sa.Column('to_region_code', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=True),
        sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('requested_by', sa.Uuid(), nullable=False),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_by', sa.Uuid(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decision_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ['decided_by'], ['user.id'], name=op.f('fk_identity_change_request_decided_by_user')
        ),
        sa.ForeignKeyConstraint(
            ['organization_id'],
            ['organization.id'],
            name=op.f('fk_identity_change_request_organization_id_organization'),
        ),
        sa.ForeignKeyConstraint(
            ['requested_by'], ['user.id'], name=op.f('fk_identity_change_request_requested_by_user')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_identity_change_request')),
    )
    with op.batch_alter_table('identity_change_request', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_identity_change_request_organization_id'), ['organization_id'], unique=False
        )
        batch_op.create_index(
            batch_op.f('ix_identity_change_request_status'), ['status'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('identity_change_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_identity_change_request_status'))
        batch_op.drop_index(batch_op.f('ix_identity_change_request_organization_id'))
    op.drop_table('identity_change_request')
