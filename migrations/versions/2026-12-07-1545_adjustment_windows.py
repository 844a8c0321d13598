"""adjustment windows and major proposals: the yearly 专业动态调整 cycle (issue 29)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 15:45:00

A region's regulator opens a window per year; schools draft proposals (新增、停招、撤销、调整计划、
改造升级) with the platform's evidence, frozen when submitted; the regulator decides.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "adjustment_window",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("region_code", sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user.id"], name=op.f("fk_adjustment_window_created_by_user")
        ),
        sa.ForeignKeyConstraint(
            ["region_code"], ["region.code"], name=op.f("fk_adjustment_window_region_code_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adjustment_window")),
        sa.UniqueConstraint(
            "region_code", "year", name=op.f("uq_adjustment_window_region_code_year")
        ),
    )
    with op.batch_alter_table("adjustment_window", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_adjustment_window_region_code"), ["region_code"], unique=False
        )

    op.create_table(
        "major_proposal",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("window_id", sa.Uuid(), nullable=False),
        sa.Column("school_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("major_code", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("target_major_code", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
        sa.Column("planned_enrolment", sa.Integer(), nullable=True),
        sa.Column("teachers", sa.Integer(), nullable=True),
        sa.Column("dual_qualified_teachers", sa.Integer(), nullable=True),
        sa.Column("facilities", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("partners", sa.JSON(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("justification", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("against_warning", sa.Boolean(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("evidence_frozen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "decision_comment", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False
        ),
        sa.Column("decided_by", sa.Uuid(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("applied", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user.id"], name=op.f("fk_major_proposal_created_by_user")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["user.id"], name=op.f("fk_major_proposal_decided_by_user")
        ),
        sa.ForeignKeyConstraint(
            ["major_code"], ["major.code"], name=op.f("fk_major_proposal_major_code_major")
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["organization.id"],
            name=op.f("fk_major_proposal_school_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["target_major_code"],
            ["major.code"],
            name=op.f("fk_major_proposal_target_major_code_major"),
        ),
        sa.ForeignKeyConstraint(
            ["window_id"],
            ["adjustment_window.id"],
            name=op.f("fk_major_proposal_window_id_adjustment_window"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_major_proposal")),
    )
    with op.batch_alter_table("major_proposal", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_major_proposal_major_code"), ["major_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_major_proposal_school_id"), ["school_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_major_proposal_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_major_proposal_window_id"), ["window_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("major_proposal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_major_proposal_window_id"))
        batch_op.drop_index(batch_op.f("ix_major_proposal_status"))
        batch_op.drop_index(batch_op.f("ix_major_proposal_school_id"))
        batch_op.drop_index(batch_op.f("ix_major_proposal_major_code"))

    op.drop_table("major_proposal")
    with op.batch_alter_table("adjustment_window", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_adjustment_window_region_code"))

    op.drop_table("adjustment_window")
