"""DELETE /users/me {password}: the account is deactivated and anonymised, its posts go too."""

from typing import Any

import httpx
import pytest
from factories import (
    ME,
    PASSWORD,
    USERS,
    Account,
    assert_error,
    create_post,
    me,
    read_post,
    signed_in,
)
from fastapi import FastAPI

from blogapi.core.config import Role

LOGIN = "/api/v1/auth/login"


async def delete_me(client: httpx.AsyncClient, account: Account, body: Any) -> httpx.Response:
    return await client.request("DELETE", ME, json=body, headers=account.headers)


async def test_delete_me_with_the_password_is_204_and_the_profile_is_gone(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)

    response = await delete_me(client, account, {"password": PASSWORD})

    assert response.status_code == 204
    assert response.content == b""
    assert_error(await client.get(f"{USERS}/{account.username}"), 404, "NOT_FOUND")
    assert_error(await client.get(f"{USERS}/{account.id}"), 404, "NOT_FOUND")


async def test_a_deleted_account_cannot_sign_in_or_use_its_tokens(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)

    await delete_me(client, account, {"password": PASSWORD})

    login = await client.post(LOGIN, json={"email": account.email, "password": PASSWORD})
    assert_error(login, 401, "INVALID_CREDENTIALS")
    assert_error(await client.get(ME, headers=account.headers), 401, "INVALID_TOKEN")
    refresh = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": account.refresh_token}
    )
    assert refresh.status_code == 401, refresh.text
    again = await delete_me(client, account, {"password": PASSWORD})
    assert_error(again, 401, "INVALID_TOKEN")


async def test_a_deleted_account_is_anonymised_and_frees_its_email_and_username(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    await client.patch(ME, json={"display_name": "Gone", "bio": "b"}, headers=account.headers)
    admin = await signed_in(app, client, role=Role.ADMIN)

    await delete_me(client, account, {"password": PASSWORD})

    listed = (await client.get(USERS, params={"limit": 100}, headers=admin.headers)).json()
    assert account.id not in [user["id"] for user in listed["data"]]
    assert "Gone" not in str(listed)
    register = await client.post(
        "/api/v1/auth/register",
        json={"email": account.email, "username": account.username, "password": PASSWORD},
    )
    assert register.status_code == 201, register.text
    assert register.json()["id"] != account.id


async def test_deleting_an_account_removes_its_posts(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    post = await create_post(client, account)

    await delete_me(client, account, {"password": PASSWORD})

    assert_error(await read_post(client, post["id"]), 404, "NOT_FOUND")


async def test_delete_me_with_a_wrong_password_is_400_and_nothing_changes(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    post = await create_post(client, account)
    before = await me(client, account)

    response = await delete_me(client, account, {"password": "not the password"})

    assert_error(response, 400, "VALIDATION_ERROR", field="password")
    assert await me(client, account) == before
    assert (await client.get(f"{USERS}/{account.username}")).status_code == 200
    assert (await read_post(client, post["id"])).status_code == 200
    login = await client.post(LOGIN, json={"email": account.email, "password": PASSWORD})
    assert login.status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"password": ""},
        {"password": None},
        {"password": 12345678},
        {"password": PASSWORD, "force": True},
        [PASSWORD],
    ],
)
async def test_delete_me_with_a_bad_body_is_400_and_nothing_changes(
    app: FastAPI, client: httpx.AsyncClient, body: Any
) -> None:
    account = await signed_in(app, client)
    before = await me(client, account)

    response = await delete_me(client, account, body)

    assert_error(response, 400, "VALIDATION_ERROR")
    assert await me(client, account) == before


async def test_delete_me_without_a_body_is_400(app: FastAPI, client: httpx.AsyncClient) -> None:
    account = await signed_in(app, client)

    response = await client.delete(ME, headers=account.headers)

    assert_error(response, 400, "VALIDATION_ERROR")
    assert (await me(client, account))["status"] == "active"


async def test_delete_me_without_a_token_is_401(client: httpx.AsyncClient) -> None:
    response = await client.request("DELETE", ME, json={"password": PASSWORD})

    assert_error(response, 401, "AUTHENTICATION_REQUIRED")
