"""POST /auth/password: other sessions end, older access tokens stop, this session goes on."""

from typing import Any

import httpx
import pytest
from factories import ME, PASSWORD, Account, assert_error, login, signed_in
from fastapi import FastAPI

from .endpoints import LOGIN, PASSWORD_CHANGE, SESSIONS, bearer, refresh

NEW_PASSWORD = "a brand new passphrase"


async def change(
    client: httpx.AsyncClient, account: Account, current: str, new: str
) -> httpx.Response:
    return await client.post(
        PASSWORD_CHANGE,
        json={"current_password": current, "new_password": new},
        headers=account.headers,
    )


async def signs_in(client: httpx.AsyncClient, account: Account, password: str) -> bool:
    response = await client.post(LOGIN, json={"email": account.email, "password": password})
    assert response.status_code in (200, 401), response.text
    return response.status_code == 200


async def assert_unchanged(client: httpx.AsyncClient, account: Account, other: Account) -> None:
    """Nothing changed: old password, both access tokens and both sessions still work."""
    for session in (account, other):
        assert (await client.get(ME, headers=session.headers)).status_code == 200
    assert (await refresh(client, other.refresh_token)).status_code == 200
    assert (await refresh(client, account.refresh_token)).status_code == 200
    assert await signs_in(client, account, PASSWORD)
    assert not await signs_in(client, account, NEW_PASSWORD)


async def test_password_change_is_204_and_swaps_the_password(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)

    response = await change(client, account, PASSWORD, NEW_PASSWORD)

    assert response.status_code == 204, response.text
    assert response.content == b""
    assert await signs_in(client, account, NEW_PASSWORD)
    assert not await signs_in(client, account, PASSWORD)


async def test_password_change_ends_other_sessions(app: FastAPI, client: httpx.AsyncClient) -> None:
    account = await signed_in(app, client)
    others = [await login(client, account.username) for _ in range(2)]

    assert (await change(client, account, PASSWORD, NEW_PASSWORD)).status_code == 204

    for other in others:
        assert_error(await refresh(client, other.refresh_token), 401, "INVALID_TOKEN")
        assert_error(await client.get(ME, headers=other.headers), 401, "INVALID_TOKEN")


async def test_password_change_stops_the_callers_access_token_but_keeps_its_session(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)

    assert (await change(client, account, PASSWORD, NEW_PASSWORD)).status_code == 204

    assert_error(await client.get(ME, headers=account.headers), 401, "INVALID_TOKEN")
    renewed = await refresh(client, account.refresh_token)
    assert renewed.status_code == 200, renewed.text
    new_access = renewed.json()["access_token"]
    assert (await client.get(ME, headers=bearer(new_access))).status_code == 200
    listed = (await client.get(SESSIONS, headers=bearer(new_access))).json()
    assert [s["current"] for s in listed] == [True]


async def test_wrong_current_password_is_400_and_changes_nothing(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    other = await login(client, account.username)

    response = await change(client, account, "not my password", NEW_PASSWORD)

    error = assert_error(response, 400, "VALIDATION_ERROR", field="current_password")
    assert [d["field"] for d in error["details"]] == ["current_password"]
    await assert_unchanged(client, account, other)


@pytest.mark.parametrize(
    "new_password", ["password123", "QWERTYUIOP", "short", "x" * 129, "username", "email"]
)
async def test_unacceptable_new_password_is_400_and_changes_nothing(
    app: FastAPI, client: httpx.AsyncClient, new_password: str
) -> None:
    account = await signed_in(app, client)
    other = await login(client, account.username)
    new_password = {"username": account.username, "email": account.email}.get(
        new_password, new_password
    )

    response = await change(client, account, PASSWORD, new_password)

    assert_error(response, 400, "VALIDATION_ERROR", field="new_password")
    await assert_unchanged(client, account, other)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"new_password": NEW_PASSWORD}, "current_password"),
        ({"current_password": PASSWORD}, "new_password"),
        ({"current_password": "", "new_password": NEW_PASSWORD}, "current_password"),
        ({"current_password": PASSWORD, "new_password": 12345678}, "new_password"),
        ({"current_password": PASSWORD, "new_password": NEW_PASSWORD, "user_id": "x"}, "user_id"),
    ],
)
async def test_bad_password_change_body_is_400_and_changes_nothing(
    app: FastAPI, client: httpx.AsyncClient, body: dict[str, Any], field: str
) -> None:
    account = await signed_in(app, client)
    other = await login(client, account.username)

    response = await client.post(PASSWORD_CHANGE, json=body, headers=account.headers)

    assert_error(response, 400, "VALIDATION_ERROR", field=field)
    await assert_unchanged(client, account, other)


async def test_password_change_needs_authentication(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    other = await login(client, account.username)
    body = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}

    anonymous = await client.post(PASSWORD_CHANGE, json=body)
    bad_token = await client.post(PASSWORD_CHANGE, json=body, headers=bearer("nope"))

    assert_error(anonymous, 401, "AUTHENTICATION_REQUIRED")
    assert_error(bad_token, 401, "INVALID_TOKEN")
    await assert_unchanged(client, account, other)
