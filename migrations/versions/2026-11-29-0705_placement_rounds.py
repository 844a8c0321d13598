"""placement rounds (issue 13)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 07:05:00

Placement rounds: the round, its invited positions and students, the students' preferences, the
enterprises' rankings (with the recommender's score and reasons) and the assignment.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('placement_round',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('owner_id', sa.Uuid(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('deadline_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('enterprise_capacities', sa.JSON(), nullable=False),
    sa.Column('school_quotas', sa.JSON(), nullable=False),
    sa.Column('lottery', sa.JSON(), nullable=False),
    sa.Column('blocking_pairs', sa.JSON(), nullable=False),
    sa.Column('unfilled', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('run_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], name=op.f('fk_placement_round_created_by_user')),
    sa.ForeignKeyConstraint(['owner_id'], ['organization.id'], name=op.f('fk_placement_round_owner_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_placement_round'))
    )
    with op.batch_alter_table('placement_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placement_round_owner_id'), ['owner_id'], unique=False)

    op.create_table('assignment',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('round_id', sa.Uuid(), nullable=False),
    sa.Column('student_id', sa.Uuid(), nullable=False),
    sa.Column('position_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['position_id'], ['position.id'], name=op.f('fk_assignment_position_id_position')),
    sa.ForeignKeyConstraint(['round_id'], ['placement_round.id'], name=op.f('fk_assignment_round_id_placement_round'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_assignment_student_id_student')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment')),
    sa.UniqueConstraint('round_id', 'student_id', name=op.f('uq_assignment_round_id_student_id'))
    )
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_position_id'), ['position_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_student_id'), ['student_id'], unique=False)

    op.create_table('placement_ranking',
    sa.Column('round_id', sa.Uuid(), nullable=False),
    sa.Column('position_id', sa.Uuid(), nullable=False),
    sa.Column('student_id', sa.Uuid(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['position_id'], ['position.id'], name=op.f('fk_placement_ranking_position_id_position')),
    sa.ForeignKeyConstraint(['round_id'], ['placement_round.id'], name=op.f('fk_placement_ranking_round_id_placement_round'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_placement_ranking_student_id_student')),
    sa.PrimaryKeyConstraint('round_id', 'position_id', 'student_id', name=op.f('pk_placement_ranking'))
    )
    op.create_table('placement_round_position',
    sa.Column('round_id', sa.Uuid(), nullable=False),
    sa.Column('position_id', sa.Uuid(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['position_id'], ['position.id'], name=op.f('fk_placement_round_position_position_id_position')),
    sa.ForeignKeyConstraint(['round_id'], ['placement_round.id'], name=op.f('fk_placement_round_position_round_id_placement_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', 'position_id', name=op.f('pk_placement_round_position'))
    )
    with op.batch_alter_table('placement_round_position', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placement_round_position_position_id'), ['position_id'], unique=False)

    op.create_table('placement_round_student',
    sa.Column('round_id', sa.Uuid(), nullable=False),
    sa.Column('student_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['placement_round.id'], name=op.f('fk_placement_round_student_round_id_placement_round'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_placement_round_student_student_id_student')),
    sa.PrimaryKeyConstraint('round_id', 'student_id', name=op.f('pk_placement_round_student'))
    )
    with op.batch_alter_table('placement_round_student', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placement_round_student_student_id'), ['student_id'], unique=False)

    op.create_table('preference',
    sa.Column('round_id', sa.Uuid(), nullable=False),
    sa.Column('student_id', sa.Uuid(), nullable=False),
    sa.Column('position_id', sa.Uuid(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['position_id'], ['position.id'], name=op.f('fk_preference_position_id_position')),
    sa.ForeignKeyConstraint(['round_id'], ['placement_round.id'], name=op.f('fk_preference_round_id_placement_round'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_preference_student_id_student')),
    sa.PrimaryKeyConstraint('round_id', 'student_id', 'position_id', name=op.f('pk_preference')),
    sa.UniqueConstraint('round_id', 'student_id', 'rank', name=op.f('uq_preference_round_id_student_id_rank'))
    )


def downgrade() -> None:
    op.drop_table('preference')
    with op.batch_alter_table('placement_round_student', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_placement_round_student_student_id'))

    op.drop_table('placement_round_student')
    with op.batch_alter_table('placement_round_position', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_placement_round_position_position_id'))

    op.drop_table('placement_round_position')
    op.drop_table('placement_ranking')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_student_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_round_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_position_id'))

    op.drop_table('assignment')
    with op.batch_alter_table('placement_round', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_placement_round_owner_id'))

    op.drop_table('placement_round')
