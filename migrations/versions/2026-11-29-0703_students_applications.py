"""student accounts, profiles and applications (issue 11)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 07:03:00

Students gain a name and phone (personal data, shown masked outside their owners), certificates,
preferred position kinds and an introduction; an account belongs to at most one student. The
``application`` table holds a student's application to a position, one per pair.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("student", schema=None) as batch_op:
        # Existing rows get empty values; new rows always carry them (the model's defaults).
        batch_op.add_column(
            sa.Column(
                "name",
                sqlmodel.sql.sqltypes.AutoString(length=64),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(
            sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True)
        )
        batch_op.add_column(
            sa.Column("certificates", sa.JSON(), nullable=False, server_default="[]")
        )
        batch_op.add_column(
            sa.Column("preferred_kinds", sa.JSON(), nullable=False, server_default="[]")
        )
        batch_op.add_column(
            sa.Column(
                "introduction",
                sqlmodel.sql.sqltypes.AutoString(length=500),
                nullable=False,
                server_default="",
            )
        )
        batch_op.create_unique_constraint(batch_op.f("uq_student_user_id"), ["user_id"])
    with op.batch_alter_table("student", schema=None) as batch_op:
        # The defaults only filled existing rows; the model states no server default.
        batch_op.alter_column("name", server_default=None)
        batch_op.alter_column("certificates", server_default=None)
        batch_op.alter_column("preferred_kinds", server_default=None)
        batch_op.alter_column("introduction", server_default=None)

    op.create_table(
        "application",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("student_id", sa.Uuid(), nullable=False),
        sa.Column("position_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["position_id"], ["position.id"], name=op.f("fk_application_position_id_position")
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["student.id"], name=op.f("fk_application_student_id_student")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application")),
        sa.UniqueConstraint(
            "student_id", "position_id", name=op.f("uq_application_student_id_position_id")
        ),
    )
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_application_created_at"), ["created_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_application_position_id"), ["position_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_application_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_application_student_id"), ["student_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_application_student_id"))
        batch_op.drop_index(batch_op.f("ix_application_status"))
        batch_op.drop_index(batch_op.f("ix_application_position_id"))
        batch_op.drop_index(batch_op.f("ix_application_created_at"))

    op.drop_table("application")
    with op.batch_alter_table("student", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_student_user_id"), type_="unique")
        batch_op.drop_column("introduction")
        batch_op.drop_column("preferred_kinds")
        batch_op.drop_column("certificates")
        batch_op.drop_column("phone")
        batch_op.drop_column("name")
