"""Password reset: always 202 and the same answer; the emailed token sets a new password once."""

import time
from datetime import timedelta

import httpx
import pytest
from factories import (
    PASSWORD,
    Account,
    assert_error,
    create_user,
    emailed_token,
    login,
    signed_in,
    unique_name,
)
from fastapi import FastAPI

from blogapi.auth import verification
from blogapi.core.config import Role

from .mailbox import (
    AUTH,
    deliver,
    expire_email_tokens,
    link_in,
    mail_settings,
    outbox,
    smtp_server,
    token_in,
)

RESET = f"{AUTH}/password-reset"
CONFIRM = f"{AUTH}/password-reset/confirm"
NEW_PASSWORD = "a brand new passphrase"
SUBJECT = "Reset your password"


async def _reset_token(
    app: FastAPI, client: httpx.AsyncClient, database_url: str, email: str
) -> str:
    """Ask for a reset and take the token from the email the SMTP server receives."""
    assert (await client.post(RESET, json={"email": email})).status_code == 202
    with smtp_server() as box:
        await deliver(app, mail_settings(database_url, box.port))
    message = box.only(email, SUBJECT)
    assert link_in(message).startswith(f"{app.state.settings.public_base_url}/")
    return token_in(message)


async def _password_works(client: httpx.AsyncClient, email: str, password: str) -> bool:
    response = await client.post(f"{AUTH}/login", json={"email": email, "password": password})
    assert response.status_code in (200, 401), response.text
    return response.status_code == 200


async def test_reset_works_end_to_end_and_ends_every_session(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    old: Account = await signed_in(app, client)
    other_device = await login(client, old.username)
    before = await client.get(f"{AUTH}/sessions", headers=old.headers)
    old_sessions = {s["id"] for s in before.json()}
    assert len(old_sessions) == 2
    token = await _reset_token(app, client, database_url, old.email)

    response = await client.post(CONFIRM, json={"token": token, "new_password": NEW_PASSWORD})

    assert response.status_code == 204, response.text
    assert await _password_works(client, old.email, NEW_PASSWORD)
    assert not await _password_works(client, old.email, PASSWORD)
    refreshed = await client.post(f"{AUTH}/refresh", json={"refresh_token": old.refresh_token})
    assert_error(refreshed, 401, "INVALID_TOKEN")
    assert_error(await client.get("/api/v1/users/me", headers=old.headers), 401, "INVALID_TOKEN")
    for refresh_token in (other_device.refresh_token, old.refresh_token):
        refreshed = await client.post(f"{AUTH}/refresh", json={"refresh_token": refresh_token})
        assert refreshed.status_code == 401, refreshed.text
    fresh = await login(client, old.username, NEW_PASSWORD)
    sessions = await client.get(f"{AUTH}/sessions", headers=fresh.headers)
    assert sessions.status_code == 200, sessions.text
    assert not old_sessions & {s["id"] for s in sessions.json()}


async def test_known_and_unknown_addresses_get_the_same_answer_no_sooner_than_the_floor(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    known = f"{await create_user(app)}@example.com"
    unknown = f"{unique_name('nobody')}@example.com"
    answers = []
    for email in (known, unknown):
        started = time.perf_counter()
        response = await client.post(RESET, json={"email": email})
        answers.append((response, time.perf_counter() - started))

    (for_known, known_took), (for_unknown, unknown_took) = answers
    assert for_known.status_code == for_unknown.status_code == 202
    assert for_known.json() == for_unknown.json()
    assert for_known.headers["content-type"] == for_unknown.headers["content-type"]
    assert known_took >= verification.RESET_RESPONSE_FLOOR_SECONDS
    assert unknown_took >= verification.RESET_RESPONSE_FLOOR_SECONDS
    assert [(e.kind, e.to_address) for e in await outbox(app)] == [("password_reset", known)]


@pytest.mark.parametrize("spelling", [str.upper, lambda email: f"  {email}  "])
async def test_the_address_is_matched_as_registration_normalised_it(
    app: FastAPI, client: httpx.AsyncClient, spelling: object
) -> None:
    email = f"{await create_user(app)}@example.com"

    response = await client.post(RESET, json={"email": spelling(email)})  # type: ignore[operator]

    assert response.status_code == 202
    assert [e.to_address for e in await outbox(app)] == [email]


async def test_a_username_or_a_disabled_account_gets_the_same_answer_and_no_email(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    admin = await signed_in(app, client, role=Role.ADMIN)
    username = await create_user(app)
    disabled = await create_user(app)
    await client.patch(
        f"/api/v1/users/{disabled}/status", json={"status": "disabled"}, headers=admin.headers
    )
    baseline = await client.post(RESET, json={"email": f"{unique_name('nobody')}@example.com"})

    for login_name in (username, f"{disabled}@example.com"):
        response = await client.post(RESET, json={"email": login_name})
        assert response.status_code == 202
        assert response.json() == baseline.json()
    assert await outbox(app) == []


@pytest.mark.parametrize("body", [{}, {"email": ""}, {"email": 7}, {"email": "x" * 300}])
async def test_a_malformed_reset_request_is_a_400(
    client: httpx.AsyncClient, body: dict[str, object]
) -> None:
    assert_error(await client.post(RESET, json=body), 400, "VALIDATION_ERROR", field="email")


async def test_a_reset_token_works_once(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    email = f"{await create_user(app)}@example.com"
    token = await _reset_token(app, client, database_url, email)
    await client.post(CONFIRM, json={"token": token, "new_password": NEW_PASSWORD})

    again = await client.post(CONFIRM, json={"token": token, "new_password": "yet another phrase"})

    assert_error(again, 400, "VALIDATION_ERROR", field="token")
    assert await _password_works(client, email, NEW_PASSWORD)
    assert not await _password_works(client, email, "yet another phrase")


async def test_an_expired_reset_token_is_refused(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    email = f"{await create_user(app)}@example.com"
    token = await _reset_token(app, client, database_url, email)
    await expire_email_tokens(app)

    response = await client.post(CONFIRM, json={"token": token, "new_password": NEW_PASSWORD})

    assert_error(response, 400, "VALIDATION_ERROR", field="token")
    assert await _password_works(client, email, PASSWORD)


async def test_reset_tokens_live_one_hour(
    app: FastAPI, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert verification.LIFETIME[verification.Purpose.RESET_PASSWORD] == timedelta(hours=1)
    monkeypatch.setitem(
        verification.LIFETIME, verification.Purpose.RESET_PASSWORD, timedelta(seconds=-1)
    )
    email = f"{await create_user(app)}@example.com"
    await client.post(RESET, json={"email": email})
    token = await emailed_token(app, email, "password_reset")

    response = await client.post(CONFIRM, json={"token": token, "new_password": NEW_PASSWORD})

    assert_error(response, 400, "VALIDATION_ERROR", field="token")
    assert await _password_works(client, email, PASSWORD)


async def test_a_forged_or_foreign_token_is_refused(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    account = await signed_in(app, client)
    await client.post(f"{AUTH}/resend-verification", headers=account.headers)
    verify_token = await emailed_token(app, account.email, "verify_email")
    real = await _reset_token(app, client, database_url, account.email)

    for token in (real[:-2], "x" * 43, verify_token):
        body = {"token": token, "new_password": NEW_PASSWORD}
        assert_error(await client.post(CONFIRM, json=body), 400, "VALIDATION_ERROR", field="token")

    assert await _password_works(client, account.email, PASSWORD)
    # Neither token was spent by the failures.
    assert (await client.post(f"{AUTH}/verify-email", json={"token": verify_token})).is_success
    body = {"token": real, "new_password": NEW_PASSWORD}
    assert (await client.post(CONFIRM, json=body)).status_code == 204


@pytest.mark.parametrize(
    ("new_password", "why"),
    [("short", "too short"), ("password1", "common"), ("x" * 129, "too long")],
)
async def test_a_rejected_new_password_spends_nothing(
    app: FastAPI, client: httpx.AsyncClient, database_url: str, new_password: str, why: str
) -> None:
    account = await signed_in(app, client)
    token = await _reset_token(app, client, database_url, account.email)

    response = await client.post(CONFIRM, json={"token": token, "new_password": new_password})

    assert_error(response, 400, "VALIDATION_ERROR", field="new_password")
    assert await _password_works(client, account.email, PASSWORD), why
    assert (await client.get("/api/v1/users/me", headers=account.headers)).status_code == 200
    body = {"token": token, "new_password": NEW_PASSWORD}
    assert (await client.post(CONFIRM, json=body)).status_code == 204


async def test_the_new_password_may_not_be_the_email(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    email = f"{await create_user(app)}@example.com"
    token = await _reset_token(app, client, database_url, email)

    response = await client.post(CONFIRM, json={"token": token, "new_password": email})

    assert_error(response, 400, "VALIDATION_ERROR", field="new_password")


async def test_a_newer_reset_request_retires_the_older_token(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    email = f"{await create_user(app)}@example.com"
    older = await _reset_token(app, client, database_url, email)
    newer = await _reset_token(app, client, database_url, email)

    stale = await client.post(CONFIRM, json={"token": older, "new_password": NEW_PASSWORD})

    assert_error(stale, 400, "VALIDATION_ERROR", field="token")
    body = {"token": newer, "new_password": NEW_PASSWORD}
    assert (await client.post(CONFIRM, json=body)).status_code == 204
