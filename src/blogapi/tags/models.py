import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from blogapi.core.db import Base, IdMixin, utcnow
from blogapi.tags.naming import MAX_KEY_LENGTH, MAX_NAME_LENGTH, MAX_SLUG_LENGTH


class Tag(IdMixin, Base):
    __tablename__ = "tags"
    # One tag per folded name, held by the database, so racing posts cannot make two.
    __table_args__ = (Index("ix_tags_name_key", "name_key", unique=True),)

    slug: Mapped[str] = mapped_column(String(MAX_SLUG_LENGTH), unique=True)
    # As first written ("C++"); `name_key` is it folded (tags/naming.py).
    name: Mapped[str] = mapped_column(String(MAX_NAME_LENGTH))
    name_key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the tag's feed last changed with none of its posts changing (a post taken off the
    # tag, the tag renamed): its feed's Last-Modified must move then.
    posts_left_at: Mapped[datetime | None]


# A link in a tag's public feed: its post is published and not deleted (due or not yet).
LISTED_PREDICATE = "post_published_at IS NOT NULL"


class PostTag(Base):
    __tablename__ = "post_tags"
    __table_args__ = (
        Index("ix_post_tags_tag_id_post_id", "tag_id", "post_id"),
        # A tag's page, newest first, and its total: one range of this index, as the front
        # page is one range of `ix_posts_public_feed`.
        Index(
            "ix_post_tags_public_feed",
            "tag_id",
            "post_published_at",
            "post_created_at",
            "post_id",
            postgresql_where=text(LISTED_PREDICATE),
            sqlite_where=text(LISTED_PREDICATE),
        ),
    )

    post_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True
    )
    # Copies of the post's place in the public feed, kept by the database (triggers of the
    # migration d7e1a2b3c4f5) whatever writes the post or the link: its `published_at` while
    # it is published and not deleted (else NULL), and its `created_at`.
    post_published_at: Mapped[datetime | None]
    post_created_at: Mapped[datetime | None]
