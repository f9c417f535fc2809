"""counts readers can trust

Revision ID: c3c4d5e6f7a8
Revises: c2b3c4d5e6f7
Create Date: 2026-12-05 08:20:00+00:00

(Placeholder in the chain: filled by the fidelity work, or removed.)
"""

from collections.abc import Sequence

revision: str = "c3c4d5e6f7a8"
down_revision: str | None = "c2b3c4d5e6f7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
