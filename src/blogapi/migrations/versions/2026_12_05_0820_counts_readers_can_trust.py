"""counts readers can trust

Revision ID: c3c4d5e6f7a8
Revises: c2b3c4d5e6f7
Create Date: 2026-12-05 08:20:00+00:00

Posts get `bookmarks_count`, filled from the bookmarks. `comments_count` now counts what an
anonymous reader sees with its content: live comments with no hidden comment at or above them
(hiding a comment hides its replies too); it counted live comments not hidden themselves.
Existing posts are recounted by the new rule, and by the old one on the way down.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "c3c4d5e6f7a8"
down_revision: str | None = "c2b3c4d5e6f7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# comments.path: 32 hex digits per level, 9 levels at most (as comments/models.py had here).
PATH_SEGMENT = 32
LEVELS = 9

# The prefixes of c.path that are whole segments: the paths of c and its ancestors, so the
# hidden ones are found by the (post_id, path) index, not by matching every comment of the post.
_LINEAGE = ", ".join(f"substr(c.path, 1, {PATH_SEGMENT * n})" for n in range(1, LEVELS + 1))
NEW_RULE = f"""
    c.deleted_at IS NULL AND NOT EXISTS (
        SELECT 1 FROM comments h
        WHERE h.post_id = c.post_id AND h.status = 'hidden' AND h.path IN ({_LINEAGE}))
"""
OLD_RULE = "c.deleted_at IS NULL AND c.status = 'visible'"


def _recount_comments(rule: str) -> None:
    # Posts without comments have 0 by either rule.
    op.execute(
        f"UPDATE posts SET comments_count = (SELECT count(*) FROM comments c "  # noqa: S608
        f"WHERE c.post_id = posts.id AND {rule}) "
        "WHERE id IN (SELECT post_id FROM comments)"
    )


def upgrade() -> None:
    # The same statement on both engines; on SQLite the constraint comes with the column (it
    # cannot be added later without rebuilding the table and its search triggers).
    op.execute(
        "ALTER TABLE posts ADD COLUMN bookmarks_count INTEGER NOT NULL DEFAULT 0 "
        "CONSTRAINT ck_posts_bookmarks_count_not_negative CHECK (bookmarks_count >= 0)"
    )
    op.execute(
        "UPDATE posts SET bookmarks_count = "
        "(SELECT count(*) FROM bookmarks b WHERE b.post_id = posts.id) "
        "WHERE id IN (SELECT post_id FROM bookmarks)"
    )
    _recount_comments(NEW_RULE)


def downgrade() -> None:
    _recount_comments(OLD_RULE)
    op.execute("ALTER TABLE posts DROP COLUMN bookmarks_count")
