"""One refresh token presented many times at once: with the rotation grace off, exactly one
new pair, never a 500 (with it on, every caller gets that pair: test_refresh_grace.py)."""

import asyncio
from collections import Counter

import httpx
from factories import assert_error, own_app, signed_in
from fastapi import FastAPI

from .endpoints import refresh

RACERS = 10


async def test_without_grace_concurrent_refreshes_of_one_token_give_exactly_one_pair(
    database_url: str,
) -> None:
    async with own_app(database_url, rate_limits_enabled=False, refresh_reuse_grace_seconds=0) as (
        app,
        client,
    ):
        account = await signed_in(app, client)

        responses = await asyncio.gather(
            *(refresh(client, account.refresh_token) for _ in range(RACERS))
        )
        await _check_one_winner(client, account.id, responses)


async def _check_one_winner(
    client: httpx.AsyncClient, account_id: str, responses: list[httpx.Response]
) -> None:
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {200: 1, 401: RACERS - 1}, [r.text for r in responses]
    for response in responses:
        if response.status_code == 401:
            code = response.json()["error"]["code"]
            assert code in ("TOKEN_REUSED", "INVALID_TOKEN"), response.text
            assert_error(response, 401, code)
    winner = next(r for r in responses if r.status_code == 200).json()
    assert winner["user"]["id"] == account_id
    # The losers presented a spent token: reuse, which ended the session the winner's pair
    # belongs to.
    assert_error(await refresh(client, winner["refresh_token"]), 401, "INVALID_TOKEN")


async def test_concurrent_refreshes_of_different_sessions_all_succeed(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    accounts = [await signed_in(app, client) for _ in range(5)]

    responses = await asyncio.gather(*(refresh(client, a.refresh_token) for a in accounts))

    assert [r.status_code for r in responses] == [200] * len(accounts)
    assert len({r.json()["refresh_token"] for r in responses}) == len(accounts)
