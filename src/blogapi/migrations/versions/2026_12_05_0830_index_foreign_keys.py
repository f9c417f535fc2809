"""index foreign keys

Revision ID: c4d5e6f7a8b9
Revises: c3c4d5e6f7a8
Create Date: 2026-12-05 08:30:00+00:00

(Placeholder in the chain: filled by the fidelity work, or removed.)
"""

from collections.abc import Sequence

revision: str = "c4d5e6f7a8b9"
down_revision: str | None = "c3c4d5e6f7a8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
