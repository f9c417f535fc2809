"""The delivery loop behind `blogapi worker` (and, in development, inside the app): new
events fanned out to deliveries, due deliveries claimed, signed, sent and recorded."""

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator

import httpx
import structlog
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from blogapi.core.config import Environment, Settings
from blogapi.core.db import WRITE_INTENT
from blogapi.core.lifecycle import LoopTask, repeat
from blogapi.core.sealing import Unsealable
from blogapi.mail import service as mail_service
from blogapi.users import queries as users_queries
from blogapi.webhooks import delivery, metrics, notices, queries, sending, service
from blogapi.webhooks.models import DeliveryStatus, WebhookEndpoint

log = structlog.get_logger("blogapi.webhooks")

PURGE_EVERY_SECONDS = 3600.0
FAN_OUT_BATCH = 200


@contextlib.asynccontextmanager
async def _writing(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A transaction that will write: on SQLite it takes the write lock up front, so the
    concurrent recordings of one pass wait their turn instead of failing to upgrade."""
    async with sessionmaker() as session, session.begin():
        await session.connection(execution_options={WRITE_INTENT: True})
        yield session


async def run_once(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    client: httpx.AsyncClient | None = None,
    *,
    batch: int = 20,
) -> int:
    """Fan out new events, then send a batch of due deliveries; how many were tried."""
    await _fan_out(sessionmaker, settings)
    async with _writing(sessionmaker) as session:
        claimed = await delivery.claim(session, settings, limit=batch)
    if claimed:
        own_client = client is None
        client = client or sending.make_client(settings)
        try:
            await asyncio.gather(
                *(_deliver(sessionmaker, settings, client, each) for each in claimed)
            )
        finally:
            if own_client:
                await client.aclose()
    async with sessionmaker() as session:
        metrics.BACKLOG.set(await queries.backlog(session))
    return len(claimed)


async def _fan_out(sessionmaker: async_sessionmaker[AsyncSession], settings: Settings) -> None:
    """Every event not yet fanned out, a batch a transaction."""
    while True:
        try:
            async with _writing(sessionmaker) as session:
                taken = await delivery.fan_out(
                    session, limit=FAN_OUT_BATCH, window_days=settings.webhook_log_retention_days
                )
        except IntegrityError:
            # Another worker fanned out some of these events meanwhile: its marks (the
            # primary key of webhook_fanouts) kept them from going twice. The rest next pass.
            log.info("webhook_fan_out_raced")
            return
        if taken < FAN_OUT_BATCH:
            return


async def _deliver(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    client: httpx.AsyncClient,
    delivery_id: uuid.UUID,
) -> None:
    async with sessionmaker() as session:
        loaded = await delivery.load(session, delivery_id)
        if loaded is None:  # deleted with its endpoint meanwhile
            return
        _, endpoint, event = loaded
        try:
            signing = service.signing_secrets(settings, endpoint)
        except Unsealable:
            # Sealed under another SECRET_KEY: a worker still on the old key may send it when
            # the lease runs out. Never the secret itself in the log.
            log.error("webhook_secret_unreadable", endpoint_id=str(endpoint.id))
            return
        url = endpoint.url
    body = sending.message_body(event)
    headers = sending.signed_headers(signing, f"msg_{event.id}", body)
    outcome = await sending.post(client, settings, url, headers, body)
    metrics.DELIVERY_ATTEMPTS.labels(outcome.error_class or "succeeded").inc()
    metrics.DELIVERY_LATENCY.observe(outcome.duration_ms / 1000)
    async with _writing(sessionmaker) as session:
        loaded = await delivery.load(session, delivery_id)
        if loaded is None:
            return
        row, endpoint, _ = loaded
        recorded = await delivery.record(session, settings, row, endpoint, outcome)
        if recorded.disabled_because is not None:
            await _tell_creator(session, settings, endpoint, recorded.disabled_because)
    if recorded.status in (DeliveryStatus.SUCCEEDED, DeliveryStatus.DEAD):
        metrics.DELIVERIES_FINISHED.labels(recorded.status.value).inc()
    log.info(
        "webhook_attempt",
        delivery_id=str(delivery_id),
        endpoint_id=str(endpoint.id),
        http_status=outcome.http_status,
        error_class=outcome.error_class,
        status=recorded.status.value,
    )


async def _tell_creator(
    session: AsyncSession, settings: Settings, endpoint: WebhookEndpoint, reason: str
) -> None:
    log.warning("webhook_endpoint_disabled", endpoint_id=str(endpoint.id), reason=reason)
    creator = (
        None
        if endpoint.created_by is None
        else await users_queries.get_user(session, endpoint.created_by)
    )
    if creator is not None:
        name = creator.display_name or creator.username
        message = notices.endpoint_disabled(name, endpoint.url, reason)
        await mail_service.enqueue(session, settings, creator.email, message)


async def run(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, stop: asyncio.Event
) -> None:
    """Deliver until `stop` is set; the requests in hand are finished first."""
    purged_at = 0.0
    async with sending.make_client(settings) as client:

        async def tick() -> int:
            nonlocal purged_at
            tried = await run_once(sessionmaker, settings, client)
            if time.monotonic() - purged_at > PURGE_EVERY_SECONDS:
                async with _writing(sessionmaker) as session:
                    await delivery.purge_log(session, settings)
                purged_at = time.monotonic()
            return tried

        await repeat("webhook_worker", tick, stop, pause_seconds=settings.worker_poll_seconds)


def start_dev_webhook_worker(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> LoopTask | None:
    """In development `make run` delivers webhooks too, as it does mail."""
    if settings.environment is not Environment.DEVELOPMENT:
        return None
    return LoopTask(lambda stop: run(sessionmaker, settings, stop))
