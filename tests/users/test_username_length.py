"""Usernames take 3 to 50 characters, as the specification says (they took 3 to 30)."""

import httpx
import pytest
from factories import ME, PASSWORD, assert_error, signed_in
from fastapi import FastAPI

REGISTER = "/api/v1/auth/register"
TOKEN = "/api/v1/auth/token"


def registration(username: str) -> dict[str, str]:
    return {"email": f"{username[:40]}@example.com", "username": username, "password": PASSWORD}


@pytest.mark.parametrize("username", ["a" * 49 + "z", "abc"])
async def test_a_username_of_3_to_50_characters_registers_and_signs_in(
    client: httpx.AsyncClient, username: str
) -> None:
    response = await client.post(REGISTER, json=registration(username))
    assert response.status_code == 201, response.text
    assert response.json()["username"] == username
    form = {"username": username.upper(), "password": PASSWORD}
    assert (await client.post(TOKEN, data=form)).status_code == 200
    profile = await client.get(f"/api/v1/users/{username}")
    assert profile.json()["username"] == username


@pytest.mark.parametrize("username", ["a" * 51, "ab"])
async def test_a_username_of_51_or_2_characters_is_400_and_nothing_is_written(
    client: httpx.AsyncClient, username: str
) -> None:
    response = await client.post(REGISTER, json=registration(username))
    assert_error(response, 400, "VALIDATION_ERROR", field="username")
    assert (await client.get(f"/api/v1/users/{username}")).status_code in (400, 404)
    # The address is still free.
    retry = await client.post(REGISTER, json=registration("a" * 20))
    assert retry.status_code == 201, retry.text


async def test_a_username_changes_to_50_characters_and_not_to_51(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    refused = await client.patch(ME, json={"username": "b" * 51}, headers=account.headers)
    assert_error(refused, 400, "VALIDATION_ERROR", field="username")
    changed = await client.patch(ME, json={"username": "b" * 50}, headers=account.headers)
    assert changed.status_code == 200, changed.text
    assert changed.json()["username"] == "b" * 50
