import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
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


class PostTag(Base):
    __tablename__ = "post_tags"
    __table_args__ = (Index("ix_post_tags_tag_id_post_id", "tag_id", "post_id"),)

    post_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True
    )
