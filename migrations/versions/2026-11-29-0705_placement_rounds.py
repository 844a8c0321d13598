"""placement rounds (issue 13)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 07:05:00

Reserved in the chain; filled by the change that needs it (an empty step until then).
"""

from collections.abc import Sequence

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
