"""media urls built when read

Revision ID: c2b3c4d5e6f7
Revises: c1a2b3c4d5e6
Create Date: 2026-12-05 08:10:00+00:00

(Placeholder in the chain: filled by the fidelity work, or removed.)
"""

from collections.abc import Sequence

revision: str = "c2b3c4d5e6f7"
down_revision: str | None = "c1a2b3c4d5e6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
