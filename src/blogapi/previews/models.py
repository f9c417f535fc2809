import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from blogapi.core.db import Base, IdMixin, utcnow


class PreviewLink(IdMixin, Base):
    """A link that shows one post to whoever holds its token, until it expires or is revoked.
    Only the token's SHA-256 is kept: the token itself is shown once."""

    __tablename__ = "preview_links"
    __table_args__ = (Index("ix_preview_links_post_id", "post_id"),)

    post_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
