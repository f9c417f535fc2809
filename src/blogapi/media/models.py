import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from blogapi.core.db import Base, IdMixin, utcnow


class MediaPurpose(enum.StrEnum):
    UPLOAD = "upload"
    AVATAR = "avatar"


class Media(IdMixin, Base):
    """One uploaded image: its re-encoded file and variants live in storage under `storage_key`'s
    folder; the row says what they are. Rows are soft-deleted, then purged (files and row) by
    the worker."""

    __tablename__ = "media"
    __table_args__ = (
        CheckConstraint("purpose IN ('upload', 'avatar')", name="purpose_known"),
        CheckConstraint("size >= 0 AND stored_bytes >= 0", name="sizes_not_negative"),
        Index("ix_media_uploader_id_created_at", "uploader_id", "created_at"),
        Index("ix_media_deleted_at", "deleted_at"),
        # Identical bytes from one uploader are kept once (among media not deleted).
        Index(
            "uq_media_uploader_id_purpose_sha256",
            "uploader_id",
            "purpose",
            "sha256",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )

    uploader_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(20), default=MediaPurpose.UPLOAD.value)
    # The main (re-encoded) file; its variants sit beside it. Generated, never from the client.
    # No URL is stored: responses build it from the key on the serving app's address
    # (core/media_urls.py), so a blog that moves keeps its images.
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    content_type: Mapped[str] = mapped_column(String(50))
    # Bytes of the main file, and of every file this media keeps (what the quota counts).
    size: Mapped[int] = mapped_column(BigInteger)
    stored_bytes: Mapped[int] = mapped_column(BigInteger)
    # Of the bytes as uploaded: what makes a re-upload of the same file a duplicate.
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int]
    height: Mapped[int]
    # {"variants": [{"name", "width", "height", "size", "key"}], "animated": bool, ...}
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    alt: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None]
