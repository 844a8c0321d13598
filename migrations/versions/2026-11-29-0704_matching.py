"""matcher: class-level demand and recommendation state (issue 12)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 07:04:00

Reserved in the chain; filled by the change that needs it (an empty step until then).
"""

from collections.abc import Sequence

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
