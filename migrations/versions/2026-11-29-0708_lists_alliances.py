"""three lists, alliances, integration-enterprise registry (issue 16)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 07:08:00

Reserved in the chain; filled by the change that needs it (an empty step until then).
"""

from collections.abc import Sequence

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
