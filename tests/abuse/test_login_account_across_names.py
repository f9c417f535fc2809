"""Failed sign-ins count against the account, whichever of its names (email or username) is
typed: five wrong passwords through one name stop guesses through the other too, without a
429 that would tell the two names are one account."""

import asyncio

import httpx
import pytest
from factories import PASSWORD, assert_error, create_user, own_app, unique_name

from blogapi.auth import service as auth_service
from blogapi.core.config import Settings

from .ratelimits import LOGIN, TOKEN, assert_limited, without_request_id

ACCOUNT_LIMIT = {"rate_limit_login_ip": "1000/minute"}
WRONG = "not the password at all"
Verified = tuple[bool, str | None]


async def attempt(client: httpx.AsyncClient, name: str, password: str = WRONG) -> httpx.Response:
    return await client.post(LOGIN, json={"email": name, "password": password})


async def test_failures_by_email_stop_the_right_password_by_username(database_url: str) -> None:
    async with own_app(database_url, **ACCOUNT_LIMIT) as (app, client):
        username = await create_user(app)
        for _ in range(5):
            assert_error(
                await attempt(client, f"{username}@example.com"), 401, "INVALID_CREDENTIALS"
            )

        by_username = await attempt(client, username, PASSWORD)
        by_email = await attempt(client, f"{username}@example.com", PASSWORD)

    # The name that was guessed is limited in the open; the other name is refused as if the
    # password were wrong, so the answer says nothing about which names share an account.
    assert_error(by_username, 401, "INVALID_CREDENTIALS")
    assert_limited(by_email, "login-account", 5, 60)


async def test_failures_by_username_stop_the_right_password_by_email(database_url: str) -> None:
    async with own_app(database_url, **ACCOUNT_LIMIT) as (app, client):
        username = await create_user(app)
        for _ in range(5):
            response = await client.post(TOKEN, data={"username": username, "password": WRONG})
            assert_error(response, 401, "INVALID_CREDENTIALS")

        response = await attempt(client, f" {username.upper()}@EXAMPLE.COM ", PASSWORD)

    assert_error(response, 401, "INVALID_CREDENTIALS")


async def test_alternating_names_get_five_tries_in_all(database_url: str) -> None:
    async with own_app(database_url, **ACCOUNT_LIMIT) as (app, client):
        username = await create_user(app)
        names = [username, f"{username}@example.com"]
        for n in range(5):
            assert (await attempt(client, names[n % 2])).status_code == 401

        # Neither name is past its own limit (3 and 2 failures), yet no password is tried.
        responses = [await attempt(client, name, PASSWORD) for name in names]

    for response in responses:
        assert_error(response, 401, "INVALID_CREDENTIALS")


async def test_the_account_is_open_again_after_the_window(database_url: str) -> None:
    limits = {**ACCOUNT_LIMIT, "rate_limit_login_account": "5 per 2 seconds"}
    async with own_app(database_url, **limits) as (app, client):
        username = await create_user(app)
        for _ in range(5):
            await attempt(client, f"{username}@example.com")
        assert (await attempt(client, username, PASSWORD)).status_code == 401

        await asyncio.sleep(2.1)

        response = await attempt(client, username, PASSWORD)

    assert response.status_code == 200, response.text


async def test_a_success_clears_the_account_count(database_url: str) -> None:
    async with own_app(database_url, **ACCOUNT_LIMIT) as (app, client):
        username = await create_user(app)
        for name in (username, f"{username}@example.com"):
            for _ in range(4):
                assert (await attempt(client, name)).status_code == 401
            assert (await attempt(client, name, PASSWORD)).status_code == 200


async def test_a_linked_name_is_answered_like_an_unrelated_one(database_url: str) -> None:
    # Five failures on an email, then one wrong password on a username: whether the two are
    # one account or not, the answers are the same.
    async with own_app(database_url, **ACCOUNT_LIMIT) as (app, client):
        owner = await create_user(app)
        stranger = await create_user(app)
        nobody = f"{unique_name('nobody')}@example.com"
        for email in (f"{owner}@example.com", nobody):
            for _ in range(5):
                await attempt(client, email)

        linked = await attempt(client, owner)
        unrelated = await attempt(client, stranger)

    assert without_request_id(linked) == without_request_id(unrelated)
    assert set(linked.headers) == set(unrelated.headers)
    assert_error(linked, 401, "INVALID_CREDENTIALS")


async def test_concurrent_guesses_through_both_names_check_five_passwords_at_most(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []
    real_verify = auth_service.verify_password

    async def recording(settings: Settings, password: str, stored: str | None) -> Verified:
        if stored is not None:  # None: the dummy hash, no password of the account checked
            checked.append(password)
        return await real_verify(settings, password, stored)

    monkeypatch.setattr(auth_service, "verify_password", recording)
    async with own_app(database_url, **ACCOUNT_LIMIT) as (app, client):
        username = await create_user(app)
        names = [username, f"{username}@example.com"]
        guesses = [attempt(client, names[n % 2], f"guess number {n}") for n in range(20)]

        statuses = [r.status_code for r in await asyncio.gather(*guesses)]

    assert len(checked) <= 5, checked
    assert statuses.count(401) + statuses.count(429) == 20, statuses
