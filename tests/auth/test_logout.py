"""POST /auth/logout ends one session; POST /auth/logout-all ends all of them."""

from typing import Any

import httpx
import pytest
from factories import ME, assert_error, login, signed_in
from fastapi import FastAPI

from .endpoints import LOGOUT, LOGOUT_ALL, SESSIONS, refresh


async def logout(client: httpx.AsyncClient, refresh_token: str) -> httpx.Response:
    return await client.post(LOGOUT, json={"refresh_token": refresh_token})


async def test_logout_ends_that_session_only(app: FastAPI, client: httpx.AsyncClient) -> None:
    account = await signed_in(app, client)
    other = await login(client, account.username)

    response = await logout(client, account.refresh_token)

    assert response.status_code == 204, response.text
    assert response.content == b""
    assert_error(await refresh(client, account.refresh_token), 401, "INVALID_TOKEN")
    sessions = (await client.get(SESSIONS, headers=other.headers)).json()
    assert [s["current"] for s in sessions] == [True]
    assert (await refresh(client, other.refresh_token)).status_code == 200


async def test_logout_with_a_rotated_token_ends_the_whole_session(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    rotated = (await refresh(client, account.refresh_token)).json()

    assert (await logout(client, rotated["refresh_token"])).status_code == 204

    assert_error(await refresh(client, rotated["refresh_token"]), 401, "INVALID_TOKEN")
    assert_error(await refresh(client, account.refresh_token), 401, "INVALID_TOKEN")


async def test_logging_out_twice_is_harmless(app: FastAPI, client: httpx.AsyncClient) -> None:
    account = await signed_in(app, client)
    assert (await logout(client, account.refresh_token)).status_code == 204

    response = await logout(client, account.refresh_token)

    assert response.status_code == 204, response.text
    assert_error(await refresh(client, account.refresh_token), 401, "INVALID_TOKEN")


async def test_logout_with_an_unknown_token_is_401_and_ends_nothing(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)

    response = await logout(client, "not-a-token-we-issued")

    assert_error(response, 401, "INVALID_TOKEN")
    assert (await refresh(client, account.refresh_token)).status_code == 200


@pytest.mark.parametrize(
    "body",
    [{}, {"refresh_token": ""}, {"refresh_token": 7}, {"refresh_token": "x" * 257}, {"all": True}],
)
async def test_bad_logout_body_is_400_and_ends_nothing(
    app: FastAPI, client: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    account = await signed_in(app, client)

    response = await client.post(LOGOUT, json=body)

    assert_error(response, 400, "VALIDATION_ERROR")
    assert (await refresh(client, account.refresh_token)).status_code == 200


async def test_logout_as_text_is_415_and_ends_nothing(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)

    response = await client.post(
        LOGOUT,
        content=f'{{"refresh_token": "{account.refresh_token}"}}',
        headers={"Content-Type": "text/plain"},
    )

    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")
    assert (await refresh(client, account.refresh_token)).status_code == 200


async def test_logout_all_ends_every_session_and_every_access_token(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    others = [await login(client, account.username) for _ in range(2)]

    response = await client.post(LOGOUT_ALL, headers=account.headers)

    assert response.status_code == 204, response.text
    assert response.content == b""
    for session in (account, *others):
        assert_error(await refresh(client, session.refresh_token), 401, "INVALID_TOKEN")
        assert_error(await client.get(ME, headers=session.headers), 401, "INVALID_TOKEN")
    # Signing in again works as before.
    fresh = await login(client, account.username)
    assert (await client.get(ME, headers=fresh.headers)).status_code == 200
    sessions = (await client.get(SESSIONS, headers=fresh.headers)).json()
    assert [s["current"] for s in sessions] == [True]


async def test_logout_all_leaves_other_users_alone(app: FastAPI, client: httpx.AsyncClient) -> None:
    account = await signed_in(app, client)
    bystander = await signed_in(app, client)

    assert (await client.post(LOGOUT_ALL, headers=account.headers)).status_code == 204

    assert (await client.get(ME, headers=bystander.headers)).status_code == 200
    assert (await refresh(client, bystander.refresh_token)).status_code == 200


async def test_logout_all_needs_an_access_token(app: FastAPI, client: httpx.AsyncClient) -> None:
    account = await signed_in(app, client)

    anonymous = await client.post(LOGOUT_ALL)
    with_refresh_token = await client.post(
        LOGOUT_ALL, headers={"Authorization": f"Bearer {account.refresh_token}"}
    )

    assert_error(anonymous, 401, "AUTHENTICATION_REQUIRED")
    assert_error(with_refresh_token, 401, "INVALID_TOKEN")
    assert (await client.get(ME, headers=account.headers)).status_code == 200
    assert (await refresh(client, account.refresh_token)).status_code == 200


async def test_logout_all_twice_with_the_same_token_is_refused(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    assert (await client.post(LOGOUT_ALL, headers=account.headers)).status_code == 204

    response = await client.post(LOGOUT_ALL, headers=account.headers)

    assert_error(response, 401, "INVALID_TOKEN")
