"""REQUIRE_EMAIL_VERIFICATION: unverified accounts sign in and read, but may not publish."""

import httpx
from factories import PASSWORD, assert_error, create_post, login, me, own_app, unique_name
from fastapi import FastAPI

from .mailbox import AUTH, deliver, mail_settings, register, smtp_server, token_in

POSTS = "/api/v1/posts"
GATED = {"require_email_verification": True, "rate_limits_enabled": False}


async def _newcomer(client: httpx.AsyncClient) -> str:
    username = unique_name("newcomer")
    assert (await register(client, username)).status_code == 201
    return username


async def _verify_through_smtp(app: FastAPI, database_url: str, address: str) -> str:
    with smtp_server() as box:
        await deliver(app, mail_settings(database_url, box.port))
    return token_in(box.only(address, "Confirm your email address"))


async def test_an_unverified_account_signs_in_and_reads(database_url: str) -> None:
    async with own_app(database_url, **GATED) as (_app, client):
        account = await login(client, await _newcomer(client))

        profile = await me(client, account)
        listing = await client.get(POSTS, headers=account.headers)

    assert profile["email_verified"] is False
    assert listing.status_code == 200, listing.text


async def test_an_unverified_account_may_not_create_posts(database_url: str) -> None:
    async with own_app(database_url, **GATED) as (_app, client):
        account = await login(client, await _newcomer(client))
        title = unique_name("Blocked ")

        response = await client.post(
            POSTS, json={"title": title, "content": "text"}, headers=account.headers
        )
        mine = await client.get(
            POSTS, params={"author": account.username, "status": "draft"}, headers=account.headers
        )

    assert_error(response, 403, "EMAIL_NOT_VERIFIED")
    assert mine.status_code == 200, mine.text
    assert title not in [post["title"] for post in mine.json()["data"]]


async def test_drafts_are_blocked_too(database_url: str) -> None:
    async with own_app(database_url, **GATED) as (_app, client):
        account = await login(client, await _newcomer(client))

        response = await client.post(
            POSTS,
            json={"title": "Draft", "content": "text", "status": "draft"},
            headers=account.headers,
        )

    assert_error(response, 403, "EMAIL_NOT_VERIFIED")


async def test_verifying_through_the_email_unlocks_posting(database_url: str) -> None:
    async with own_app(database_url, **GATED) as (app, client):
        account = await login(client, await _newcomer(client))
        token = await _verify_through_smtp(app, database_url, account.email)

        verified = await client.post(f"{AUTH}/verify-email", json={"token": token})
        assert verified.status_code == 200, verified.text

        # The same access token works: verification needs no new sign-in.
        post = await create_post(client, account)

    assert post["author"]["username"] == account.username


async def test_a_pending_address_change_keeps_the_account_verified(database_url: str) -> None:
    async with own_app(database_url, **GATED) as (app, client):
        account = await login(client, await _newcomer(client))
        token = await _verify_through_smtp(app, database_url, account.email)
        await client.post(f"{AUTH}/verify-email", json={"token": token})

        changed = await client.patch(
            "/api/v1/users/me",
            json={"email": f"{unique_name('moved')}@example.com", "current_password": PASSWORD},
            headers=account.headers,
        )
        assert changed.status_code == 200, changed.text

        assert changed.json()["email"] == account.email
        assert changed.json()["email_verified"] is True
        await create_post(client, account)


async def test_without_the_setting_unverified_accounts_may_post(database_url: str) -> None:
    async with own_app(database_url, rate_limits_enabled=False) as (_app, client):
        account = await login(client, await _newcomer(client))

        assert (await me(client, account))["email_verified"] is False
        await create_post(client, account)
