"""The outbox keeps no usable link: bodies are sealed while queued and erased once sent or dead.

The table is read raw (every column of every row, as the database returns it), the way a
leaked backup would be, and searched for the tokens the SMTP server actually received.
"""

from urllib.parse import quote

import httpx
import pytest
from factories import Account, assert_error, signed_in, unique_name
from fastapi import FastAPI
from sqlalchemy import text

from blogapi.core.config import Role
from blogapi.mail.models import OutboxStatus

from .mailbox import (
    AUTH,
    OUTBOX,
    deliver,
    mail_settings,
    make_due,
    outbox,
    queue_emails,
    register,
    smtp_server,
    token_in,
)

RESET_SUBJECT = "Reset your password"
VERIFY_SUBJECT = "Confirm your email address"
# Words of the bodies themselves, found in a plaintext column and nowhere else.
BODY_WORDS = ("Use this link within an hour", "Please confirm your email address", "token=")
ROTATED_KEY = "a-secret-key-set-after-the-emails-were-queued-0123456789"


async def _raw_outbox(app: FastAPI) -> list[bytes]:
    """Every cell of the outbox table, as bytes."""
    async with app.state.sessionmaker() as session:
        rows = (await session.execute(text("SELECT * FROM outbox_emails"))).all()
    return [
        cell if isinstance(cell, bytes) else str(cell).encode()
        for row in rows
        for cell in row
        if cell is not None
    ]


def _found(cells: list[bytes], secret: str) -> bool:
    needles = {secret.encode(), quote(secret, safe="").encode()}
    return any(needle in cell for cell in cells for needle in needles)


async def _reset_and_verification_queued(client: httpx.AsyncClient) -> str:
    """A new account's verification email and a reset email, queued; the address."""
    username = unique_name("sealed")
    assert (await register(client, username)).status_code == 201
    address = f"{username}@example.com"
    assert (await client.post(f"{AUTH}/password-reset", json={"email": address})).is_success
    return address


async def test_queued_bodies_are_not_plaintext(app: FastAPI, client: httpx.AsyncClient) -> None:
    await _reset_and_verification_queued(client)

    cells = await _raw_outbox(app)

    assert len(await outbox(app)) == 2
    for words in BODY_WORDS:
        assert not _found(cells, words), words


async def test_sent_emails_leave_no_usable_token_in_the_table(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    address = await _reset_and_verification_queued(client)

    with smtp_server() as box:
        assert await deliver(app, mail_settings(database_url, box.port)) == 2
    tokens = [token_in(box.only(address, s)) for s in (RESET_SUBJECT, VERIFY_SUBJECT)]

    cells = await _raw_outbox(app)
    for token in tokens:
        assert not _found(cells, token)
    assert {(e.status, e.sealed_body) for e in await outbox(app)} == {("sent", None)}
    # The links still work: erasing the copy is not spending the token.
    body = {"token": tokens[0], "new_password": "a brand new passphrase"}
    assert (await client.post(f"{AUTH}/password-reset/confirm", json=body)).status_code == 204


async def test_a_dead_email_leaves_no_usable_token_and_cannot_be_requeued(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    admin: Account = await signed_in(app, client, role=Role.ADMIN)
    address = await _reset_and_verification_queued(client)
    # The server refuses every attempt but keeps what it was offered: the links that died.
    with smtp_server(fail_first=4) as box:
        settings = mail_settings(database_url, box.port, outbox_max_attempts=2)
        for _ in range(2):
            assert await deliver(app, settings) == 2
            await make_due(app)
    tokens = {token_in(m) for m in box.refused if m["To"] == address}
    assert len(tokens) == 2

    cells = await _raw_outbox(app)
    for token in tokens:
        assert not _found(cells, token)
    dead = await outbox(app)
    assert {(e.status, e.sealed_body) for e in dead} == {("dead", None)}
    requeue = await client.post(f"{OUTBOX}/{dead[0].id}/requeue", headers=admin.headers)
    assert_error(requeue, 409, "EMAIL_ERASED")
    listing = await client.get(OUTBOX, params={"status": "dead"}, headers=admin.headers)
    assert listing.status_code == 200, listing.text
    assert all(e["last_error"] for e in listing.json()["data"])  # what admins see is kept


async def test_a_dead_email_without_a_secret_keeps_its_sealed_body_for_a_requeue(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    await queue_emails(app, 1)
    with smtp_server(fail_first=1) as box:
        await deliver(app, mail_settings(database_url, box.port, outbox_max_attempts=1))
    [row] = await outbox(app)
    assert row.status == OutboxStatus.DEAD.value
    assert row.sealed_body is not None
    assert not _found(await _raw_outbox(app), "Someone asked to change")


async def test_a_body_sealed_under_another_secret_key_is_a_failed_delivery(
    app: FastAPI,
    client: httpx.AsyncClient,
    database_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """SECRET_KEY changed while emails waited: the worker says why, retries, then gives up."""
    await _reset_and_verification_queued(client)

    with smtp_server() as box:
        rotated = mail_settings(
            database_url, box.port, secret_key=ROTATED_KEY, outbox_max_attempts=2
        )
        assert await deliver(app, rotated) == 2
        first = await outbox(app)
        await make_due(app)
        assert await deliver(app, rotated) == 2

    assert box.messages == []
    assert {(e.status, e.attempts) for e in first} == {("pending", 1)}
    assert all("SECRET_KEY" in (e.last_error or "") for e in first)
    assert {(e.status, e.sealed_body) for e in await outbox(app)} == {("dead", None)}
    logs = capsys.readouterr().err
    assert logs.count("email_body_unreadable") == 4, logs
