"""tags keep their names

Revision ID: c1a2b3c4d5e6
Revises: bd4a5c6f7e83
Create Date: 2026-12-05 08:00:00+00:00

(Placeholder in the chain: filled by the fidelity work, or removed.)
"""

from collections.abc import Sequence

revision: str = "c1a2b3c4d5e6"
down_revision: str | None = "bd4a5c6f7e83"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
