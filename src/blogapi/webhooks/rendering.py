"""Endpoints and deliveries as response documents; no SQL."""

from collections.abc import Sequence

from blogapi.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from blogapi.webhooks.schemas import (
    AttemptOut,
    DeliveryDetail,
    DeliveryOut,
    WebhookCreated,
    WebhookOut,
)


def created_out(endpoint: WebhookEndpoint, secret: str) -> WebhookCreated:
    fields = {name: getattr(endpoint, name) for name in WebhookOut.model_fields}
    return WebhookCreated(**fields, secret=secret)


def message_id(delivery: WebhookDelivery) -> str:
    """The `webhook-id` header: the same on every retry and replay of one event."""
    return f"msg_{delivery.event_id}"


def delivery_out(delivery: WebhookDelivery) -> DeliveryOut:
    return DeliveryOut(**_delivery_fields(delivery))


def delivery_detail(
    delivery: WebhookDelivery, attempts: Sequence[WebhookAttempt]
) -> DeliveryDetail:
    return DeliveryDetail(
        **_delivery_fields(delivery),
        attempts_log=[AttemptOut.model_validate(attempt) for attempt in attempts],
    )


def _delivery_fields(delivery: WebhookDelivery) -> dict[str, object]:
    waiting = delivery.status in (DeliveryStatus.PENDING.value, DeliveryStatus.FAILED.value)
    return {
        "id": delivery.id,
        "endpoint_id": delivery.endpoint_id,
        "event_id": delivery.event_id,
        "message_id": message_id(delivery),
        "event_type": delivery.event_type,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "next_attempt_at": delivery.next_attempt_at if waiting else None,
        "created_at": delivery.created_at,
        "last_attempt_at": delivery.last_attempt_at,
    }
