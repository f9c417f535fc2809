"""add the public feed index

Revision ID: 7c3e9b2a1f40
Revises: b2dd713a23fb
Create Date: 2026-11-25 08:15:00+00:00

A partial index over published, not deleted posts in feed order: the public list reads one
page of it and stops, and its total is an index-only count (docs/performance.md).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7c3e9b2a1f40"
down_revision: str | None = "b2dd713a23fb"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PREDICATE = "status = 'published' AND deleted_at IS NULL"


def upgrade() -> None:
    op.create_index(
        "ix_posts_public_feed",
        "posts",
        ["published_at", "created_at", "id"],
        unique=False,
        postgresql_where=sa.text(PREDICATE),
        sqlite_where=sa.text(PREDICATE),
    )


def downgrade() -> None:
    op.drop_index("ix_posts_public_feed", table_name="posts")
