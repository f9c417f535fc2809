"""The reads of webhooks: endpoints, the delivery log, a delivery's attempts."""

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from blogapi.webhooks.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)


async def get_endpoint(session: AsyncSession, endpoint_id: uuid.UUID) -> WebhookEndpoint | None:
    return await session.get(WebhookEndpoint, endpoint_id)


async def list_endpoints(session: AsyncSession) -> Sequence[WebhookEndpoint]:
    rows = await session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.created_at))
    return rows.all()


async def count_endpoints(session: AsyncSession) -> int:
    count = await session.scalar(select(func.count()).select_from(WebhookEndpoint))
    return count or 0


async def get_delivery(
    session: AsyncSession, endpoint_id: uuid.UUID, delivery_id: uuid.UUID
) -> WebhookDelivery | None:
    """The delivery, if it is this endpoint's (another endpoint's is not found)."""
    delivery = await session.get(WebhookDelivery, delivery_id)
    return delivery if delivery is not None and delivery.endpoint_id == endpoint_id else None


async def list_deliveries(
    session: AsyncSession,
    endpoint_id: uuid.UUID,
    *,
    status: DeliveryStatus | None,
    event_type: str | None,
    before: uuid.UUID | None,
    limit: int,
) -> tuple[Sequence[WebhookDelivery], uuid.UUID | None]:
    """Newest first, older than the delivery `before` (ids are time-ordered UUIDv7s); the
    page and the cursor of the next one."""
    statement = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
    if status is not None:
        statement = statement.where(WebhookDelivery.status == status.value)
    if event_type is not None:
        statement = statement.where(WebhookDelivery.event_type == event_type)
    if before is not None:
        statement = statement.where(WebhookDelivery.id < before)
    rows = (
        await session.scalars(statement.order_by(WebhookDelivery.id.desc()).limit(limit + 1))
    ).all()
    page = rows[:limit]
    return page, (page[-1].id if len(rows) > limit else None)


async def attempts_of(session: AsyncSession, delivery_id: uuid.UUID) -> Sequence[WebhookAttempt]:
    rows = await session.scalars(
        select(WebhookAttempt)
        .where(WebhookAttempt.delivery_id == delivery_id)
        .order_by(WebhookAttempt.at, WebhookAttempt.id)
    )
    return rows.all()


async def backlog(session: AsyncSession) -> int:
    """Deliveries still to be sent (pending, or failed and to be tried again)."""
    waiting = (DeliveryStatus.PENDING.value, DeliveryStatus.FAILED.value)
    count = await session.scalar(
        select(func.count()).select_from(WebhookDelivery).where(WebhookDelivery.status.in_(waiting))
    )
    return count or 0
