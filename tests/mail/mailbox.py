"""A real SMTP server inside the test process (aiosmtpd), and ways to read what it received.

Delivery is driven by calling the worker's `deliver_due` with settings that point at it.
"""

import asyncio
import email
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from email.message import EmailMessage
from email.policy import default
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from factories import PASSWORD, unique_name
from fastapi import FastAPI
from harness import make_settings
from sqlalchemy import update

from blogapi.auth.models import EmailToken
from blogapi.core.config import Settings
from blogapi.core.db import utcnow
from blogapi.core.pagination import PageParams
from blogapi.mail import service as mail_service
from blogapi.mail import templates
from blogapi.mail.models import OutboxEmail, OutboxStatus
from blogapi.mail.transport import SmtpTransport
from blogapi.mail.worker import deliver_due

AUTH = "/api/v1/auth"
OUTBOX = "/api/v1/admin/outbox"


class Mailbox:
    """An aiosmtpd handler that keeps what it accepts; it answers "451 try later" to the
    first `fail_first` messages (keeping those too, as `refused`)."""

    def __init__(self, fail_first: int = 0) -> None:
        self.fail_first = fail_first
        self.port = 0
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []
        self.refused: list[EmailMessage] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, _server: SMTP, _session: Session, envelope: Envelope) -> str:
        content = envelope.content
        assert isinstance(content, bytes)
        message = email.message_from_bytes(content, policy=default)
        assert isinstance(message, EmailMessage)
        with self._lock:
            if len(self.refused) < self.fail_first:
                self.refused.append(message)
                return "451 try later"
            self.messages.append(message)
            self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def only(self, address: str, subject: str | None = None) -> EmailMessage:
        """The one message received for `address` (with `subject`, when given)."""
        found = [m for m in self.to(address) if subject is None or m["Subject"] == subject]
        assert len(found) == 1, [(m["To"], m["Subject"]) for m in self.messages]
        return found[0]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@contextmanager
def smtp_server(
    fail_first: int = 0, tls_context: ssl.SSLContext | None = None
) -> Iterator[Mailbox]:
    """An SMTP server on 127.0.0.1 and a free port; the Mailbox it fills.

    With `tls_context` the server offers STARTTLS (without requiring it).
    """
    mailbox = Mailbox(fail_first)
    mailbox.port = free_port()
    controller = Controller(
        mailbox, hostname="127.0.0.1", port=mailbox.port, tls_context=tls_context
    )
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()


def mail_settings(database_url: str, port: int, **overrides: object) -> Settings:
    """Settings for a worker that sends through the test SMTP server on `port`."""
    values: dict[str, object] = {
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_tls": "none",
        "smtp_timeout_seconds": 5,
        "outbox_backoff_seconds": 0.01,
        **overrides,
    }
    return make_settings(database_url, **values)


async def deliver(app: FastAPI, settings: Settings, *, batch: int = 10) -> int:
    """One pass of the worker; returns how many emails it tried."""
    transport = SmtpTransport(settings)
    return await deliver_due(app.state.sessionmaker, transport, settings, batch=batch)


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None, message
    return str(part.get_content())


def html_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None, message
    return str(part.get_content())


def link_in(message: EmailMessage) -> str:
    match = re.search(r"https?://\S+", text_of(message))
    assert match is not None, text_of(message)
    return match.group(0)


async def delivered_link(app: FastAPI, database_url: str, address: str, subject: str) -> str:
    """Deliver what is queued through a test SMTP server; the link of the one email with
    `subject` that `address` received."""
    with smtp_server() as box:
        await deliver(app, mail_settings(database_url, box.port))
    return link_in(box.only(address, subject))


def token_in(message: EmailMessage) -> str:
    """The token of the link in the message, the way a user's click would send it."""
    return parse_qs(urlsplit(link_in(message)).query)["token"][0]


async def outbox(app: FastAPI) -> list[OutboxEmail]:
    """Every queued email, newest first."""
    async with app.state.sessionmaker() as session:
        emails, _ = await mail_service.list_emails(session, None, PageParams(page=1, limit=100))
    return list(emails)


async def outbox_email(app: FastAPI, email_id: Any) -> OutboxEmail:
    async with app.state.sessionmaker() as session:
        found = await session.get(OutboxEmail, email_id)
    assert found is not None
    return found


async def queue_emails(app: FastAPI, count: int, prefix: str = "reader") -> list[str]:
    """Queue `count` notices, each to its own address; returns the addresses."""
    addresses = [f"{unique_name(prefix)}@example.com" for _ in range(count)]
    async with app.state.sessionmaker() as session, session.begin():
        for address in addresses:
            message = templates.email_change_notice(address, "new@example.com")
            await mail_service.enqueue(session, app.state.settings, address, message)
    return addresses


async def make_due(app: FastAPI) -> None:
    """Move every retry time into the past, as if the backoff had been waited out."""
    async with app.state.sessionmaker() as session, session.begin():
        await session.execute(
            update(OutboxEmail).values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )


async def expire_email_tokens(app: FastAPI) -> None:
    """Move every email token's expiry into the past."""
    async with app.state.sessionmaker() as session, session.begin():
        await session.execute(update(EmailToken).values(expires_at=utcnow() - timedelta(seconds=1)))


async def register(client: httpx.AsyncClient, name: str, /, **fields: str) -> httpx.Response:
    """POST /auth/register for `name`@example.com; `fields` override the body."""
    body = {"email": f"{name}@example.com", "username": name, "password": PASSWORD}
    return await client.post(f"{AUTH}/register", json={**body, **fields})


async def expire_leases(app: FastAPI) -> None:
    """Let every lease run out, as if the worker holding it had died long ago."""
    async with app.state.sessionmaker() as session, session.begin():
        await session.execute(
            update(OutboxEmail)
            .where(OutboxEmail.status == OutboxStatus.SENDING.value)
            .values(locked_until=utcnow() - timedelta(seconds=1))
        )


async def eventually(check: Callable[[], bool], within: float = 10.0) -> None:
    """Wait until `check()` holds; fail after `within` seconds."""
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.05)
