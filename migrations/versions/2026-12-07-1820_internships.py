"""internships: agreement, insurance, mentors, weekly logs and findings (issue 27)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 18:20:00

An accepted offer on an internship or apprenticeship position becomes an internship: the
tripartite agreement and its confirmations, the liability insurance, the mentors, the student's
weekly logs, the findings of the working-time rules and the evaluations.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "internship",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("student_id", sa.Uuid(), nullable=False),
        sa.Column("position_id", sa.Uuid(), nullable=False),
        sa.Column("school_id", sa.Uuid(), nullable=False),
        sa.Column("enterprise_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("agreement_version", sa.Integer(), nullable=False),
        sa.Column("confirmations", sa.JSON(), nullable=False),
        sa.Column("insurance", sa.JSON(), nullable=True),
        sa.Column("mentors", sa.JSON(), nullable=True),
        sa.Column("enterprise_evaluation", sa.JSON(), nullable=True),
        sa.Column("school_evaluation", sa.JSON(), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("end_reason", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("end_note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_internship_application_id_application"),
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["organization.id"],
            name=op.f("fk_internship_enterprise_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["position_id"], ["position.id"], name=op.f("fk_internship_position_id_position")
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["organization.id"], name=op.f("fk_internship_school_id_organization")
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["student.id"], name=op.f("fk_internship_student_id_student")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_internship")),
        sa.UniqueConstraint("application_id", name=op.f("uq_internship_application_id")),
    )
    with op.batch_alter_table("internship", schema=None) as batch_op:
        for column in ("student_id", "position_id", "school_id", "enterprise_id", "status"):
            batch_op.create_index(batch_op.f(f"ix_internship_{column}"), [column], unique=False)

    op.create_table(
        "internship_log",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("internship_id", sa.Uuid(), nullable=False),
        sa.Column("week_start_date", sa.Date(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("days_worked", sa.Integer(), nullable=False),
        sa.Column("total_hours", sa.Float(), nullable=False),
        sa.Column("max_daily_hours", sa.Float(), nullable=False),
        sa.Column("daily_hours", sa.JSON(), nullable=False),
        sa.Column("night_shift", sa.Boolean(), nullable=False),
        sa.Column("overtime", sa.Boolean(), nullable=False),
        sa.Column("comments", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["internship_id"],
            ["internship.id"],
            name=op.f("fk_internship_log_internship_id_internship"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_internship_log")),
        sa.UniqueConstraint(
            "internship_id",
            "week_start_date",
            name=op.f("uq_internship_log_internship_id_week_start_date"),
        ),
    )
    with op.batch_alter_table("internship_log", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_internship_log_internship_id"), ["internship_id"], unique=False
        )

    op.create_table(
        "internship_finding",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("internship_id", sa.Uuid(), nullable=False),
        sa.Column("log_id", sa.Uuid(), nullable=True),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("reference_date", sa.Date(), nullable=False),
        sa.Column("message", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("rule", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["internship_id"],
            ["internship.id"],
            name=op.f("fk_internship_finding_internship_id_internship"),
        ),
        sa.ForeignKeyConstraint(
            ["log_id"],
            ["internship_log.id"],
            name=op.f("fk_internship_finding_log_id_internship_log"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_internship_finding")),
        sa.UniqueConstraint(
            "internship_id",
            "code",
            "reference_date",
            name=op.f("uq_internship_finding_internship_id_code_reference_date"),
        ),
    )
    with op.batch_alter_table("internship_finding", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_internship_finding_internship_id"), ["internship_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_internship_finding_created_at"), ["created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("internship_finding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_internship_finding_created_at"))
        batch_op.drop_index(batch_op.f("ix_internship_finding_internship_id"))
    op.drop_table("internship_finding")
    with op.batch_alter_table("internship_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_internship_log_internship_id"))
    op.drop_table("internship_log")
    with op.batch_alter_table("internship", schema=None) as batch_op:
        for column in ("status", "enterprise_id", "school_id", "position_id", "student_id"):
            batch_op.drop_index(batch_op.f(f"ix_internship_{column}"))
    op.drop_table("internship")
