import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, Field

from blogapi.core.schemas import OutModel, StrictModel, UTCTimestamp
from blogapi.webhooks.catalogue import EVENT_TYPES, WILDCARD
from blogapi.webhooks.models import DeliveryStatus


def _known_events(events: list[str]) -> list[str]:
    unknown = sorted(set(events) - EVENT_TYPES - {WILDCARD})
    if unknown:
        raise ValueError(f"unknown event types: {', '.join(unknown)} (see /webhooks/event-types)")
    if WILDCARD in events and len(events) > 1:
        raise ValueError('"*" stands alone: every type')
    return list(dict.fromkeys(events))


EventList = Annotated[
    list[str],
    Field(min_length=1, max_length=50, description='Catalogue names, or ["*"] for every type'),
    AfterValidator(_known_events),
]
Url = Annotated[str, Field(min_length=1, max_length=4000, description="https, public host")]
Description = Annotated[str, Field(max_length=500)]


class WebhookCreate(StrictModel):
    url: Url
    events: EventList
    description: Description = ""
    enabled: bool = True


class WebhookUpdate(StrictModel):
    url: Url | None = None
    events: EventList | None = None
    description: Description | None = None
    enabled: bool | None = None


class WebhookOut(OutModel):
    id: uuid.UUID
    url: str
    events: list[str]
    description: str
    enabled: bool
    disabled_reason: str | None
    failing_since: UTCTimestamp | None
    previous_secret_expires_at: UTCTimestamp | None = Field(
        description="Until then the old secret signs beside the new one (after a rotation)"
    )
    created_by: uuid.UUID | None
    created_at: UTCTimestamp
    updated_at: UTCTimestamp


class WebhookCreated(WebhookOut):
    secret: str = Field(description="`whsec_` + base64 of 32 bytes; shown only now")


class SecretOut(OutModel):
    secret: str = Field(description="The new secret; shown only now")
    previous_secret_expires_at: UTCTimestamp | None


class WebhookList(OutModel):
    data: list[WebhookOut]


class EventTypeOut(OutModel):
    type: str
    description: str
    data_schema: dict[str, Any] = Field(description="JSON Schema of the message's `data`")


class EventTypeList(OutModel):
    data: list[EventTypeOut]


class DeliveryOut(OutModel):
    id: uuid.UUID
    endpoint_id: uuid.UUID
    event_id: uuid.UUID
    message_id: str = Field(description="The `webhook-id` header: `msg_` + the event's id")
    event_type: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: UTCTimestamp | None = Field(description="When it is tried next, if it is")
    created_at: UTCTimestamp
    last_attempt_at: UTCTimestamp | None


class AttemptOut(OutModel):
    at: UTCTimestamp
    http_status: int | None
    duration_ms: int
    error_class: str | None = Field(
        description="timeout, connect, dns, tls, blocked_target or http_status; null on success"
    )
    response_excerpt: str = Field(description="The first 2 KiB of the response, as text")


class DeliveryDetail(DeliveryOut):
    attempts_log: list[AttemptOut]


class DeliveryPage(OutModel):
    data: list[DeliveryOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next (older) page")


class DeliveryAccepted(OutModel):
    delivery_id: uuid.UUID


class RecoverIn(StrictModel):
    since: datetime = Field(description="Re-send failed and dead messages since then (≤ 14 days)")


class RecoverAccepted(OutModel):
    deliveries: int = Field(description="How many messages will be sent again")
