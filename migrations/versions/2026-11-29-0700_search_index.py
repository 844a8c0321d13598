"""full-text search index on positions (issue 10)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 07:00:00

Reserved in the chain; filled by the change that needs it (an empty step until then).
"""

from collections.abc import Sequence

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
