"""Registering sends a verification email; its single-use token confirms the address."""

import base64
import hashlib
from datetime import timedelta

import httpx
import pytest
from factories import assert_error, login, me, unique_name
from fastapi import FastAPI
from sqlalchemy import select

from blogapi.auth import verification
from blogapi.auth.models import EmailToken
from blogapi.mail import service as mail_service

from .mailbox import (
    AUTH,
    deliver,
    expire_email_tokens,
    html_of,
    link_in,
    mail_settings,
    outbox,
    register,
    smtp_server,
    text_of,
    token_in,
)

VERIFY = f"{AUTH}/verify-email"
RESEND = f"{AUTH}/resend-verification"
SUBJECT = "Confirm your email address"


async def _registered_token(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> tuple[str, str]:
    """Register an account and receive its verification email over SMTP: (username, token)."""
    username = unique_name("fresh")
    assert (await register(client, username)).status_code == 201
    with smtp_server() as box:
        assert await deliver(app, mail_settings(database_url, box.port)) == 1
        message = box.only(f"{username}@example.com", SUBJECT)
    return username, token_in(message)


async def _is_verified(client: httpx.AsyncClient, username: str) -> bool:
    return bool((await me(client, await login(client, username)))["email_verified"])


async def test_verification_works_end_to_end_through_smtp(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    username = unique_name("fresh")
    response = await register(client, username, display_name="Fresh Person")
    assert response.status_code == 201
    assert response.json()["email_verified"] is False

    with smtp_server() as box:
        settings = mail_settings(database_url, box.port)
        assert await deliver(app, settings) == 1

    message = box.only(f"{username}@example.com", SUBJECT)
    assert message["From"] == settings.email_from
    assert box.recipients == [[f"{username}@example.com"]]
    assert "Fresh Person" in text_of(message)
    assert f'href="{link_in(message)}"' in html_of(message)
    verified = await client.post(VERIFY, json={"token": token_in(message)})
    assert verified.status_code == 200, verified.text
    assert verified.json()["email_verified"] is True
    assert await _is_verified(client, username)


async def test_tokens_are_256_bit_random_stored_hashed_and_live_24_hours(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    _, token = await _registered_token(app, client, database_url)

    assert len(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))) >= 32
    async with app.state.sessionmaker() as session:
        rows = (await session.scalars(select(EmailToken))).all()
    assert len(rows) == 1
    row = rows[0]
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {str(value) for value in vars(row).values()}
    assert row.expires_at - row.created_at == timedelta(hours=24)
    assert row.used_at is None


async def test_a_token_works_once(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    _, token = await _registered_token(app, client, database_url)
    assert (await client.post(VERIFY, json={"token": token})).status_code == 200

    again = await client.post(VERIFY, json={"token": token})

    assert_error(again, 400, "VALIDATION_ERROR", field="token")


@pytest.mark.parametrize(
    "forge",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token[:20],
        lambda token: token + "x",
        lambda _token: "x" * 43,
    ],
)
async def test_a_forged_token_is_refused_and_changes_nothing(
    app: FastAPI, client: httpx.AsyncClient, database_url: str, forge: object
) -> None:
    username, token = await _registered_token(app, client, database_url)

    response = await client.post(VERIFY, json={"token": forge(token)})  # type: ignore[operator]

    assert_error(response, 400, "VALIDATION_ERROR", field="token")
    assert not await _is_verified(client, username)
    # The real token still works: the failed attempt spent nothing.
    assert (await client.post(VERIFY, json={"token": token})).status_code == 200


@pytest.mark.parametrize("body", [{}, {"token": ""}, {"token": 42}, {"token": "t" * 300}])
async def test_a_malformed_request_names_the_token_field(
    client: httpx.AsyncClient, body: dict[str, object]
) -> None:
    response = await client.post(VERIFY, json=body)

    assert_error(response, 400, "VALIDATION_ERROR", field="token")


async def test_an_expired_token_is_refused(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    username, token = await _registered_token(app, client, database_url)
    await expire_email_tokens(app)

    response = await client.post(VERIFY, json={"token": token})

    assert_error(response, 400, "VALIDATION_ERROR", field="token")
    assert not await _is_verified(client, username)


async def test_a_token_born_past_its_lifetime_is_refused(
    app: FastAPI, client: httpx.AsyncClient, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(
        verification.LIFETIME, verification.Purpose.VERIFY_EMAIL, timedelta(seconds=-1)
    )
    username, token = await _registered_token(app, client, database_url)

    response = await client.post(VERIFY, json={"token": token})

    assert_error(response, 400, "VALIDATION_ERROR", field="token")
    assert not await _is_verified(client, username)


async def test_resending_sends_a_new_token_and_retires_the_old(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    username, first = await _registered_token(app, client, database_url)
    account = await login(client, username)

    response = await client.post(RESEND, headers=account.headers)
    assert response.status_code == 202, response.text
    with smtp_server() as box:
        await deliver(app, mail_settings(database_url, box.port))
    second = token_in(box.only(account.email, SUBJECT))

    assert second != first
    assert_error(await client.post(VERIFY, json={"token": first}), 400, "VALIDATION_ERROR")
    assert (await client.post(VERIFY, json={"token": second})).status_code == 200


async def test_resending_to_a_verified_address_is_a_conflict(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    username, token = await _registered_token(app, client, database_url)
    await client.post(VERIFY, json={"token": token})
    account = await login(client, username)
    queued = len(await outbox(app))

    response = await client.post(RESEND, headers=account.headers)

    assert_error(response, 409, "ALREADY_VERIFIED")
    assert len(await outbox(app)) == queued


async def test_resending_needs_a_signed_in_account(client: httpx.AsyncClient) -> None:
    assert_error(await client.post(RESEND), 401, "AUTHENTICATION_REQUIRED")


@pytest.mark.parametrize(
    "clash",
    [
        {"username": "someone_else"},  # same email, other username: EMAIL_TAKEN
        {"email": "someone.else@example.com"},  # same username, other email: USERNAME_TAKEN
    ],
)
async def test_a_failed_registration_leaves_no_email(
    app: FastAPI, client: httpx.AsyncClient, clash: dict[str, str]
) -> None:
    username = unique_name("taken")
    assert (await register(client, username)).status_code == 201
    before = [(e.kind, e.to_address) for e in await outbox(app)]

    response = await register(client, username, **clash)

    assert response.status_code == 409, response.text
    assert [(e.kind, e.to_address) for e in await outbox(app)] == before


async def test_a_rejected_password_leaves_no_account_and_no_email(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    response = await register(client, unique_name("weak"), password="password")

    assert_error(response, 400, "VALIDATION_ERROR", field="password")
    assert await outbox(app) == []


async def test_the_account_and_its_email_are_one_transaction(
    app: FastAPI, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    username = unique_name("atomic")

    async def broken_outbox(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the outbox is unavailable")

    with monkeypatch.context() as patch:
        patch.setattr(mail_service, "enqueue", broken_outbox)
        failed = await register(client, username)

    assert_error(failed, 500, "INTERNAL_ERROR")
    # Nothing of the failed registration remains: the same account can be created now.
    assert (await register(client, username)).status_code == 201
    assert [e.to_address for e in await outbox(app)] == [f"{username}@example.com"]
