"""The outbox: emails are queued in the caller's transaction and claimed by workers.

A claim is one UPDATE over rows picked with FOR UPDATE SKIP LOCKED (PostgreSQL), so two
workers never take the same email; SQLite serialises writers, which gives the same. A
claimed email is leased: if its worker dies, the lease runs out and another worker sends
it (at-least-once: only an email in flight at the crash can go twice).

Bodies are sealed at rest (mail/sealing.py) and erased once sent; a dead one is erased too
unless it carries no secret (templates.NO_SECRET_KINDS), which is what a requeue needs.
"""

import random
import uuid
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from blogapi.core.config import Settings
from blogapi.core.db import new_id, utcnow
from blogapi.core.errors import NotFound
from blogapi.core.pagination import PageParams, rows_page
from blogapi.mail import sealing
from blogapi.mail.errors import EmailErased, NotDead
from blogapi.mail.models import OutboxEmail, OutboxStatus
from blogapi.mail.templates import NO_SECRET_KINDS, Message

MAX_BACKOFF_SECONDS = 3600


async def enqueue(
    session: AsyncSession, settings: Settings, to_address: str, message: Message
) -> OutboxEmail:
    """Queue an email in the caller's transaction, its body sealed under this row's id."""
    email_id = new_id()
    body = sealing.Body(text=message.text, html=message.html)
    email = OutboxEmail(
        id=email_id,
        kind=message.kind,
        to_address=to_address,
        subject=message.subject,
        sealed_body=sealing.seal(settings, email_id, body),
        next_attempt_at=utcnow(),
    )
    session.add(email)
    await session.flush()
    return email


async def claim(session: AsyncSession, *, limit: int, lease_seconds: int) -> list[OutboxEmail]:
    """Take up to `limit` due emails (and ones whose lease ran out) for this worker."""
    now = utcnow()
    due = or_(
        (OutboxEmail.status == OutboxStatus.PENDING.value) & (OutboxEmail.next_attempt_at <= now),
        (OutboxEmail.status == OutboxStatus.SENDING.value) & (OutboxEmail.locked_until < now),
    )
    # A CTE is evaluated once; as a plain IN (subquery) PostgreSQL may re-run the LIMIT per
    # row and claim far more than `limit`.
    candidates = (
        select(OutboxEmail.id)
        .where(due)
        .order_by(OutboxEmail.next_attempt_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .cte("candidates")
    )
    claimed = await session.scalars(
        update(OutboxEmail)
        .where(OutboxEmail.id.in_(select(candidates.c.id)), due)
        .values(
            status=OutboxStatus.SENDING.value,
            locked_until=now + timedelta(seconds=lease_seconds),
            attempts=OutboxEmail.attempts + 1,
        )
        .returning(OutboxEmail)
        .execution_options(synchronize_session=False)
    )
    return list(claimed.all())


async def mark_sent(session: AsyncSession, email_id: uuid.UUID) -> None:
    await session.execute(
        update(OutboxEmail)
        .where(OutboxEmail.id == email_id)
        .values(
            status=OutboxStatus.SENT.value,
            sent_at=utcnow(),
            locked_until=None,
            last_error=None,
            sealed_body=None,
        )
    )


def backoff_seconds(attempts: int, base: float) -> float:
    """Exponential backoff with jitter: about base·2^(n-1), between half and all of it."""
    ceiling = min(float(MAX_BACKOFF_SECONDS), base * 2.0 ** max(0, attempts - 1))
    return ceiling * (0.5 + random.random() / 2)  # noqa: S311 (jitter, not security)


async def mark_failed(
    session: AsyncSession,
    email: OutboxEmail,
    error: str,
    *,
    max_attempts: int,
    backoff_base: float,
) -> OutboxStatus:
    status = OutboxStatus.DEAD if email.attempts >= max_attempts else OutboxStatus.PENDING
    delay = timedelta(seconds=backoff_seconds(email.attempts, backoff_base))
    values: dict[str, object] = {
        "status": status.value,
        "next_attempt_at": utcnow() + delay,
        "locked_until": None,
        "last_error": error[:500],
    }
    if status is OutboxStatus.DEAD and email.kind not in NO_SECRET_KINDS:
        values["sealed_body"] = None
    await session.execute(update(OutboxEmail).where(OutboxEmail.id == email.id).values(values))
    return status


async def list_emails(
    session: AsyncSession, status: OutboxStatus | None, params: PageParams
) -> tuple[Sequence[OutboxEmail], int]:
    conditions = [] if status is None else [OutboxEmail.status == status.value]
    newest_first = [OutboxEmail.created_at.desc(), OutboxEmail.id.desc()]
    return await rows_page(session, OutboxEmail, conditions, newest_first, params)


async def requeue(session: AsyncSession, email_id: uuid.UUID) -> OutboxEmail:
    """Give a dead email a fresh set of attempts (one whose link was erased cannot go)."""
    email = await session.get(OutboxEmail, email_id)
    if email is None:
        raise NotFound("Email not found")
    if email.status != OutboxStatus.DEAD.value:
        raise NotDead()
    if email.sealed_body is None:
        raise EmailErased()
    email.status = OutboxStatus.PENDING.value
    email.attempts = 0
    email.next_attempt_at = utcnow()
    await session.flush()
    return email


async def backlog(session: AsyncSession) -> int:
    """Emails not yet sent nor dead."""
    pending = (OutboxStatus.PENDING.value, OutboxStatus.SENDING.value)
    count = await session.scalar(
        select(func.count()).select_from(OutboxEmail).where(OutboxEmail.status.in_(pending))
    )
    return count or 0
