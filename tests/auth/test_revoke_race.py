"""Ending a session while it is being refreshed: the session ends, successor and all."""

import asyncio

import httpx
from factories import assert_error, login, signed_in
from fastapi import FastAPI

from .endpoints import LOGOUT, SESSIONS, refresh

ROUNDS = 15


async def test_a_logout_racing_a_refresh_leaves_no_live_token(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    for _ in range(ROUNDS):
        session = await login(client, account.username)

        refreshed, logout = await asyncio.gather(
            refresh(client, session.refresh_token),
            client.post(LOGOUT, json={"refresh_token": session.refresh_token}),
        )

        assert logout.status_code == 204, logout.text
        if refreshed.status_code == 200:
            # The refresh won the token: the logout must still reach its successor.
            successor = refreshed.json()["refresh_token"]
            assert_error(await refresh(client, successor), 401, "INVALID_TOKEN")
        else:
            assert_error(refreshed, 401, "INVALID_TOKEN")
    listed = (await client.get(SESSIONS, headers=account.headers)).json()
    assert [s["current"] for s in listed] == [True]
