"""protect outbox bodies

Revision ID: ac3f4b5e6d72
Revises: 9b2e3a4d5c61
Create Date: 2026-12-05 07:20:00+00:00

(Placeholder in the chain: filled by the outbox hardening, or removed.)
"""

from collections.abc import Sequence

revision: str = "ac3f4b5e6d72"
down_revision: str | None = "9b2e3a4d5c61"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
