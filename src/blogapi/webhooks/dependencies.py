import uuid
from typing import Annotated

from fastapi import Depends, Path

from blogapi.auth.dependencies import AdminUser
from blogapi.core.db import SessionDep
from blogapi.core.errors import NotFound
from blogapi.webhooks import queries
from blogapi.webhooks.models import WebhookDelivery, WebhookEndpoint

# Ids are taken as text: a malformed one is an unknown one (404), not a bad request.
EndpointId = Annotated[str, Path(max_length=100, description="A webhook endpoint's id")]
DeliveryId = Annotated[str, Path(max_length=100, description="A delivery's id")]


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


async def _endpoint(
    endpoint_id: EndpointId, _admin: AdminUser, session: SessionDep
) -> WebhookEndpoint:
    parsed = _uuid_or_none(endpoint_id)
    endpoint = None if parsed is None else await queries.get_endpoint(session, parsed)
    if endpoint is None:
        raise NotFound("Webhook endpoint not found")
    return endpoint


AdminEndpoint = Annotated[WebhookEndpoint, Depends(_endpoint)]


async def _delivery(
    delivery_id: DeliveryId, endpoint: AdminEndpoint, session: SessionDep
) -> WebhookDelivery:
    parsed = _uuid_or_none(delivery_id)
    delivery = None if parsed is None else await queries.get_delivery(session, endpoint.id, parsed)
    if delivery is None:
        raise NotFound("Delivery not found")
    return delivery


EndpointDelivery = Annotated[WebhookDelivery, Depends(_delivery)]
