"""publishing: events, announcements, previews, view counts

Revision ID: 5b1e0c7d9a20
Revises: 47e4db809f6a
Create Date: 2026-12-05 10:00:00+00:00

- `events`: what happened, written in the change's own transaction (`post.published` first).
- `posts.announced_at`: when the post's publication was announced; posts already public are
  marked announced now (they were, in effect, before there was an announcer), so an upgrade
  announces nothing old. A partial index holds the posts still to announce.
- `ix_posts_updated_at`: a feed's Last-Modified is the newest change of its posts.
- `posts.views_count`, `post_view_daily`: views flushed from the counters.
- `preview_links`: shareable draft previews (only the token's hash).
- `tags.posts_left_at`: when a post last left the tag, for its feed's Last-Modified.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b1e0c7d9a20"
down_revision: str | None = "47e4db809f6a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNANNOUNCED = "status = 'published' AND deleted_at IS NULL AND announced_at IS NULL"


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("type", sa.String(length=60), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    op.create_index("ix_events_created_at", "events", ["created_at"])
    op.create_index("ix_events_subject_id", "events", ["subject_id"])

    op.add_column("posts", sa.Column("announced_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "posts",
        sa.Column("views_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
    )
    op.execute(
        "UPDATE posts SET announced_at = published_at "
        "WHERE status = 'published' AND published_at <= CURRENT_TIMESTAMP"
    )
    op.create_index(
        "ix_posts_unannounced",
        "posts",
        ["published_at"],
        postgresql_where=sa.text(UNANNOUNCED),
        sqlite_where=sa.text(UNANNOUNCED),
    )

    op.create_index("ix_posts_updated_at", "posts", ["updated_at"])

    op.create_table(
        "post_view_daily",
        sa.Column("post_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("views", sa.Integer(), nullable=False),
        sa.Column("uniques", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["posts.id"],
            name=op.f("fk_post_view_daily_post_id_posts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("post_id", "day", name=op.f("pk_post_view_daily")),
    )
    op.create_index("ix_post_view_daily_day", "post_view_daily", ["day", "post_id"])

    op.create_table(
        "preview_links",
        sa.Column("post_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name=op.f("fk_preview_links_post_id_posts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_preview_links_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_preview_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_preview_links_token_hash")),
    )
    op.create_index("ix_preview_links_post_id", "preview_links", ["post_id"])
    op.create_index("ix_preview_links_created_by", "preview_links", ["created_by"])

    op.add_column("tags", sa.Column("posts_left_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE tags DROP COLUMN posts_left_at")
    op.drop_index("ix_preview_links_created_by", table_name="preview_links")
    op.drop_index("ix_preview_links_post_id", table_name="preview_links")
    op.drop_table("preview_links")
    op.drop_index("ix_post_view_daily_day", table_name="post_view_daily")
    op.drop_table("post_view_daily")
    op.drop_index("ix_posts_unannounced", table_name="posts")
    op.drop_index("ix_posts_updated_at", table_name="posts")
    op.execute("ALTER TABLE posts DROP COLUMN views_count")
    op.execute("ALTER TABLE posts DROP COLUMN announced_at")
    op.drop_index("ix_events_subject_id", table_name="events")
    op.drop_index("ix_events_created_at", table_name="events")
    op.drop_table("events")
