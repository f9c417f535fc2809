import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from blogapi.core.db import Base, IdMixin, utcnow


class Event(IdMixin, Base):
    """One thing that happened (`post.published`...), written in the same transaction as the
    change: rolled back with it, never sent for a change that did not happen."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_created_at", "created_at"),
        Index("ix_events_subject_id", "subject_id"),
    )

    type: Mapped[str] = mapped_column(String(60))
    # The thing it is about (a post's id), for finding a subject's events.
    subject_id: Mapped[uuid.UUID | None]
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
