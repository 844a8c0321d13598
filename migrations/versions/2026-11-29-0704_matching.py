"""matcher: class-level demand and recommendation state (issue 12)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 07:04:00

Positions and demand forecasts may ask for a 专业类 as a whole (position_major_class,
demand_forecast.class_code); position.updated_at is indexed for the recommendation index's
incremental refresh.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "position_major_class",
        sa.Column("position_id", sa.Uuid(), nullable=False),
        sa.Column("class_code", sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False),
        sa.ForeignKeyConstraint(
            ["position_id"],
            ["position.id"],
            name=op.f("fk_position_major_class_position_id_position"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("position_id", "class_code", name=op.f("pk_position_major_class")),
    )
    with op.batch_alter_table("position_major_class", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_position_major_class_class_code"), ["class_code"], unique=False
        )

    with op.batch_alter_table("demand_forecast", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("class_code", sqlmodel.sql.sqltypes.AutoString(length=4), nullable=True)
        )
        batch_op.create_index(
            batch_op.f("ix_demand_forecast_class_code"), ["class_code"], unique=False
        )

    with op.batch_alter_table("position", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_position_updated_at"), ["updated_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("position", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_position_updated_at"))

    with op.batch_alter_table("demand_forecast", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_demand_forecast_class_code"))
        batch_op.drop_column("class_code")

    with op.batch_alter_table("position_major_class", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_position_major_class_class_code"))

    op.drop_table("position_major_class")
