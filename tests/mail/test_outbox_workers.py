"""Workers: a crashed one's emails are sent after its lease; several never send one twice.

Tests that queue emails directly still take the `client` fixture: it empties the tables after.
"""

import asyncio
import os
import signal
import sys
from collections import Counter
from pathlib import Path

import httpx
from factories import own_app, unique_name
from fastapi import FastAPI
from harness import TEST_SECRET

from blogapi.mail import service as mail_service
from blogapi.mail import worker
from blogapi.mail.models import OutboxStatus
from blogapi.mail.transport import SmtpTransport

from .mailbox import (
    deliver,
    eventually,
    expire_leases,
    mail_settings,
    outbox,
    queue_emails,
    register,
    smtp_server,
)

BLOGAPI = Path(sys.executable).parent / "blogapi"


async def _crash_after_claiming(app: FastAPI, *, sent_before_crash: int = 0) -> None:
    """A worker claims everything due, sends `sent_before_crash` of it, and dies."""
    async with app.state.sessionmaker() as session, session.begin():
        claimed = await mail_service.claim(session, limit=10, lease_seconds=300)
    assert claimed
    async with app.state.sessionmaker() as session, session.begin():
        for email in claimed[:sent_before_crash]:
            await mail_service.mark_sent(session, email.id)


async def test_emails_of_a_crashed_worker_are_sent_once_its_lease_runs_out(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    addresses = await queue_emails(app, 3)
    await _crash_after_claiming(app)

    with smtp_server() as box:
        settings = mail_settings(database_url, box.port)
        assert await deliver(app, settings) == 0  # still leased to the dead worker
        await expire_leases(app)
        assert await deliver(app, settings) == 3
        assert await deliver(app, settings) == 0

    assert Counter(m["To"] for m in box.messages) == Counter(addresses)
    rows = await outbox(app)
    assert {row.status for row in rows} == {OutboxStatus.SENT.value}
    assert {row.attempts for row in rows} == {2}


async def test_what_the_crashed_worker_finished_is_not_sent_again(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    await queue_emails(app, 3)
    await _crash_after_claiming(app, sent_before_crash=1)
    await expire_leases(app)

    with smtp_server() as box:
        assert await deliver(app, mail_settings(database_url, box.port)) == 2

    assert len(box.messages) == 2
    assert {row.status for row in await outbox(app)} == {OutboxStatus.SENT.value}


async def test_a_claim_respects_its_batch_size(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    await queue_emails(app, 6)

    async with app.state.sessionmaker() as session, session.begin():
        claimed = await mail_service.claim(session, limit=2, lease_seconds=300)

    assert len(claimed) == 2
    statuses = Counter(row.status for row in await outbox(app))
    assert statuses == {OutboxStatus.SENDING.value: 2, OutboxStatus.PENDING.value: 4}


async def test_concurrent_workers_send_each_email_exactly_once(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    addresses = await queue_emails(app, 30)

    with smtp_server() as box:
        settings = mail_settings(database_url, box.port)

        async def drain() -> int:
            sent = 0
            while tried := await deliver(app, settings, batch=5):
                sent += tried
            return sent

        per_worker = await asyncio.gather(drain(), drain(), drain())

    assert sum(per_worker) == 30
    assert Counter(m["To"] for m in box.messages) == Counter(addresses)
    assert {row.status for row in await outbox(app)} == {OutboxStatus.SENT.value}
    assert {row.attempts for row in await outbox(app)} == {1}


async def test_two_simultaneous_passes_share_the_work(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    addresses = await queue_emails(app, 30)

    with smtp_server() as box:
        settings = mail_settings(database_url, box.port)
        first, second = await asyncio.gather(
            deliver(app, settings, batch=30), deliver(app, settings, batch=30)
        )

    assert first + second == 30
    assert Counter(m["To"] for m in box.messages) == Counter(addresses)


async def test_the_worker_loop_delivers_until_it_is_stopped(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    with smtp_server() as box:
        settings = mail_settings(database_url, box.port, worker_poll_seconds=0.05)
        stop = asyncio.Event()
        loop = asyncio.create_task(
            worker.run(app.state.sessionmaker, SmtpTransport(settings), settings, stop)
        )
        addresses = await queue_emails(app, 2)
        await eventually(lambda: len(box.messages) == 2)
        stop.set()
        await asyncio.wait_for(loop, 5)

    assert sorted(m["To"] for m in box.messages) == sorted(addresses)


async def test_blogapi_worker_delivers_and_stops_on_sigterm(
    app: FastAPI, client: httpx.AsyncClient, database_url: str, tmp_path: Path
) -> None:
    addresses = await queue_emails(app, 2)
    with smtp_server() as box:
        env = {
            **os.environ,
            "ENVIRONMENT": "test",
            "DATABASE_URL": database_url,
            "SECRET_KEY": TEST_SECRET,
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(box.port),
            "SMTP_TLS": "none",
            "WORKER_POLL_SECONDS": "0.1",
            "LOG_FORMAT": "json",
        }
        process = await asyncio.create_subprocess_exec(
            str(BLOGAPI),
            "worker",
            env=env,
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            await eventually(lambda: len(box.messages) == 2, within=30)
        finally:
            process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(process.communicate(), 15)

    assert process.returncode == 0, stderr.decode()
    assert sorted(m["To"] for m in box.messages) == sorted(addresses)
    assert {row.status for row in await outbox(app)} == {OutboxStatus.SENT.value}


async def test_in_development_without_smtp_emails_become_files(
    database_url: str, tmp_path: Path
) -> None:
    mail_dir = tmp_path / "mail"
    overrides = {
        "environment": "development",
        "mail_dir": str(mail_dir),
        "worker_poll_seconds": 0.05,
        "rate_limits_enabled": False,
    }
    async with own_app(database_url, **overrides) as (_app, client):
        username = unique_name("dev")
        assert (await register(client, username)).status_code == 201
        await eventually(lambda: any(mail_dir.glob("*.eml")))

    [written] = mail_dir.glob("*.eml")
    content = written.read_text()
    assert f"To: {username}@example.com" in content
    assert "/account/verify-email?token=" in content
