import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from blogapi.core.db import Base, IdMixin, utcnow

REVOKED = "revoked_at IS NOT NULL"


class RefreshToken(IdMixin, Base):
    """One refresh token. A login starts a family (a session); each rotation adds a child."""

    __tablename__ = "refresh_tokens"
    __table_args__ = (
        Index("ix_refresh_tokens_user_id_revoked_at", "user_id", "revoked_at"),
        Index("ix_refresh_tokens_family_id", "family_id"),
        # Foreign keys that a delete cascades through are indexed (test_foreign_key_indexes).
        Index("ix_refresh_tokens_parent_id", "parent_id"),
        # Every process asks twice a second which sessions were revoked lately
        # (auth/dependencies.py): a range over revoked tokens only.
        Index(
            "ix_refresh_tokens_revoked_at",
            "revoked_at",
            postgresql_where=text(REVOKED),
            sqlite_where=text(REVOKED),
        ),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    family_id: Mapped[uuid.UUID]
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("refresh_tokens.id", ondelete="SET NULL")
    )
    user_agent: Mapped[str | None] = mapped_column(String(512))
    ip: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    session_started_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    # Set when the token is exchanged for a new pair; presenting it again is reuse.
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class EmailToken(IdMixin, Base):
    """A single-use token sent by email: verify an address, confirm a new one, reset a password."""

    __tablename__ = "email_tokens"
    __table_args__ = (Index("ix_email_tokens_user_id_purpose", "user_id", "purpose"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # For an address change: the address being confirmed.
    new_email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
