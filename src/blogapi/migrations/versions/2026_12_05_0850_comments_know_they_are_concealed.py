"""comments know they are concealed

Revision ID: 47e4db809f6a
Revises: d7e1a2b3c4f5
Create Date: 2026-12-05 08:50:00+00:00

`comments.concealed`: the comment or one above it is hidden, so readers other than the post's
moderators see none of it. A thread filtered on it is a range of the (post_id, path) index,
where each comment was matched against its ancestors. Filled here for existing comments; the
comment writes keep it (comments/service.py). The post's deleted comments, the few that can
be placeholders, get a partial index of their own, so a thread's total need not read the rest.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "47e4db809f6a"
down_revision: str | None = "d7e1a2b3c4f5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# comments.path: 32 hex digits per level, 9 levels at most (as comments/models.py has here).
PATH_SEGMENT = 32
LEVELS = 9
DELETED = "deleted_at IS NOT NULL"

# The prefixes of c.path that are whole segments: the paths of c and its ancestors.
_LINEAGE = ", ".join(f"substr(c.path, 1, {PATH_SEGMENT * n})" for n in range(1, LEVELS + 1))
UNDER_HIDDEN = f"""
    EXISTS (
        SELECT 1 FROM comments h
        WHERE h.post_id = c.post_id AND h.status = 'hidden' AND h.path IN ({_LINEAGE}))
"""  # noqa: S608 (constants)


def upgrade() -> None:
    op.add_column(
        "comments",
        sa.Column("concealed", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    # Only the hidden subtrees change: the rest keep the default.
    concealed = f"SELECT c.id FROM comments c WHERE {UNDER_HIDDEN}"  # noqa: S608 (constants)
    op.execute(f"UPDATE comments SET concealed = true WHERE id IN ({concealed})")  # noqa: S608
    op.create_index(
        "ix_comments_post_id_path_deleted",
        "comments",
        ["post_id", "path"],
        postgresql_where=sa.text(DELETED),
        sqlite_where=sa.text(DELETED),
    )


def downgrade() -> None:
    op.drop_index("ix_comments_post_id_path_deleted", table_name="comments")
    op.execute("ALTER TABLE comments DROP COLUMN concealed")
