"""A new email address takes effect once confirmed from it; the old address is told."""

import httpx
import pytest
from factories import (
    ME,
    PASSWORD,
    Account,
    assert_error,
    me,
    signed_in,
    unique_name,
    verify_email,
)
from fastapi import FastAPI

from .mailbox import (
    AUTH,
    deliver,
    expire_email_tokens,
    mail_settings,
    outbox,
    register,
    smtp_server,
    text_of,
    token_in,
)

VERIFY = f"{AUTH}/verify-email"
CONFIRM_SUBJECT = "Confirm your new email address"
NOTICE_SUBJECT = "Your email address is being changed"


def _new_address() -> str:
    return f"{unique_name('moved')}@example.com"


async def _can_sign_in(client: httpx.AsyncClient, email: str) -> bool:
    response = await client.post(f"{AUTH}/login", json={"email": email, "password": PASSWORD})
    return response.status_code == 200


async def _ask_for(client: httpx.AsyncClient, account: Account, email: str) -> httpx.Response:
    body = {"email": email, "current_password": account.password}
    return await client.patch(ME, json=body, headers=account.headers)


async def _change_token(
    app: FastAPI, client: httpx.AsyncClient, database_url: str, account: Account, new: str
) -> str:
    """Ask to move `account` to `new`; the token from the email the new address receives."""
    assert (await _ask_for(client, account, new)).status_code == 200
    with smtp_server() as box:
        await deliver(app, mail_settings(database_url, box.port))
    return token_in(box.only(new, CONFIRM_SUBJECT))


async def test_changing_the_email_works_end_to_end_through_smtp(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    account = await signed_in(app, client)
    await verify_email(app, client, account)
    new = _new_address()

    response = await _ask_for(client, account, new)
    assert response.status_code == 200, response.text
    assert response.json()["email"] == account.email
    with smtp_server() as box:
        assert await deliver(app, mail_settings(database_url, box.port)) >= 2

    notice = box.only(account.email, NOTICE_SUBJECT)
    assert new in text_of(notice)
    assert "token=" not in notice.as_string()
    confirmed = await client.post(VERIFY, json={"token": token_in(box.only(new, CONFIRM_SUBJECT))})
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["email"] == new
    assert confirmed.json()["email_verified"] is True
    assert (await me(client, account))["email"] == new
    assert await _can_sign_in(client, new)
    assert not await _can_sign_in(client, account.email)


async def test_until_confirmed_the_account_keeps_its_old_email(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    account = await signed_in(app, client)
    await verify_email(app, client, account)
    new = _new_address()

    await _change_token(app, client, database_url, account, new)

    profile = await me(client, account)
    assert profile["email"] == account.email
    assert profile["email_verified"] is True
    assert await _can_sign_in(client, account.email)
    assert not await _can_sign_in(client, new)
    # The pending address is not reserved against its rightful owner either.
    assert (await register(client, unique_name("owner"), email=new)).status_code == 201


async def test_other_profile_changes_apply_at_once(app: FastAPI, client: httpx.AsyncClient) -> None:
    account = await signed_in(app, client)

    body = {"email": _new_address(), "display_name": "New Name", "current_password": PASSWORD}
    response = await client.patch(ME, json=body, headers=account.headers)

    assert response.status_code == 200, response.text
    assert response.json()["display_name"] == "New Name"
    assert response.json()["email"] == account.email


async def test_an_address_that_is_taken_is_a_conflict_and_sends_nothing(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    other = await signed_in(app, client)

    response = await _ask_for(client, account, other.email.upper())

    assert_error(response, 409, "EMAIL_TAKEN")
    assert await outbox(app) == []


async def test_asking_for_the_current_address_sends_nothing(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)

    response = await _ask_for(client, account, account.email)

    assert response.status_code == 200, response.text
    assert await outbox(app) == []


@pytest.mark.parametrize("address", ["not-an-email", "", "a@b@example.com"])
async def test_a_malformed_address_is_a_400_and_sends_nothing(
    app: FastAPI, client: httpx.AsyncClient, address: str
) -> None:
    account = await signed_in(app, client)

    response = await _ask_for(client, account, address)

    assert_error(response, 400, "VALIDATION_ERROR", field="email")
    assert await outbox(app) == []


async def test_a_change_token_works_once(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    account = await signed_in(app, client)
    token = await _change_token(app, client, database_url, account, _new_address())
    assert (await client.post(VERIFY, json={"token": token})).status_code == 200

    again = await client.post(VERIFY, json={"token": token})

    assert_error(again, 400, "VALIDATION_ERROR", field="token")


async def test_a_newer_change_retires_the_older_one(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    account = await signed_in(app, client)
    first, second = _new_address(), _new_address()
    older = await _change_token(app, client, database_url, account, first)
    newer = await _change_token(app, client, database_url, account, second)

    assert_error(await client.post(VERIFY, json={"token": older}), 400, "VALIDATION_ERROR")
    assert (await me(client, account))["email"] == account.email
    assert (await client.post(VERIFY, json={"token": newer})).status_code == 200
    assert (await me(client, account))["email"] == second


async def test_an_expired_change_token_changes_nothing(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    account = await signed_in(app, client)
    token = await _change_token(app, client, database_url, account, _new_address())
    await expire_email_tokens(app)

    response = await client.post(VERIFY, json={"token": token})

    assert_error(response, 400, "VALIDATION_ERROR", field="token")
    assert (await me(client, account))["email"] == account.email


async def test_an_address_taken_in_the_meantime_is_not_stolen(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    account = await signed_in(app, client)
    new = _new_address()
    token = await _change_token(app, client, database_url, account, new)
    owner = unique_name("owner")
    assert (await register(client, owner, email=new)).status_code == 201

    response = await client.post(VERIFY, json={"token": token})

    assert_error(response, 409, "EMAIL_TAKEN")
    assert (await me(client, account))["email"] == account.email
    assert await _can_sign_in(client, new)  # still the rightful owner's sign-in
