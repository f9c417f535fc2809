"""PATCH /users/me on username and email: unique, normalised; a new email needs confirming."""

import asyncio

import httpx
import pytest
from factories import (
    ME,
    PASSWORD,
    USERS,
    assert_error,
    create_user,
    emailed_token,
    emails_to,
    me,
    signed_in,
    unique_name,
    verify_email,
)
from fastapi import FastAPI

TOKEN = "/api/v1/auth/token"
LOGIN = "/api/v1/auth/login"
VERIFY = "/api/v1/auth/verify-email"


async def test_username_change_is_normalised_and_moves_the_public_profile(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    new_name = unique_name("renamed")

    response = await client.patch(ME, json={"username": new_name.upper()}, headers=account.headers)

    assert response.status_code == 200, response.text
    assert response.json()["username"] == new_name
    assert (await client.get(f"{USERS}/{new_name}")).json()["id"] == account.id
    assert_error(await client.get(f"{USERS}/{account.username}"), 404, "NOT_FOUND")
    assert (await me(client, account))["username"] == new_name


async def test_a_freed_username_can_be_taken_by_someone_else(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    first = await signed_in(app, client)
    second = await signed_in(app, client)
    await client.patch(ME, json={"username": unique_name("moved")}, headers=first.headers)

    response = await client.patch(ME, json={"username": first.username}, headers=second.headers)

    assert response.status_code == 200, response.text
    assert response.json()["username"] == first.username


async def test_keeping_ones_own_username_is_not_a_conflict(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)

    response = await client.patch(
        ME, json={"username": account.username, "email": account.email}, headers=account.headers
    )

    assert response.status_code == 200, response.text


@pytest.mark.parametrize("shout", [False, True])
async def test_a_taken_username_is_409_and_nothing_changes(
    app: FastAPI, client: httpx.AsyncClient, shout: bool
) -> None:
    taken = await create_user(app)
    account = await signed_in(app, client)
    before = await me(client, account)
    wanted = taken.upper() if shout else taken

    response = await client.patch(
        ME, json={"username": wanted, "bio": "changed"}, headers=account.headers
    )

    assert_error(response, 409, "USERNAME_TAKEN")
    assert await me(client, account) == before


@pytest.mark.parametrize("username", ["ab", "a" * 51, "has space", "dash-ed", "émile", "", None, 7])
async def test_an_invalid_username_is_400_and_nothing_changes(
    app: FastAPI, client: httpx.AsyncClient, username: object
) -> None:
    account = await signed_in(app, client)
    before = await me(client, account)

    response = await client.patch(
        ME, json={"username": username, "bio": "changed"}, headers=account.headers
    )

    assert_error(response, 400, "VALIDATION_ERROR", field="username")
    assert await me(client, account) == before


async def sign_in_status(client: httpx.AsyncClient, email: str) -> int:
    response = await client.post(LOGIN, json={"email": email, "password": PASSWORD})
    return response.status_code


async def test_a_new_email_takes_effect_only_once_confirmed_from_that_address(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    new_email = f"{unique_name('new')}@example.org"

    body = {"email": new_email.upper(), "bio": "now", "current_password": PASSWORD}
    response = await client.patch(ME, json=body, headers=account.headers)

    assert response.status_code == 200, response.text
    assert response.json()["email"] == account.email
    assert response.json()["bio"] == "now"
    assert await sign_in_status(client, new_email) == 401
    token = await emailed_token(app, new_email, "confirm_new_email")
    assert "email_change_notice" in [e.kind for e in await emails_to(app, account.email)]
    confirmed = await client.post(VERIFY, json={"token": token})
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["email"] == new_email
    assert (await me(client, account))["email"] == new_email
    assert await sign_in_status(client, new_email) == 200
    assert await sign_in_status(client, account.email) == 401


async def test_a_confirmed_new_email_is_the_verified_one(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    new_email = f"{unique_name('new')}@example.org"
    body = {"email": new_email, "current_password": PASSWORD}
    await client.patch(ME, json=body, headers=account.headers)

    await client.post(
        VERIFY, json={"token": await emailed_token(app, new_email, "confirm_new_email")}
    )

    assert (await me(client, account))["email_verified"] is True


async def test_changing_email_keeps_a_verified_address_verified_until_confirmed(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    await verify_email(app, client, account)

    body = {"email": f"{unique_name('new')}@example.org", "current_password": PASSWORD}
    response = await client.patch(ME, json=body, headers=account.headers)

    assert response.status_code == 200, response.text
    assert response.json()["email"] == account.email
    assert response.json()["email_verified"] is True


async def test_sending_the_current_email_again_changes_nothing(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    await verify_email(app, client, account)

    response = await client.patch(
        ME, json={"email": account.email.upper(), "bio": "hello"}, headers=account.headers
    )

    assert response.status_code == 200, response.text
    assert response.json()["email"] == account.email
    assert response.json()["email_verified"] is True


async def test_an_email_taken_before_confirmation_is_409_and_nothing_changes(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    wanted = f"{unique_name('wanted')}@example.org"
    await client.patch(
        ME, json={"email": wanted, "current_password": PASSWORD}, headers=account.headers
    )
    token = await emailed_token(app, wanted, "confirm_new_email")
    register = await client.post(
        "/api/v1/auth/register",
        json={"email": wanted, "username": unique_name(), "password": PASSWORD},
    )
    assert register.status_code == 201, register.text

    response = await client.post(VERIFY, json={"token": token})

    assert_error(response, 409, "EMAIL_TAKEN")
    assert (await me(client, account))["email"] == account.email
    assert await sign_in_status(client, account.email) == 200


async def test_a_taken_email_is_409_and_nothing_changes(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    taken = await create_user(app)
    account = await signed_in(app, client)
    before = await me(client, account)

    body = {"email": f"{taken.upper()}@EXAMPLE.COM", "bio": "x", "current_password": PASSWORD}
    response = await client.patch(ME, json=body, headers=account.headers)

    assert_error(response, 409, "EMAIL_TAKEN")
    assert await me(client, account) == before


@pytest.mark.parametrize(
    "email", ["not-an-email", "@example.com", "a@", "a" * 250 + "@example.com", None, ""]
)
async def test_an_invalid_email_is_400_and_nothing_changes(
    app: FastAPI, client: httpx.AsyncClient, email: object
) -> None:
    account = await signed_in(app, client)
    before = await me(client, account)

    response = await client.patch(ME, json={"email": email, "bio": "x"}, headers=account.headers)

    assert_error(response, 400, "VALIDATION_ERROR", field="email")
    assert await me(client, account) == before


async def test_two_accounts_racing_for_one_username_get_one_200_and_one_409(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    first = await signed_in(app, client)
    second = await signed_in(app, client)
    wanted = unique_name("wanted")

    responses = await asyncio.gather(
        *(
            client.patch(ME, json={"username": wanted}, headers=account.headers)
            for account in (first, second)
        )
    )

    assert sorted(r.status_code for r in responses) == [200, 409], [r.text for r in responses]
    loser = next(r for r in responses if r.status_code == 409)
    assert_error(loser, 409, "USERNAME_TAKEN")
    owner = (await client.get(f"{USERS}/{wanted}")).json()["id"]
    assert owner in {first.id, second.id}
    names = {(await me(client, a))["username"] for a in (first, second)}
    assert names == {wanted, first.username if owner == second.id else second.username}


async def test_the_new_username_signs_in_and_the_old_one_no_longer_does(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    new_name = unique_name("renamed")
    await client.patch(ME, json={"username": new_name}, headers=account.headers)

    new = await client.post(TOKEN, data={"username": new_name, "password": PASSWORD})
    old = await client.post(TOKEN, data={"username": account.username, "password": PASSWORD})

    assert new.status_code == 200, new.text
    assert new.json()["user"]["id"] == account.id
    assert_error(old, 401, "INVALID_CREDENTIALS")
