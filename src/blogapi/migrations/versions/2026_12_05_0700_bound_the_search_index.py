"""bound what the search index reads

Revision ID: 8a1d2f3c4b50
Revises: 7c3e9b2a1f40
Create Date: 2026-12-05 07:00:00+00:00

(Placeholder in the chain: filled by the search hardening, or removed.)
"""

from collections.abc import Sequence

revision: str = "8a1d2f3c4b50"
down_revision: str | None = "7c3e9b2a1f40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
