"""The worker sends queued emails over SMTP, retries with backoff and jitter, then gives up.

Tests that queue emails directly still take the `client` fixture: it empties the tables after.
"""

import re
import shutil
import ssl
import subprocess
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from factories import unique_name
from fastapi import FastAPI

from blogapi.core.db import utcnow
from blogapi.mail import service as mail_service
from blogapi.mail.models import OutboxStatus

from .mailbox import (
    deliver,
    free_port,
    html_of,
    mail_settings,
    make_due,
    outbox,
    queue_emails,
    register,
    smtp_server,
    text_of,
)


async def test_a_queued_email_arrives_as_a_proper_message(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    username = unique_name("reader")
    await register(client, username)
    address = f"{username}@example.com"

    with smtp_server() as box:
        settings = mail_settings(database_url, box.port, email_from="Blog <blog@example.org>")
        assert await deliver(app, settings) == 1

    message = box.only(address)
    assert box.recipients == [[address]]
    assert message["From"] == "Blog <blog@example.org>"
    assert message["Subject"] == "Confirm your email address"
    assert message["Date"]
    assert re.fullmatch(r"<[^<>@\s]+@[^<>@\s]+>", message["Message-ID"])
    assert message.get_content_type() == "multipart/alternative"
    assert "token=" in text_of(message)
    assert "<a href=" in html_of(message)
    [row] = await outbox(app)
    assert row.status == OutboxStatus.SENT.value
    assert row.attempts == 1
    assert row.sent_at is not None
    assert row.last_error is None


async def test_a_sent_email_is_not_sent_again(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    await queue_emails(app, 3)
    with smtp_server() as box:
        settings = mail_settings(database_url, box.port)
        assert await deliver(app, settings) == 3
        await make_due(app)
        assert await deliver(app, settings) == 0

    assert len(box.messages) == 3


async def test_a_refused_email_is_retried_after_a_backoff_until_it_goes(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    [address] = await queue_emails(app, 1)
    with smtp_server(fail_first=2) as box:
        settings = mail_settings(database_url, box.port, outbox_backoff_seconds=10)

        failed_at = utcnow()
        assert await deliver(app, settings) == 1
        [row] = await outbox(app)
        assert row.status == OutboxStatus.PENDING.value
        assert row.attempts == 1
        assert row.last_error is not None
        assert "451" in row.last_error
        # base 10 s, first retry: between half and all of it.
        wait = row.next_attempt_at - failed_at
        assert timedelta(seconds=4.9) <= wait <= timedelta(seconds=10.5), wait
        assert await deliver(app, settings) == 0  # not due yet

        await make_due(app)
        failed_at = utcnow()
        assert await deliver(app, settings) == 1
        [row] = await outbox(app)
        assert row.attempts == 2
        wait = row.next_attempt_at - failed_at
        assert timedelta(seconds=9.9) <= wait <= timedelta(seconds=20.5), wait  # doubled

        await make_due(app)
        assert await deliver(app, settings) == 1

    assert len(box.refused) == 2
    assert len(box.messages) == 1
    assert box.only(address)
    [row] = await outbox(app)
    assert row.status == OutboxStatus.SENT.value
    assert row.attempts == 3
    assert row.last_error is None


async def test_a_retried_email_keeps_its_message_id(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    """A retry is the same email: readers' clients can then drop a duplicate."""
    await queue_emails(app, 1)
    with smtp_server(fail_first=1) as box:
        settings = mail_settings(database_url, box.port)
        await deliver(app, settings)
        await make_due(app)
        await deliver(app, settings)

    assert box.refused[0]["Message-ID"] == box.messages[0]["Message-ID"]


async def test_an_email_dies_after_the_last_attempt(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    [address] = await queue_emails(app, 1)
    # Nothing listens on this port: every attempt fails to connect.
    settings = mail_settings(database_url, free_port(), outbox_max_attempts=3)

    for attempt in range(1, 4):
        assert await deliver(app, settings) == 1
        [row] = await outbox(app)
        assert row.attempts == attempt
        await make_due(app)

    [row] = await outbox(app)
    assert row.status == OutboxStatus.DEAD.value
    assert row.to_address == address
    assert row.last_error
    assert row.sent_at is None
    assert await deliver(app, settings) == 0  # the dead stay dead


async def test_one_failing_email_does_not_hold_up_the_others(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    addresses = await queue_emails(app, 3)
    with smtp_server(fail_first=1) as box:
        assert await deliver(app, mail_settings(database_url, box.port)) == 3

    assert len(box.messages) == 2
    statuses = sorted(row.status for row in await outbox(app))
    assert statuses == ["pending", "sent", "sent"]
    assert {m["To"] for m in box.messages} < set(addresses)


async def test_the_batch_size_bounds_one_pass(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    await queue_emails(app, 5)
    with smtp_server() as box:
        settings = mail_settings(database_url, box.port)
        assert await deliver(app, settings, batch=2) == 2
        assert await deliver(app, settings, batch=2) == 2
        assert await deliver(app, settings, batch=2) == 1

    assert len(box.messages) == 5


@pytest.mark.parametrize("attempts", [1, 2, 3, 5, 7])
def test_backoff_is_exponential_with_jitter(attempts: int) -> None:
    ceiling = 30 * 2 ** (attempts - 1)
    assert ceiling < mail_service.MAX_BACKOFF_SECONDS

    delays = {mail_service.backoff_seconds(attempts, 30) for _ in range(50)}

    assert all(ceiling / 2 <= delay <= ceiling for delay in delays), delays
    assert len(delays) > 1  # jittered, so workers do not retry in lock-step


def test_backoff_is_capped() -> None:
    cap = mail_service.MAX_BACKOFF_SECONDS
    delays = [mail_service.backoff_seconds(attempts, 30) for attempts in (8, 40, 100)]

    assert all(cap / 2 <= delay <= cap for delay in delays), delays


def _self_signed_context(directory: Path) -> ssl.SSLContext:
    """A server TLS context with a throw-away self-signed certificate (made by openssl)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is needed to make a certificate")
    key, cert = directory / "key.pem", directory / "cert.pem"
    request = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj"]
    subprocess.run(  # noqa: S603 (fixed arguments)
        [openssl, *request, "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


async def test_smtp_tls_none_never_upgrades_even_when_starttls_is_offered(
    app: FastAPI, client: httpx.AsyncClient, database_url: str, tmp_path: Path
) -> None:
    """SMTP_TLS=none is for a local relay: an offered STARTTLS must not be taken up."""
    [address] = await queue_emails(app, 1)

    with smtp_server(tls_context=_self_signed_context(tmp_path)) as box:
        assert await deliver(app, mail_settings(database_url, box.port)) == 1

    [row] = await outbox(app)
    assert row.last_error is None, row.last_error
    assert box.only(address)
