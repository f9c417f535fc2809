"""The rules of webhook endpoints (admins' writes): URLs checked, secrets sealed, tests sent,
deliveries replayed and recovered. Every write is in the caller's transaction."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from blogapi.core.config import Settings
from blogapi.core.db import new_id, utcnow
from blogapi.core.errors import ValidationFailed
from blogapi.events import service as events_service
from blogapi.users.models import User
from blogapi.webhooks import queries, secrets, targets
from blogapi.webhooks.errors import EndpointLimitReached
from blogapi.webhooks.models import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookFanout,
)
from blogapi.webhooks.schemas import WebhookCreate, WebhookUpdate

RECOVER_WINDOW = timedelta(days=14)
TEST_EVENT = "webhook.test"


async def _checked_url(settings: Settings, url: str) -> str:
    try:
        await targets.check_url(settings, url)
    except (targets.BlockedTarget, targets.UnresolvableHost) as error:
        raise ValidationFailed.on_field(
            "url", f"Not a receiver webhooks may use: {error}"
        ) from None
    return url


async def create_endpoint(
    session: AsyncSession, settings: Settings, creator: User, data: WebhookCreate
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its secret (the only time it is shown, with rotation's)."""
    url = await _checked_url(settings, data.url)
    if await queries.count_endpoints(session) >= settings.webhook_max_endpoints:
        raise EndpointLimitReached()
    endpoint_id = new_id()
    secret = secrets.new_secret()
    now = utcnow()
    endpoint = WebhookEndpoint(
        id=endpoint_id,
        url=url,
        events=data.events,
        description=data.description,
        enabled=data.enabled,
        sealed_secret=secrets.seal_secret(settings, endpoint_id, secret),
        created_by=creator.id,
        created_at=now,
        updated_at=now,
    )
    session.add(endpoint)
    await session.flush()
    return endpoint, secret


async def update_endpoint(
    session: AsyncSession, settings: Settings, endpoint: WebhookEndpoint, changes: WebhookUpdate
) -> WebhookEndpoint:
    given = changes.model_fields_set
    for field in ("url", "events", "description", "enabled"):
        if field in given and getattr(changes, field) is None:
            raise ValidationFailed.on_field(field, "May not be null")
    if changes.url is not None:
        endpoint.url = await _checked_url(settings, changes.url)
    if changes.events is not None:
        endpoint.events = changes.events
    if changes.description is not None:
        endpoint.description = changes.description
    if changes.enabled is not None and changes.enabled != endpoint.enabled:
        endpoint.enabled = changes.enabled
        # Enabled again: a clean slate (what failed meanwhile is for `recover`).
        endpoint.disabled_reason = None
        endpoint.failing_since = None
    endpoint.updated_at = utcnow()
    await session.flush()
    return endpoint


async def delete_endpoint(session: AsyncSession, endpoint: WebhookEndpoint) -> None:
    await session.delete(endpoint)
    await session.flush()


async def rotate_secret(
    session: AsyncSession, settings: Settings, endpoint: WebhookEndpoint
) -> str:
    """A new secret; the current one keeps signing beside it for the overlap."""
    secret = secrets.new_secret()
    overlap = timedelta(hours=settings.webhook_secret_overlap_hours)
    if overlap > timedelta(0):
        endpoint.sealed_previous_secret = endpoint.sealed_secret
        endpoint.previous_secret_expires_at = utcnow() + overlap
    else:
        endpoint.sealed_previous_secret = None
        endpoint.previous_secret_expires_at = None
    endpoint.sealed_secret = secrets.seal_secret(settings, endpoint.id, secret)
    endpoint.updated_at = utcnow()
    await session.flush()
    return secret


def signing_secrets(settings: Settings, endpoint: WebhookEndpoint) -> list[str]:
    """The secrets that sign now: the current one, and the previous one during its overlap."""
    current = [secrets.open_secret(settings, endpoint.id, endpoint.sealed_secret)]
    previous, expires = endpoint.sealed_previous_secret, endpoint.previous_secret_expires_at
    if previous is not None and expires is not None and expires > utcnow():
        current.append(secrets.open_secret(settings, endpoint.id, previous))
    return current


def new_delivery(endpoint_id: uuid.UUID, event_id: uuid.UUID, event_type: str) -> WebhookDelivery:
    now = utcnow()
    return WebhookDelivery(
        id=new_id(),
        endpoint_id=endpoint_id,
        event_id=event_id,
        event_type=event_type,
        status=DeliveryStatus.PENDING.value,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )


async def send_test(session: AsyncSession, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """A `webhook.test` event for this endpoint alone (fanned out already, to nobody else)."""
    data = {"endpoint_id": str(endpoint.id), "message": "A test message from Blog API"}
    event = await events_service.record(session, TEST_EVENT, data, subject_id=endpoint.id)
    session.add(WebhookFanout(event_id=event.id, created_at=utcnow()))
    delivery = new_delivery(endpoint.id, event.id, event.type)
    session.add(delivery)
    await session.flush()
    return delivery


async def replay(session: AsyncSession, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send the message again, same `webhook-id`, with a fresh schedule of attempts."""
    delivery.status = DeliveryStatus.PENDING.value
    delivery.attempts = 0
    delivery.next_attempt_at = utcnow()
    await session.flush()
    return delivery


async def recover(session: AsyncSession, endpoint: WebhookEndpoint, since: datetime) -> int:
    """Send every failed or dead message since `since` again, oldest first; how many."""
    since = since if since.tzinfo is not None else since.replace(tzinfo=UTC)
    now = utcnow()
    if since > now:
        raise ValidationFailed.on_field("since", "Must not be in the future")
    if since < now - RECOVER_WINDOW:
        raise ValidationFailed.on_field("since", "At most 14 days back")
    given_up = (DeliveryStatus.FAILED.value, DeliveryStatus.DEAD.value)
    ids = (
        await session.scalars(
            select(WebhookDelivery.id)
            .where(
                WebhookDelivery.endpoint_id == endpoint.id,
                WebhookDelivery.status.in_(given_up),
                WebhookDelivery.created_at >= since,
            )
            .order_by(WebhookDelivery.created_at, WebhookDelivery.id)
        )
    ).all()
    # Due one microsecond apart: workers claim by next_attempt_at, so the oldest goes first.
    for position, delivery_id in enumerate(ids):
        await session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == delivery_id)
            .values(
                status=DeliveryStatus.PENDING.value,
                attempts=0,
                next_attempt_at=now + timedelta(microseconds=position),
            )
        )
    return len(ids)
