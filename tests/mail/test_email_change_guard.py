"""A new email address needs the current password (re-authentication) and is limited per
account, as each ask sends mail to an address of the caller's choosing."""

import httpx
import pytest
from abuse.ratelimits import assert_limited
from factories import (
    ME,
    PASSWORD,
    USERS,
    Account,
    assert_error,
    create_user,
    login,
    me,
    own_app,
    signed_in,
    unique_name,
)
from fastapi import FastAPI

from .mailbox import outbox

POLICY = "email-change-user"


def _new_address() -> str:
    return f"{unique_name('moved')}@example.com"


async def _ask(client: httpx.AsyncClient, account: Account, **fields: object) -> httpx.Response:
    return await client.patch(ME, json=fields, headers=account.headers)


@pytest.mark.parametrize("password", [None, "not the password", ""])
async def test_a_new_address_without_the_right_password_is_400_and_changes_nothing(
    app: FastAPI, client: httpx.AsyncClient, password: str | None
) -> None:
    account = await signed_in(app, client)
    before = await me(client, account)
    fields: dict[str, object] = {"email": _new_address(), "bio": "changed"}
    if password is not None:
        fields["current_password"] = password

    response = await _ask(client, account, **fields)

    assert_error(response, 400, "VALIDATION_ERROR", field="current_password")
    assert await me(client, account) == before
    assert await outbox(app) == []


async def test_the_right_password_asks_for_the_new_address(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    new = _new_address()

    response = await _ask(client, account, email=new, current_password=PASSWORD)

    assert response.status_code == 200, response.text
    assert response.json()["email"] == account.email
    assert "current_password" not in response.json()
    assert sorted(e.to_address for e in await outbox(app)) == sorted([new, account.email])


async def test_a_taken_address_is_not_revealed_without_the_password(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    """Someone holding a stolen access token learns nothing about other accounts."""
    taken = f"{await create_user(app)}@example.com"
    account = await signed_in(app, client)

    response = await _ask(client, account, email=taken, current_password="a guess")

    assert_error(response, 400, "VALIDATION_ERROR", field="current_password")


@pytest.mark.parametrize(
    "fields",
    [
        {"bio": "no password needed"},
        {"display_name": "New Name", "username": "renamed_freely"},
        {"email": "SAME"},  # the current address: nothing to confirm
        {"bio": "a stray password is ignored", "current_password": "anything"},
    ],
)
async def test_other_changes_need_no_password(
    app: FastAPI, client: httpx.AsyncClient, fields: dict[str, str]
) -> None:
    account = await signed_in(app, client)
    if fields.get("email") == "SAME":
        fields = {**fields, "email": account.email.upper()}

    response = await _ask(client, account, **fields)

    assert response.status_code == 200, response.text
    assert await outbox(app) == []


async def test_the_openapi_schema_documents_the_password(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()["components"]["schemas"]["UserUpdate"]

    assert "current_password" in schema["properties"]
    assert "current_password" not in schema.get("required", [])


async def test_three_asks_an_hour_per_account(database_url: str) -> None:
    async with own_app(database_url) as (app, client):
        first = await login(client, await create_user(app))
        other = await login(client, await create_user(app))
        for _ in range(3):
            ok = await _ask(client, first, email=_new_address(), current_password=PASSWORD)
            assert ok.status_code == 200, ok.text

        refused = await _ask(client, first, email=_new_address(), current_password=PASSWORD)
        elsewhere = await client.patch(
            f"{USERS}/{first.username}",
            json={"email": _new_address(), "current_password": PASSWORD},
            headers=first.headers,
        )
        others_ask = await _ask(client, other, email=_new_address(), current_password=PASSWORD)
        profile = await _ask(client, first, bio="still editable")

    assert_limited(refused, POLICY, 3, 3600)
    assert_limited(elsewhere, POLICY, 3, 3600)
    assert others_ask.status_code == 200, others_ask.text
    assert profile.status_code == 200, profile.text


async def test_wrong_passwords_count_so_guessing_stops_at_the_limit(database_url: str) -> None:
    async with own_app(database_url) as (app, client):
        account = await login(client, await create_user(app))
        for guess in ("guess one", "guess two", "guess three"):
            wrong = await _ask(client, account, email=_new_address(), current_password=guess)
            assert_error(wrong, 400, "VALIDATION_ERROR", field="current_password")

        right = await _ask(client, account, email=_new_address(), current_password=PASSWORD)

    assert_limited(right, POLICY, 3, 3600)


async def test_the_limit_is_a_setting(database_url: str) -> None:
    async with own_app(database_url, rate_limit_email_change_user="1/minute") as (app, client):
        account = await login(client, await create_user(app))
        await _ask(client, account, email=_new_address(), current_password=PASSWORD)

        again = await _ask(client, account, email=_new_address(), current_password=PASSWORD)

    assert_limited(again, POLICY, 1, 60)
