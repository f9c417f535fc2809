"""One refresh token presented many times at once: exactly one new pair, never a 500."""

import asyncio
from collections import Counter

import httpx
from factories import ME, assert_error, signed_in
from fastapi import FastAPI

from .endpoints import bearer, refresh

RACERS = 10


async def test_concurrent_refreshes_of_one_token_give_exactly_one_pair(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)

    responses = await asyncio.gather(
        *(refresh(client, account.refresh_token) for _ in range(RACERS))
    )

    statuses = Counter(r.status_code for r in responses)
    assert statuses == {200: 1, 401: RACERS - 1}, [r.text for r in responses]
    for response in responses:
        if response.status_code == 401:
            code = response.json()["error"]["code"]
            assert code in ("TOKEN_REUSED", "INVALID_TOKEN"), response.text
            assert_error(response, 401, code)
    winner = next(r for r in responses if r.status_code == 200).json()
    assert winner["user"]["id"] == account.id
    # The winning pair is a real one: its access token works.
    assert (await client.get(ME, headers=bearer(winner["access_token"]))).status_code == 200


async def test_concurrent_refreshes_of_different_sessions_all_succeed(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    accounts = [await signed_in(app, client) for _ in range(5)]

    responses = await asyncio.gather(*(refresh(client, a.refresh_token) for a in accounts))

    assert [r.status_code for r in responses] == [200] * len(accounts)
    assert len({r.json()["refresh_token"] for r in responses}) == len(accounts)
