"""Conduit tokens: core sign-ins whose access token lives REALWORLD_TOKEN_TTL_SECONDS, and
whose end (a logout) holds for that whole life, not only an ordinary token's."""

import asyncio
from datetime import timedelta

import httpx
import jwt
import time_machine
from factories import own_app
from fastapi import FastAPI

from blogapi.core.db import utcnow

from .conduit import PASSWORD, ROOT, assert_errors, register, token_headers


def lifetime(token: str) -> int:
    claims = jwt.decode(token, options={"verify_signature": False})
    return int(claims["exp"]) - int(claims["iat"])


async def test_tokens_live_the_realworld_ttl(app: FastAPI, client: httpx.AsyncClient) -> None:
    user = await register(client)
    assert lifetime(user["token"]) == app.state.settings.realworld_token_ttl_seconds == 604_800
    login = {"user": {"email": user["email"], "password": PASSWORD}}
    logged_in = (await client.post(f"{ROOT}/users/login", json=login)).json()["user"]
    assert lifetime(logged_in["token"]) == 604_800
    core = await client.post("/api/v1/auth/login", json=login["user"])
    assert lifetime(core.json()["access_token"]) == app.state.settings.access_token_ttl_seconds


async def test_a_shorter_ttl_is_honoured_and_expiry_is_401(database_url: str) -> None:
    async with own_app(database_url, realworld_token_ttl_seconds=120) as (_app, client):
        user = await register(client)
        assert lifetime(user["token"]) == 120
        with time_machine.travel(utcnow() + timedelta(seconds=121), tick=False):
            assert_errors(
                await client.get(f"{ROOT}/user", headers=token_headers(user["token"])), 401
            )


async def test_an_ended_session_stays_ended_past_an_ordinary_tokens_life(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    user = await register(client)
    other = await register(client)
    headers = token_headers(user["token"])
    sessions = await client.get(
        "/api/v1/auth/sessions", headers=token_headers(user["token"], "Bearer")
    )
    session_id = sessions.json()[0]["id"]
    ended = await client.delete(
        f"/api/v1/auth/sessions/{session_id}", headers=token_headers(user["token"], "Bearer")
    )
    assert ended.status_code == 204
    poll = app.state.settings.session_revocation_poll_seconds
    await asyncio.sleep(poll)
    assert_errors(await client.get(f"{ROOT}/user", headers=headers), 401)
    # An hour on: an ordinary access token would be long dead, this one is not; its
    # session's end must still be remembered.
    later = utcnow() + timedelta(seconds=app.state.settings.access_token_ttl_seconds + 3600)
    with time_machine.travel(later, tick=False):
        await asyncio.sleep(poll)
        assert (
            await client.get(f"{ROOT}/user", headers=token_headers(other["token"]))
        ).status_code == 200
        assert_errors(await client.get(f"{ROOT}/user", headers=headers), 401)
