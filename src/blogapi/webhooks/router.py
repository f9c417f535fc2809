"""Webhook endpoints and their delivery log (admins)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from blogapi.auth.dependencies import AdminUser, ReadWriteLimit
from blogapi.core.config import SettingsDep
from blogapi.core.db import SessionDep
from blogapi.core.http_cache import CarriesSecrets
from blogapi.core.routing import API_PREFIX, JSONRoute
from blogapi.webhooks import catalogue, queries, rendering, service
from blogapi.webhooks.dependencies import AdminEndpoint, EndpointDelivery
from blogapi.webhooks.models import DeliveryStatus
from blogapi.webhooks.schemas import (
    DeliveryAccepted,
    DeliveryDetail,
    DeliveryPage,
    EventTypeList,
    EventTypeOut,
    RecoverAccepted,
    RecoverIn,
    SecretOut,
    WebhookCreate,
    WebhookCreated,
    WebhookList,
    WebhookOut,
    WebhookUpdate,
)

router = APIRouter(
    prefix=f"{API_PREFIX}/webhooks",
    tags=["webhooks"],
    route_class=JSONRoute,
    dependencies=[ReadWriteLimit],
)


@router.get("/event-types")
async def event_types(_admin: AdminUser) -> EventTypeList:
    """The catalogue: every event type, with the JSON Schema of its `data`."""
    schemas = catalogue.data_schemas()
    return EventTypeList(
        data=[
            EventTypeOut(type=name, description=schema["description"], data_schema=schema)
            for name, schema in schemas.items()
        ]
    )


@router.post("", status_code=status.HTTP_201_CREATED, dependencies=[CarriesSecrets])
async def create_webhook(
    data: WebhookCreate, admin: AdminUser, session: SessionDep, settings: SettingsDep
) -> WebhookCreated:
    """Add an endpoint; its `secret` is shown in this answer only."""
    endpoint, secret = await service.create_endpoint(session, settings, admin, data)
    return rendering.created_out(endpoint, secret)


@router.get("")
async def list_webhooks(_admin: AdminUser, session: SessionDep) -> WebhookList:
    endpoints = await queries.list_endpoints(session)
    return WebhookList(data=[WebhookOut.model_validate(e) for e in endpoints])


@router.get("/{endpoint_id}")
async def read_webhook(endpoint: AdminEndpoint) -> WebhookOut:
    return WebhookOut.model_validate(endpoint)


@router.patch("/{endpoint_id}")
async def update_webhook(
    changes: WebhookUpdate, endpoint: AdminEndpoint, session: SessionDep, settings: SettingsDep
) -> WebhookOut:
    """Change the URL, the events, the description; enable or disable."""
    endpoint = await service.update_endpoint(session, settings, endpoint, changes)
    return WebhookOut.model_validate(endpoint)


@router.delete("/{endpoint_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_webhook(endpoint: AdminEndpoint, session: SessionDep) -> None:
    """Remove the endpoint with its delivery log."""
    await service.delete_endpoint(session, endpoint)


@router.post("/{endpoint_id}/rotate-secret", dependencies=[CarriesSecrets])
async def rotate_secret(
    endpoint: AdminEndpoint, session: SessionDep, settings: SettingsDep
) -> SecretOut:
    """A new secret; the old one keeps signing beside it for WEBHOOK_SECRET_OVERLAP_HOURS."""
    secret = await service.rotate_secret(session, settings, endpoint)
    return SecretOut(secret=secret, previous_secret_expires_at=endpoint.previous_secret_expires_at)


@router.post("/{endpoint_id}/test", status_code=status.HTTP_202_ACCEPTED)
async def test_webhook(endpoint: AdminEndpoint, session: SessionDep) -> DeliveryAccepted:
    """Queue a `webhook.test` message for this endpoint."""
    delivery = await service.send_test(session, endpoint)
    return DeliveryAccepted(delivery_id=delivery.id)


@router.get("/{endpoint_id}/deliveries")
async def list_deliveries(
    endpoint: AdminEndpoint,
    session: SessionDep,
    delivery_status: Annotated[DeliveryStatus | None, Query(alias="status")] = None,
    event_type: Annotated[str | None, Query(alias="type", max_length=60)] = None,
    cursor: Annotated[uuid.UUID | None, Query(description="`next_cursor` of a page")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> DeliveryPage:
    """The delivery log, newest first."""
    deliveries, next_cursor = await queries.list_deliveries(
        session,
        endpoint.id,
        status=delivery_status,
        event_type=event_type,
        before=cursor,
        limit=limit,
    )
    return DeliveryPage(
        data=[rendering.delivery_out(d) for d in deliveries],
        next_cursor=None if next_cursor is None else str(next_cursor),
    )


@router.get("/{endpoint_id}/deliveries/{delivery_id}")
async def read_delivery(delivery: EndpointDelivery, session: SessionDep) -> DeliveryDetail:
    """A delivery with every attempt: time, HTTP status, duration, error class, response."""
    attempts = await queries.attempts_of(session, delivery.id)
    return rendering.delivery_detail(delivery, attempts)


@router.post("/{endpoint_id}/deliveries/{delivery_id}/replay", status_code=status.HTTP_202_ACCEPTED)
async def replay_delivery(delivery: EndpointDelivery, session: SessionDep) -> DeliveryAccepted:
    """Send the message again (same `webhook-id`)."""
    delivery = await service.replay(session, delivery)
    return DeliveryAccepted(delivery_id=delivery.id)


@router.post("/{endpoint_id}/recover", status_code=status.HTTP_202_ACCEPTED)
async def recover(data: RecoverIn, endpoint: AdminEndpoint, session: SessionDep) -> RecoverAccepted:
    """Send every failed or dead message since `since` (at most 14 days back) again."""
    return RecoverAccepted(deliveries=await service.recover(session, endpoint, data.since))
