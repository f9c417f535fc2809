import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from blogapi.core.db import Base, IdMixin, utcnow


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DEAD = "dead"


class OutboxEmail(IdMixin, Base):
    """An email to send, written in the same transaction as the change that causes it."""

    __tablename__ = "outbox_emails"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sending', 'sent', 'dead')", name="status_known"),
        Index("ix_outbox_emails_status_next_attempt_at", "status", "next_attempt_at"),
    )

    kind: Mapped[str] = mapped_column(String(40))
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    # The text and HTML bodies, sealed (mail/sealing.py): never in clear at rest. None once
    # sent, or once dead with a link in it: a spent or stranded link is not kept at all.
    sealed_body: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(20), default=OutboxStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A claimed email is leased until then; a worker that dies lets the lease run out.
    locked_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
