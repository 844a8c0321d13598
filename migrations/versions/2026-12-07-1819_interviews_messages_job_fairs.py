"""interviews, application messages, job fairs (issue 26)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 18:19:00

An interview proposed on an application (confirmed or declined by the student, rescheduled in
place with an iCalendar sequence), the messages between an enterprise and an applicant, and the
双选会: a fair, its enterprises' booths and its students' registrations; an application records
the fair it came through. The application state ``interview`` needs no schema change (status is
a string).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job_fair",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=128), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("venue", sa.String(length=200), nullable=True),
        sa.Column("online_link", sa.String(length=500), nullable=True),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("organizer_id", sa.Uuid(), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user.id"], name=op.f("fk_job_fair_created_by_user")
        ),
        sa.ForeignKeyConstraint(
            ["organizer_id"],
            ["organization.id"],
            name=op.f("fk_job_fair_organizer_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["region_code"], ["region.code"], name=op.f("fk_job_fair_region_code_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_fair")),
    )
    with op.batch_alter_table("job_fair", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_job_fair_organizer_id"), ["organizer_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_job_fair_region_code"), ["region_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_job_fair_starts_at"), ["starts_at"], unique=False)

    op.create_table(
        "job_fair_booth",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("job_fair_id", sa.Uuid(), nullable=False),
        sa.Column("enterprise_id", sa.Uuid(), nullable=False),
        sa.Column("position_ids", sa.JSON(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decision_reason", sa.String(length=500), nullable=True),
        sa.Column("decided_by", sa.Uuid(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["user.id"], name=op.f("fk_job_fair_booth_decided_by_user")
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["organization.id"],
            name=op.f("fk_job_fair_booth_enterprise_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["job_fair_id"],
            ["job_fair.id"],
            name=op.f("fk_job_fair_booth_job_fair_id_job_fair"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_fair_booth")),
        sa.UniqueConstraint(
            "job_fair_id", "enterprise_id", name=op.f("uq_job_fair_booth_job_fair_id_enterprise_id")
        ),
    )
    with op.batch_alter_table("job_fair_booth", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_job_fair_booth_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_job_fair_booth_job_fair_id"), ["job_fair_id"], unique=False
        )

    op.create_table(
        "job_fair_registration",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("job_fair_id", sa.Uuid(), nullable=False),
        sa.Column("student_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_in_by", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["checked_in_by"], ["user.id"], name=op.f("fk_job_fair_registration_checked_in_by_user")
        ),
        sa.ForeignKeyConstraint(
            ["job_fair_id"],
            ["job_fair.id"],
            name=op.f("fk_job_fair_registration_job_fair_id_job_fair"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["student.id"], name=op.f("fk_job_fair_registration_student_id_student")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_fair_registration")),
        sa.UniqueConstraint(
            "job_fair_id",
            "student_id",
            name=op.f("uq_job_fair_registration_job_fair_id_student_id"),
        ),
    )
    with op.batch_alter_table("job_fair_registration", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_job_fair_registration_job_fair_id"), ["job_fair_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_job_fair_registration_student_id"), ["student_id"], unique=False
        )

    op.create_table(
        "application_message",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("sender_id", sa.Uuid(), nullable=False),
        sa.Column("sender_role", sa.String(length=16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_application_message_application_id_application"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sender_id"], ["user.id"], name=op.f("fk_application_message_sender_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_message")),
    )
    with op.batch_alter_table("application_message", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_application_message_sender_id"), ["sender_id"], unique=False
        )
        batch_op.create_index(
            "ix_application_message_thread", ["application_id", "created_at"], unique=False
        )

    op.create_table(
        "interview",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("online_link", sa.String(length=500), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("proposed_by", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_interview_application_id_application"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by"], ["user.id"], name=op.f("fk_interview_proposed_by_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview")),
    )
    with op.batch_alter_table("interview", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_interview_application_id"), ["application_id"], unique=False
        )

    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.add_column(sa.Column("job_fair_id", sa.Uuid(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_application_job_fair_id"), ["job_fair_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_application_job_fair_id_job_fair"), "job_fair", ["job_fair_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_application_job_fair_id_job_fair"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_application_job_fair_id"))
        batch_op.drop_column("job_fair_id")

    with op.batch_alter_table("interview", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interview_application_id"))

    op.drop_table("interview")
    with op.batch_alter_table("application_message", schema=None) as batch_op:
        batch_op.drop_index("ix_application_message_thread")
        batch_op.drop_index(batch_op.f("ix_application_message_sender_id"))

    op.drop_table("application_message")
    with op.batch_alter_table("job_fair_registration", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_fair_registration_student_id"))
        batch_op.drop_index(batch_op.f("ix_job_fair_registration_job_fair_id"))

    op.drop_table("job_fair_registration")
    with op.batch_alter_table("job_fair_booth", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_fair_booth_job_fair_id"))
        batch_op.drop_index(batch_op.f("ix_job_fair_booth_enterprise_id"))

    op.drop_table("job_fair_booth")
    with op.batch_alter_table("job_fair", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_fair_starts_at"))
        batch_op.drop_index(batch_op.f("ix_job_fair_region_code"))
        batch_op.drop_index(batch_op.f("ix_job_fair_organizer_id"))

    op.drop_table("job_fair")
