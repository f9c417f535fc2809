"""index foreign keys

Revision ID: c4d5e6f7a8b9
Revises: c3c4d5e6f7a8
Create Date: 2026-12-05 08:30:00+00:00

Every foreign key that a query or a cascade filters on gets an index (comments.author_id:
an account's deletion scanned every comment); tests/core/test_foreign_key_indexes.py keeps it so.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "c4d5e6f7a8b9"
down_revision: str | None = "c3c4d5e6f7a8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


INDEXES = (
    ("ix_refresh_tokens_parent_id", "refresh_tokens", "parent_id"),
    ("ix_comments_author_id", "comments", "author_id"),
    ("ix_comments_parent_id", "comments", "parent_id"),
    ("ix_post_revisions_editor_id", "post_revisions", "editor_id"),
)


def upgrade() -> None:
    for name, table, column in INDEXES:
        op.create_index(name, table, [column])


def downgrade() -> None:
    for name, table, _column in reversed(INDEXES):
        op.drop_index(name, table_name=table)
