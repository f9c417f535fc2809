"""harden sessions

Revision ID: 9b2e3a4d5c61
Revises: 8a1d2f3c4b50
Create Date: 2026-12-05 07:10:00+00:00

(Placeholder in the chain: filled by the session hardening, or removed.)
"""

from collections.abc import Sequence

revision: str = "9b2e3a4d5c61"
down_revision: str | None = "8a1d2f3c4b50"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
