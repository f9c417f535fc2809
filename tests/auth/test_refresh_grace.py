"""Rotation with a grace period: a refresh token presented again moments after its rotation
(two tabs refreshing at once) gets the same successor; later, or once the successor is spent
too, it is reuse and ends the session."""

import asyncio
from collections import Counter

import httpx
import pytest
from factories import ME, PASSWORD, USERS, assert_error, own_app, signed_in
from fastapi import FastAPI
from harness import make_settings

from blogapi.core.config import Role
from blogapi.core.security import hash_token, successor_token

from .endpoints import LOGOUT, SESSIONS, bearer, refresh

RACERS = 10
NO_LIMITS = {"rate_limits_enabled": False}


async def rotate(client: httpx.AsyncClient, token: str, times: int) -> list[str]:
    """The refresh tokens that follow `token`, rotating it `times` times."""
    successors = []
    for _ in range(times):
        response = await refresh(client, token)
        assert response.status_code == 200, response.text
        token = response.json()["refresh_token"]
        successors.append(token)
    return successors


async def assert_ended(client: httpx.AsyncClient, *tokens: str) -> None:
    for token in tokens:
        assert_error(await refresh(client, token), 401, "INVALID_TOKEN")


async def test_parallel_refreshes_of_one_token_all_get_the_same_successor(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)

    responses = await asyncio.gather(
        *(refresh(client, account.refresh_token) for _ in range(RACERS))
    )

    assert Counter(r.status_code for r in responses) == {200: RACERS}, [r.text for r in responses]
    successors = {r.json()["refresh_token"] for r in responses}
    assert len(successors) == 1
    (successor,) = successors
    assert successor != account.refresh_token
    # Each tab got an access token of its own, and every one of them works.
    access_tokens = {r.json()["access_token"] for r in responses}
    assert len(access_tokens) == RACERS
    for token in access_tokens:
        assert (await client.get(ME, headers=bearer(token))).status_code == 200
    # The session is one, still alive, and its successor rotates on as usual.
    sessions = (await client.get(SESSIONS, headers=account.headers)).json()
    assert len(sessions) == 1
    onwards = await refresh(client, successor)
    assert onwards.status_code == 200, onwards.text
    assert onwards.json()["refresh_token"] not in (successor, account.refresh_token)


async def test_a_second_tab_after_the_first_gets_the_same_successor(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    first = await refresh(client, account.refresh_token)

    second = await refresh(client, account.refresh_token)

    assert second.status_code == 200, second.text
    assert second.json()["refresh_token"] == first.json()["refresh_token"]
    assert second.json()["user"]["id"] == account.id
    assert (await refresh(client, second.json()["refresh_token"])).status_code == 200


@pytest.mark.parametrize(
    ("grace", "rotations", "wait"),
    [
        pytest.param(1, 1, 1.1, id="after-the-grace"),
        pytest.param(0, 1, 0, id="no-grace-set"),
        # Only the token just rotated is forgiven: once its successor was rotated too, that
        # holder has moved on, and the old token can only be a copy.
        pytest.param(10, 2, 0, id="successor-rotated-too"),
    ],
)
async def test_a_spent_token_presented_again_is_reuse_and_ends_the_session(
    database_url: str, grace: float, rotations: int, wait: float
) -> None:
    settings = {**NO_LIMITS, "refresh_reuse_grace_seconds": grace}
    async with own_app(database_url, **settings) as (app, client):
        account = await signed_in(app, client)
        successors = await rotate(client, account.refresh_token, rotations)
        await asyncio.sleep(wait)

        assert_error(await refresh(client, account.refresh_token), 401, "TOKEN_REUSED")

        await assert_ended(client, *successors)


async def test_the_middle_token_gets_the_grace_but_not_its_parent(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    first, second = await rotate(client, account.refresh_token, 2)

    again = await refresh(client, first)

    assert again.status_code == 200, again.text
    assert again.json()["refresh_token"] == second
    assert_error(await refresh(client, account.refresh_token), 401, "TOKEN_REUSED")


async def test_an_ended_session_gets_no_grace(app: FastAPI, client: httpx.AsyncClient) -> None:
    account = await signed_in(app, client)
    (successor,) = await rotate(client, account.refresh_token, 1)
    assert (await client.post(LOGOUT, json={"refresh_token": successor})).status_code == 204

    await assert_ended(client, account.refresh_token, successor)


async def test_the_grace_refuses_a_disabled_account(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    admin = await signed_in(app, client, role=Role.ADMIN)
    assert (await refresh(client, account.refresh_token)).status_code == 200
    disabled = await client.patch(
        f"{USERS}/{account.username}/status", json={"status": "disabled"}, headers=admin.headers
    )
    assert disabled.status_code == 200, disabled.text

    assert_error(await refresh(client, account.refresh_token), 403, "ACCOUNT_DISABLED")


async def test_the_grace_refuses_a_deleted_account(app: FastAPI, client: httpx.AsyncClient) -> None:
    account = await signed_in(app, client)
    assert (await refresh(client, account.refresh_token)).status_code == 200
    deleted = await client.request(
        "DELETE", ME, json={"password": PASSWORD}, headers=account.headers
    )
    assert deleted.status_code == 204, deleted.text

    assert_error(await refresh(client, account.refresh_token), 401, "INVALID_TOKEN")


def test_successors_are_keyed_by_the_server_secret() -> None:
    settings = make_settings("sqlite+aiosqlite://")
    other_key = make_settings("sqlite+aiosqlite://", secret_key="another-secret-" + "k" * 40)
    parent = "a-refresh-token"

    successor = successor_token(settings, parent)

    assert successor == successor_token(settings, parent)
    assert successor != successor_token(other_key, parent)
    assert successor != successor_token(settings, parent + "x")
    assert len(successor) == 43  # 256 bits, URL-safe, like a fresh token
    assert hash_token(successor) != hash_token(parent)
