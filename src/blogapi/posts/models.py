import enum
import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from blogapi.core.db import Base, IdMixin, TimestampMixin, utcnow


class PostStatus(enum.StrEnum):
    DRAFT = "draft"
    PENDING_REVIEW = "pending_review"
    PUBLISHED = "published"
    ARCHIVED = "archived"


PUBLIC_FEED_PREDICATE = "status = 'published' AND deleted_at IS NULL"
# Published, not deleted, not yet announced: the announcer's queue (posts/announcer.py).
UNANNOUNCED_PREDICATE = f"{PUBLIC_FEED_PREDICATE} AND announced_at IS NULL"


class Post(IdMixin, TimestampMixin, Base):
    __tablename__ = "posts"
    __table_args__ = (
        CheckConstraint(
            "status IN ('draft', 'pending_review', 'published', 'archived')", name="status_known"
        ),
        CheckConstraint("likes_count >= 0 AND comments_count >= 0", name="counts_not_negative"),
        # A constraint of its own: SQLite adds it with the column, where changing the one
        # above would rebuild the table.
        CheckConstraint("bookmarks_count >= 0", name="bookmarks_count_not_negative"),
        Index("ix_posts_status_published_at", "status", "published_at"),
        Index("ix_posts_author_id_published_at", "author_id", "published_at"),
        # The public feed, newest first, and its total: an index scan that stops after one
        # page, and an index-only count, instead of scanning every post's (wide) row.
        Index(
            "ix_posts_public_feed",
            "published_at",
            "created_at",
            "id",
            postgresql_where=text(PUBLIC_FEED_PREDICATE),
            sqlite_where=text(PUBLIC_FEED_PREDICATE),
        ),
        # An author's page, newest first, and its total, the same way.
        Index(
            "ix_posts_author_public_feed",
            "author_id",
            "published_at",
            "created_at",
            "id",
            postgresql_where=text(PUBLIC_FEED_PREDICATE),
            sqlite_where=text(PUBLIC_FEED_PREDICATE),
        ),
        # The newest change of any post: a feed's Last-Modified (feeds/queries.py).
        Index("ix_posts_updated_at", "updated_at"),
        # The posts the announcer has still to announce, by when they are due: a few rows.
        Index(
            "ix_posts_unannounced",
            "published_at",
            postgresql_where=text(UNANNOUNCED_PREDICATE),
            sqlite_where=text(UNANNOUNCED_PREDICATE),
        ),
    )

    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # Unique over deleted posts too: a deleted post's slug stays reserved.
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(255))
    summary: Mapped[str] = mapped_column(String(500))
    # True when the summary was written by a person; else it follows the content.
    summary_is_custom: Mapped[bool] = mapped_column(default=False)
    content: Mapped[str] = mapped_column(Text)
    content_html: Mapped[str] = mapped_column(Text)
    # The plain text of content_html: what full-text search indexes and highlights.
    content_text: Mapped[str] = mapped_column(Text)
    reading_time_minutes: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(20), default=PostStatus.DRAFT.value)
    published_at: Mapped[datetime | None]
    # Optimistic concurrency: bumped on every content or status change, behind the ETag.
    version: Mapped[int] = mapped_column(default=1)
    likes_count: Mapped[int] = mapped_column(default=0)
    # What an anonymous reader sees with its content (comments/access.counted).
    comments_count: Mapped[int] = mapped_column(default=0)
    bookmarks_count: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    deleted_at: Mapped[datetime | None]
    # When `post.published` was recorded for this publication; NULL while it is due or not
    # published (leaving `published` clears it). The announcer claims posts by it.
    announced_at: Mapped[datetime | None]
    # Views flushed from the counters (viewcounts/); never moves `updated_at` or `version`.
    views_count: Mapped[int] = mapped_column(default=0, server_default=text("0"))


class PostRevision(IdMixin, Base):
    """The state of a post before one change of its title, summary or content."""

    __tablename__ = "post_revisions"
    __table_args__ = (
        UniqueConstraint("post_id", "number"),
        # An editor's account going sets this to NULL: the delete filters on it.
        Index("ix_post_revisions_editor_id", "editor_id"),
    )

    post_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(255))
    summary: Mapped[str] = mapped_column(String(500))
    content: Mapped[str] = mapped_column(Text)
    # Who made the change that replaced this version.
    editor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PostCover(Base):
    """A post's cover image (a table of its own: adding a column to posts on SQLite would mean
    rebuilding the table, which drops its full-text search triggers)."""

    __tablename__ = "post_covers"

    post_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    media_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("media.id", ondelete="CASCADE"), index=True
    )
