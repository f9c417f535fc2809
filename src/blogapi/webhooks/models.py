import enum
import uuid
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from blogapi.core.db import Base, IdMixin, TimestampMixin, utcnow


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"  # not tried yet
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # tried, to be tried again (or waiting for its endpoint to be enabled)
    DEAD = "dead"  # every attempt of the schedule failed


class WebhookEndpoint(IdMixin, TimestampMixin, Base):
    """A receiver: where events go, which ones, and the secret that signs them."""

    __tablename__ = "webhook_endpoints"

    url: Mapped[str] = mapped_column(String(2000))
    # Catalogue names, or ["*"] for every type.
    events: Mapped[list[str]] = mapped_column(JSON)
    description: Mapped[str] = mapped_column(String(500), default="")
    enabled: Mapped[bool] = mapped_column(default=True)
    disabled_reason: Mapped[str | None] = mapped_column(String(200))
    # Secrets sealed (webhooks/secrets.py): a copy of the table signs nothing.
    sealed_secret: Mapped[bytes] = mapped_column(LargeBinary)
    # After a rotation the old secret signs beside the new one until it expires.
    sealed_previous_secret: Mapped[bytes | None] = mapped_column(LargeBinary)
    previous_secret_expires_at: Mapped[datetime | None]
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # Since when every attempt has failed (None after any success): the disabling rule.
    failing_since: Mapped[datetime | None]


class WebhookFanout(Base):
    """An event already turned into deliveries: the worker never fans one out twice."""

    __tablename__ = "webhook_fanouts"

    event_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class WebhookDelivery(IdMixin, Base):
    """One event for one endpoint, tried until it succeeds or dies."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'succeeded', 'failed', 'dead')", name="status_known"
        ),
        Index("ix_webhook_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_endpoint_id_created_at", "endpoint_id", "created_at"),
        Index("ix_webhook_deliveries_event_id", "event_id"),
    )

    endpoint_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE")
    )
    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    # The event's type, kept here for the log's `?type=` filter.
    event_type: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(20), default=DeliveryStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A claimed delivery is leased until then; a worker that dies lets the lease run out.
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_attempt_at: Mapped[datetime | None]


class WebhookAttempt(IdMixin, Base):
    """One request of a delivery and what came of it."""

    __tablename__ = "webhook_attempts"
    __table_args__ = (Index("ix_webhook_attempts_delivery_id_at", "delivery_id", "at"),)

    delivery_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE")
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    http_status: Mapped[int | None]
    duration_ms: Mapped[int]
    # timeout | connect | dns | tls | blocked_target | http_status; None for a success.
    error_class: Mapped[str | None] = mapped_column(String(20))
    # The first 2 KiB of the response, as text.
    response_excerpt: Mapped[str] = mapped_column(Text, default="")
