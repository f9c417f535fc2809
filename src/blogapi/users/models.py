import enum
import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from blogapi.core.config import Role
from blogapi.core.db import Base, IdMixin, TimestampMixin, utcnow


class UserStatus(enum.StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"


ROLE_RANK = {Role.CONTRIBUTOR: 0, Role.AUTHOR: 1, Role.EDITOR: 2, Role.ADMIN: 3}


class User(IdMixin, TimestampMixin, Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('contributor', 'author', 'editor', 'admin')", name="role_known"),
        CheckConstraint("status IN ('active', 'disabled')", name="status_known"),
        Index("ix_users_created_at", "created_at"),
    )

    email: Mapped[str] = mapped_column(String(254), unique=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str | None] = mapped_column(String(100))
    bio: Mapped[str | None] = mapped_column(Text)
    avatar_url: Mapped[str | None] = mapped_column(String(2048))
    role: Mapped[str] = mapped_column(String(20), default=Role.AUTHOR.value)
    status: Mapped[str] = mapped_column(String(20), default=UserStatus.ACTIVE.value)
    email_verified_at: Mapped[datetime | None]
    # Bumped by logout-all and password change: access tokens carrying an older value stop working.
    auth_version: Mapped[int] = mapped_column(default=0)
    deleted_at: Mapped[datetime | None]

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_active(self) -> bool:
        return self.status == UserStatus.ACTIVE.value and self.deleted_at is None

    def has_role(self, role: Role) -> bool:
        """True when the user's role is `role` or above it."""
        return ROLE_RANK[Role(self.role)] >= ROLE_RANK[role]


class Follow(Base):
    """A reader following an author: their posts make the reader's feed."""

    __tablename__ = "follows"
    # The pair is the key (follower first: "whom do I follow"); the followee's own index
    # answers "who follows me" and the cascade of an account's deletion.
    __table_args__ = (
        CheckConstraint("follower_id <> followee_id", name="not_self"),
        Index("ix_follows_followee_id", "followee_id"),
    )

    follower_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    followee_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
