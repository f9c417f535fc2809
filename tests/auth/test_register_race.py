"""Registrations racing each other: the database keeps emails and usernames unique, never a 500."""

import asyncio
from collections import Counter
from typing import Any

import httpx
from factories import PASSWORD, assert_error, unique_name

from .endpoints import LOGIN, REGISTER

RACERS = 10


async def race(client: httpx.AsyncClient, bodies: list[dict[str, Any]]) -> list[httpx.Response]:
    return list(await asyncio.gather(*(client.post(REGISTER, json=body) for body in bodies)))


async def test_identical_registrations_racing_make_exactly_one_account(
    client: httpx.AsyncClient,
) -> None:
    name = unique_name("racer")
    body = {"email": f"{name}@example.com", "username": name, "password": PASSWORD}

    responses = await race(client, [body] * RACERS)

    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 1, 409: RACERS - 1}, [r.text for r in responses]
    for response in responses:
        if response.status_code == 409:
            error = assert_error(response, 409, response.json()["error"]["code"])
            assert error["code"] in ("EMAIL_TAKEN", "USERNAME_TAKEN"), error
    login = await client.post(LOGIN, json={"email": body["email"], "password": PASSWORD})
    assert login.status_code == 200, login.text
    created = next(r for r in responses if r.status_code == 201)
    assert login.json()["user"]["id"] == created.json()["id"]


async def test_racing_for_one_email_the_losers_get_email_taken(
    client: httpx.AsyncClient,
) -> None:
    email = f"{unique_name('shared')}@example.com"
    bodies = [
        {"email": email, "username": unique_name("own"), "password": PASSWORD}
        for _ in range(RACERS)
    ]

    responses = await race(client, bodies)

    assert sorted(r.status_code for r in responses) == [201] + [409] * (RACERS - 1)
    for response in responses:
        if response.status_code == 409:
            assert_error(response, 409, "EMAIL_TAKEN")


async def test_racing_for_one_username_the_losers_get_username_taken(
    client: httpx.AsyncClient,
) -> None:
    # The name contains "email": the conflict must be recognised by the constraint, not by a
    # word that happens to appear in the rejected value.
    username = unique_name("email_fan")
    bodies = [
        {"email": f"{unique_name('own')}@example.com", "username": username, "password": PASSWORD}
        for _ in range(RACERS)
    ]

    responses = await race(client, bodies)

    assert sorted(r.status_code for r in responses) == [201] + [409] * (RACERS - 1)
    for response in responses:
        if response.status_code == 409:
            assert_error(response, 409, "USERNAME_TAKEN")
    losers = [b for b, r in zip(bodies, responses, strict=True) if r.status_code == 409]
    for body in losers:
        login = await client.post(LOGIN, json={"email": body["email"], "password": PASSWORD})
        assert_error(login, 401, "INVALID_CREDENTIALS")
