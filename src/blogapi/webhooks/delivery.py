"""The worker's writes: events fanned out to deliveries, deliveries claimed under a lease,
each attempt's outcome recorded (retry, dead, endpoint disabled), old log rows purged.

A claim takes due rows with FOR UPDATE SKIP LOCKED (PostgreSQL; SQLite serialises writers),
re-checks them in the UPDATE, and leases them (`locked_until`): two workers never hold one
delivery, and one whose worker died is due again when its lease runs out (at-least-once).
The endpoints concerned are locked while their in-flight count is read, so concurrent claims
never put more than WEBHOOK_MAX_IN_FLIGHT_PER_ENDPOINT requests in flight to one receiver.
"""

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from blogapi.core.config import Settings
from blogapi.core.db import new_id, utcnow
from blogapi.events.models import Event
from blogapi.webhooks import catalogue
from blogapi.webhooks.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookFanout,
)
from blogapi.webhooks.service import new_delivery

# After the first attempt (at once): the waits before each retry; then the delivery is dead.
RETRY_DELAYS = (5, 300, 1800, 7200, 18_000, 36_000, 50_400, 72_000, 86_400)
JITTER = 0.2
MAX_RETRY_AFTER_SECONDS = 86_400
EXCERPT_BYTES = 2048


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one request came to."""

    http_status: int | None
    duration_ms: int
    error_class: str | None  # None: a 2xx
    excerpt: str = ""
    retry_after: float | None = None  # seconds the receiver asked for (429, 503)

    @property
    def succeeded(self) -> bool:
        return self.error_class is None


def lease_seconds(settings: Settings) -> int:
    """Longer than a request can take, so a live worker never loses its delivery."""
    return int(settings.webhook_timeout_seconds * 2) + 60


async def fan_out(session: AsyncSession, *, limit: int = 200, window_days: int = 30) -> int:
    """Turn events not yet fanned out into deliveries for the enabled endpoints that want
    them (and existed when they happened); how many events were taken."""
    since = utcnow() - timedelta(days=window_days)
    done = exists().where(WebhookFanout.event_id == Event.id)
    events = (
        await session.scalars(
            select(Event)
            .where(~done, Event.created_at >= since)
            .order_by(Event.created_at, Event.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    ).all()
    if not events:
        return 0
    endpoints = (
        await session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.enabled.is_(True)))
    ).all()
    now = utcnow()
    for event in events:
        session.add(WebhookFanout(event_id=event.id, created_at=now))
        for endpoint in endpoints:
            wanted = catalogue.is_subscribed(endpoint.events, event.type)
            if wanted and endpoint.created_at <= event.created_at:
                session.add(new_delivery(endpoint.id, event.id, event.type))
    await session.flush()
    return len(events)


def _due(now: datetime) -> ColumnElement[bool]:
    waiting = (DeliveryStatus.PENDING.value, DeliveryStatus.FAILED.value)
    return (
        WebhookDelivery.status.in_(waiting)
        & (WebhookDelivery.next_attempt_at <= now)
        & or_(WebhookDelivery.locked_until.is_(None), WebhookDelivery.locked_until < now)
    )


async def claim(session: AsyncSession, settings: Settings, *, limit: int) -> list[uuid.UUID]:
    """Lease up to `limit` due deliveries of enabled endpoints, within each endpoint's cap."""
    now = utcnow()
    due = _due(now)
    candidates = (
        await session.execute(
            select(WebhookDelivery.id, WebhookDelivery.endpoint_id)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(due, WebhookEndpoint.enabled.is_(True))
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(limit * 4)
            .with_for_update(of=WebhookDelivery, skip_locked=True)
        )
    ).all()
    endpoint_ids = sorted({row.endpoint_id for row in candidates})
    if not endpoint_ids:
        return []
    # Serialises claims per endpoint (ordered: no deadlock), so the count below is current.
    await session.execute(
        select(WebhookEndpoint.id)
        .where(WebhookEndpoint.id.in_(endpoint_ids))
        .order_by(WebhookEndpoint.id)
        .with_for_update()
    )
    leased = await session.execute(
        select(WebhookDelivery.endpoint_id, func.count())
        .where(WebhookDelivery.endpoint_id.in_(endpoint_ids), WebhookDelivery.locked_until > now)
        .group_by(WebhookDelivery.endpoint_id)
    )
    # Not dict(result): a Result has keys() and would be taken for a mapping.
    in_flight: dict[uuid.UUID, int] = {row[0]: row[1] for row in leased.all()}
    chosen: list[uuid.UUID] = []
    for row in candidates:
        if len(chosen) == limit:
            break
        if in_flight.get(row.endpoint_id, 0) < settings.webhook_max_in_flight_per_endpoint:
            in_flight[row.endpoint_id] = in_flight.get(row.endpoint_id, 0) + 1
            chosen.append(row.id)
    if not chosen:
        return []
    claimed = await session.scalars(
        update(WebhookDelivery)
        .where(WebhookDelivery.id.in_(chosen), due)
        .values(
            locked_until=now + timedelta(seconds=lease_seconds(settings)),
            attempts=WebhookDelivery.attempts + 1,
        )
        .returning(WebhookDelivery.id)
        .execution_options(synchronize_session=False)
    )
    return list(claimed.all())


def retry_delay(attempts: int, outcome: Outcome) -> float | None:
    """Seconds until the next attempt after `attempts` failed ones; None: no more."""
    if attempts > len(RETRY_DELAYS):
        return None
    if outcome.retry_after is not None:
        return min(max(outcome.retry_after, 0.0), MAX_RETRY_AFTER_SECONDS)
    delay = RETRY_DELAYS[attempts - 1]
    return delay * random.uniform(1 - JITTER, 1 + JITTER)  # noqa: S311 (jitter, not security)


@dataclass(frozen=True, slots=True)
class Recorded:
    status: DeliveryStatus
    disabled_because: str | None = None  # the endpoint was disabled just now, and why


async def record(
    session: AsyncSession,
    settings: Settings,
    delivery: WebhookDelivery,
    endpoint: WebhookEndpoint,
    outcome: Outcome,
) -> Recorded:
    """Log the attempt and move the delivery (and its endpoint) on."""
    now = utcnow()
    session.add(
        WebhookAttempt(
            id=new_id(),
            delivery_id=delivery.id,
            at=now,
            http_status=outcome.http_status,
            duration_ms=outcome.duration_ms,
            error_class=outcome.error_class,
            response_excerpt=outcome.excerpt,
        )
    )
    delivery.last_attempt_at = now
    delivery.locked_until = None
    if outcome.succeeded:
        delivery.status = DeliveryStatus.SUCCEEDED.value
        endpoint.failing_since = None
        await session.flush()
        return Recorded(DeliveryStatus.SUCCEEDED)
    delay = retry_delay(delivery.attempts, outcome)
    if delay is None:
        delivery.status = DeliveryStatus.DEAD.value
    else:
        delivery.status = DeliveryStatus.FAILED.value
        delivery.next_attempt_at = now + timedelta(seconds=delay)
    endpoint.failing_since = endpoint.failing_since or now
    reason = _disabling_reason(settings, endpoint, outcome, now)
    if reason is not None and endpoint.enabled:
        endpoint.enabled = False
        endpoint.disabled_reason = reason
        endpoint.updated_at = now
    else:
        reason = None
    await session.flush()
    return Recorded(DeliveryStatus(delivery.status), reason)


def _disabling_reason(
    settings: Settings, endpoint: WebhookEndpoint, outcome: Outcome, now: datetime
) -> str | None:
    if outcome.http_status == 410:
        return "The receiver answered 410 Gone"
    failing_for = now - (endpoint.failing_since or now)
    if failing_for >= timedelta(days=settings.webhook_disable_after_days):
        days = f"{settings.webhook_disable_after_days:g}"
        return f"Every attempt failed for {days} days"
    return None


async def purge_log(session: AsyncSession, settings: Settings) -> int:
    """Finished deliveries (and their attempts) and fan-out marks older than the retention."""
    cutoff = utcnow() - timedelta(days=settings.webhook_log_retention_days)
    finished = (DeliveryStatus.SUCCEEDED.value, DeliveryStatus.DEAD.value)
    result = await session.execute(
        delete(WebhookDelivery).where(
            WebhookDelivery.status.in_(finished), WebhookDelivery.created_at < cutoff
        )
    )
    await session.execute(delete(WebhookFanout).where(WebhookFanout.created_at < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)


async def load(
    session: AsyncSession, delivery_id: uuid.UUID
) -> tuple[WebhookDelivery, WebhookEndpoint, Event] | None:
    row = (
        await session.execute(
            select(WebhookDelivery, WebhookEndpoint, Event)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .join(Event, Event.id == WebhookDelivery.event_id)
            .where(WebhookDelivery.id == delivery_id)
        )
    ).first()
    return None if row is None else (row[0], row[1], row[2])
