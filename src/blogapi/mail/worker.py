"""The delivery loop behind `blogapi worker` (and, in development, inside the app)."""

import asyncio

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from blogapi.core.config import Environment, Settings
from blogapi.core.lifecycle import LoopTask, repeat
from blogapi.mail import sealing, service
from blogapi.mail.models import OutboxEmail, OutboxStatus
from blogapi.mail.transport import FileTransport, Transport

log = structlog.get_logger("blogapi.mail")


async def deliver_due(
    sessionmaker: async_sessionmaker[AsyncSession],
    transport: Transport,
    settings: Settings,
    *,
    batch: int = 10,
) -> int:
    """Claim a batch, send each email and record the outcome; returns how many were tried."""
    async with sessionmaker() as session, session.begin():
        emails = await service.claim(
            session, limit=batch, lease_seconds=settings.outbox_lease_seconds
        )
    for email in emails:
        try:
            body = sealing.open_sealed(settings, email.id, email.sealed_body)
        except sealing.UnreadableBody as error:
            # Not the worker's fault nor the server's: say so plainly, then treat it as any
            # failed attempt (a worker still on the old key may yet send it).
            log.error(
                "email_body_unreadable", email_id=str(email.id), kind=email.kind, why=str(error)
            )
            await _record_failure(sessionmaker, settings, email, error)
            continue
        try:
            await transport.send(email, body)
        except Exception as error:  # any failure is retried later, then dead
            await _record_failure(sessionmaker, settings, email, error)
            continue
        async with sessionmaker() as session, session.begin():
            await service.mark_sent(session, email.id)
        log.info("email_sent", email_id=str(email.id), kind=email.kind)
    return len(emails)


async def _record_failure(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    email: OutboxEmail,
    error: Exception,
) -> None:
    async with sessionmaker() as session, session.begin():
        status = await service.mark_failed(
            session,
            email,
            f"{type(error).__name__}: {error}",
            max_attempts=settings.outbox_max_attempts,
            backoff_base=settings.outbox_backoff_seconds,
        )
    log.warning("email_failed", email_id=str(email.id), attempts=email.attempts, status=status)
    if status is OutboxStatus.DEAD:
        log.error("email_dead", email_id=str(email.id), kind=email.kind)


async def run(
    sessionmaker: async_sessionmaker[AsyncSession],
    transport: Transport,
    settings: Settings,
    stop: asyncio.Event,
) -> None:
    """Deliver until `stop` is set; the email in hand is finished first."""
    log.info("mail_transport", transport=type(transport).__name__)
    await repeat(
        "mail_worker",
        lambda: deliver_due(sessionmaker, transport, settings),
        stop,
        pause_seconds=settings.worker_poll_seconds,
    )


def start_dev_mail_worker(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> LoopTask | None:
    """With no SMTP server in development, deliver inside the app: to ./data/mail/ and the log."""
    if settings.smtp_host or settings.environment is not Environment.DEVELOPMENT:
        return None
    transport = FileTransport(settings)
    return LoopTask(lambda stop: run(sessionmaker, transport, settings, stop))
