"""POST /auth/refresh: rotation, reuse detection that ends the session, and bad tokens."""

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from factories import ME, PASSWORD, assert_error, login, signed_in
from fastapi import FastAPI

from blogapi.auth import service as auth_service

from .endpoints import REFRESH, SESSIONS, access_claims, bearer, forge, refresh

PAIR_FIELDS = {"access_token", "refresh_token", "token_type", "expires_in", "user"}


async def test_refresh_rotates_to_a_new_working_pair(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)

    response = await refresh(client, account.refresh_token)

    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == PAIR_FIELDS
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == app.state.settings.access_token_ttl_seconds
    assert body["user"]["id"] == account.id
    assert body["refresh_token"] != account.refresh_token
    assert body["access_token"] != account.access_token
    me = await client.get(ME, headers=bearer(body["access_token"]))
    assert me.status_code == 200, me.text
    again = await refresh(client, body["refresh_token"])
    assert again.status_code == 200, again.text


async def test_rotation_keeps_the_same_session(app: FastAPI, client: httpx.AsyncClient) -> None:
    account = await signed_in(app, client)
    before = (await client.get(SESSIONS, headers=account.headers)).json()

    rotated = (await refresh(client, account.refresh_token)).json()

    after = (await client.get(SESSIONS, headers=bearer(rotated["access_token"]))).json()
    assert len(before) == len(after) == 1
    assert after[0]["id"] == before[0]["id"]
    assert after[0]["started_at"] == before[0]["started_at"]
    assert after[0]["last_used_at"] >= before[0]["last_used_at"]
    assert after[0]["current"] is True


async def test_spent_refresh_token_is_refused_as_reused(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    # Once its successor is spent too, a token is past the rotation grace (test_refresh_grace).
    account = await signed_in(app, client)
    first = (await refresh(client, account.refresh_token)).json()
    assert (await refresh(client, first["refresh_token"])).status_code == 200

    response = await refresh(client, account.refresh_token)

    error = assert_error(response, 401, "TOKEN_REUSED")
    assert error["details"] == []


async def test_spent_refresh_token_revokes_family(app: FastAPI, client: httpx.AsyncClient) -> None:
    account = await signed_in(app, client)
    other_session = await login(client, account.username)
    first = (await refresh(client, account.refresh_token)).json()
    second = (await refresh(client, first["refresh_token"])).json()

    reuse = await refresh(client, account.refresh_token)

    assert_error(reuse, 401, "TOKEN_REUSED")
    assert_error(await refresh(client, second["refresh_token"]), 401, "INVALID_TOKEN")
    assert_error(await refresh(client, first["refresh_token"]), 401, "INVALID_TOKEN")
    # The user's other session is a different family and lives on.
    sessions = (await client.get(SESSIONS, headers=other_session.headers)).json()
    assert [s["current"] for s in sessions] == [True]
    assert (await refresh(client, other_session.refresh_token)).status_code == 200


async def test_reuse_of_a_middle_token_also_revokes_the_family(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    first = (await refresh(client, account.refresh_token)).json()
    second = (await refresh(client, first["refresh_token"])).json()
    third = (await refresh(client, second["refresh_token"])).json()

    assert_error(await refresh(client, first["refresh_token"]), 401, "TOKEN_REUSED")

    assert_error(await refresh(client, third["refresh_token"]), 401, "INVALID_TOKEN")


async def test_reuse_does_not_touch_another_users_sessions(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    victim = await signed_in(app, client)
    bystander = await signed_in(app, client)
    first = (await refresh(client, victim.refresh_token)).json()
    assert (await refresh(client, first["refresh_token"])).status_code == 200

    assert_error(await refresh(client, victim.refresh_token), 401, "TOKEN_REUSED")

    assert (await refresh(client, bystander.refresh_token)).status_code == 200


@pytest.mark.parametrize(
    "token",
    ["unknown-token", "x" * 256, pytest.param(secrets.token_urlsafe(32), id="a-random-token")],
)
async def test_unknown_refresh_token_is_401_invalid_token(
    app: FastAPI, client: httpx.AsyncClient, token: str
) -> None:
    account = await signed_in(app, client)

    response = await refresh(client, token)

    assert_error(response, 401, "INVALID_TOKEN")
    assert response.headers["www-authenticate"] == "Bearer"
    assert (await refresh(client, account.refresh_token)).status_code == 200


async def test_expired_refresh_token_is_401_invalid_token(
    app: FastAPI, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = await signed_in(app, client)
    ttl = timedelta(days=app.state.settings.refresh_token_ttl_days)
    later = datetime.now(UTC) + ttl + timedelta(minutes=1)
    monkeypatch.setattr(auth_service, "utcnow", lambda: later)

    response = await refresh(client, account.refresh_token)

    assert_error(response, 401, "INVALID_TOKEN")


async def test_refresh_of_a_deleted_account_is_401_invalid_token(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    deleted = await client.request(
        "DELETE", ME, json={"password": PASSWORD}, headers=account.headers
    )
    assert deleted.status_code == 204, deleted.text

    assert_error(await refresh(client, account.refresh_token), 401, "INVALID_TOKEN")


async def test_refresh_works_while_the_access_token_sent_along_has_expired(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    # A client refreshes because its access token expired, and often still sends it along.
    account = await signed_in(app, client)
    past = datetime.now(UTC) - timedelta(hours=1)
    expired = forge(access_claims(app, account.id, iat=past, exp=past + timedelta(minutes=15)))

    response = await client.post(
        REFRESH, json={"refresh_token": account.refresh_token}, headers=bearer(expired)
    )

    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "refresh_token"),
        ({"refresh_token": ""}, "refresh_token"),
        ({"refresh_token": "x" * 257}, "refresh_token"),
        ({"refresh_token": 5}, "refresh_token"),
        ({"refresh_token": None}, "refresh_token"),
        ({"refresh_token": "a\x00b"}, "refresh_token"),
        ({"refresh_token": "abc", "user_id": "x"}, "user_id"),
    ],
)
async def test_bad_refresh_body_is_400(
    app: FastAPI, client: httpx.AsyncClient, body: dict[str, Any], field: str
) -> None:
    account = await signed_in(app, client)

    response = await client.post(REFRESH, json=body)

    assert_error(response, 400, "VALIDATION_ERROR", field=field)
    # Nothing was spent: the real token still refreshes.
    assert (await refresh(client, account.refresh_token)).status_code == 200


async def test_refresh_token_sent_as_form_is_415(app: FastAPI, client: httpx.AsyncClient) -> None:
    account = await signed_in(app, client)

    response = await client.post(REFRESH, data={"refresh_token": account.refresh_token})

    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")
    assert (await refresh(client, account.refresh_token)).status_code == 200
