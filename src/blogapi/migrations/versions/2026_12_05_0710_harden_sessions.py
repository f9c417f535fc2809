"""harden sessions

Revision ID: 9b2e3a4d5c61
Revises: 8a1d2f3c4b50
Create Date: 2026-12-05 07:10:00+00:00

An index over revoked refresh tokens by revocation time: every process asks twice a second
which sessions were revoked since it last looked, so their access tokens stop working.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9b2e3a4d5c61"
down_revision: str | None = "8a1d2f3c4b50"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PREDICATE = "revoked_at IS NOT NULL"


def upgrade() -> None:
    op.create_index(
        "ix_refresh_tokens_revoked_at",
        "refresh_tokens",
        ["revoked_at"],
        unique=False,
        postgresql_where=sa.text(PREDICATE),
        sqlite_where=sa.text(PREDICATE),
    )


def downgrade() -> None:
    op.drop_index("ix_refresh_tokens_revoked_at", table_name="refresh_tokens")
