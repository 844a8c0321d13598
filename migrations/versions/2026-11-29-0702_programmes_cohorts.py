"""programmes, partners and cohorts through the API (issue 11)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 07:02:00

Reserved in the chain; filled by the change that needs it (an empty step until then).
"""

from collections.abc import Sequence

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
