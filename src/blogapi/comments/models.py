import enum
import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Identity, Index, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column

from blogapi.core.db import Base, IdMixin, TimestampMixin

MAX_DEPTH = 8
PATH_SEGMENT = 32
# The deleted comments: the few that may be placeholders in a thread.
DELETED = "deleted_at IS NOT NULL"


class CommentStatus(enum.StrEnum):
    VISIBLE = "visible"
    HIDDEN = "hidden"


class Comment(IdMixin, TimestampMixin, Base):
    __tablename__ = "comments"
    __table_args__ = (
        CheckConstraint("status IN ('visible', 'hidden')", name="status_known"),
        CheckConstraint(f"depth >= 0 AND depth <= {MAX_DEPTH}", name="depth_bounded"),
        Index("ix_comments_post_id_path", "post_id", "path"),
        Index(
            "ix_comments_post_id_path_deleted",
            "post_id",
            "path",
            postgresql_where=text(DELETED),
            sqlite_where=text(DELETED),
        ),
        # An account's deletion and a comment's cascade filter on these.
        Index("ix_comments_author_id", "author_id"),
        Index("ix_comments_parent_id", "parent_id"),
        Index("ix_comments_number", "number", unique=True),
    )

    post_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE")
    )
    depth: Mapped[int] = mapped_column(default=0)
    # The 32-hex-digit ids (time-ordered UUIDv7) of the ancestors and the comment, end to end.
    # ORDER BY path is thread order: each reply right after its parent, siblings oldest first.
    # Fixed-width segments of [0-9a-f] sort the same under every collation.
    path: Mapped[str] = mapped_column(String(PATH_SEGMENT * (MAX_DEPTH + 1)))
    content: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=CommentStatus.VISIBLE.value)
    deleted_at: Mapped[datetime | None]
    # It or a comment above it is hidden: readers other than moderators see none of its
    # subtree. Kept by every write that can change it (comments/service.py), under the post's
    # row lock; `access.under_hidden` is the rule it caches.
    concealed: Mapped[bool] = mapped_column(default=False, server_default=false())
    # A unique integer by creation (RealWorld's comment ids are integers): an identity on
    # PostgreSQL; on SQLite a trigger numbers each new row max+1 after its insert (the
    # migration), so an object just flushed there still holds the placeholder 0: read
    # numbers back with `queries.numbers`.
    number: Mapped[int] = mapped_column(Identity())
