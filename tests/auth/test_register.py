"""POST /auth/register: the private view back, normalised email and username, no duplicates."""

import uuid
from typing import Any

import httpx
from factories import PASSWORD, PRIVATE_USER_FIELDS, USERS, assert_error, unique_name
from fastapi import FastAPI

from .endpoints import LOGIN, REGISTER


def registration(**overrides: Any) -> dict[str, Any]:
    name = unique_name("reg")
    return {"email": f"{name}@example.com", "username": name, "password": PASSWORD, **overrides}


async def logs_in(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> bool:
    response = await client.post(LOGIN, json={"email": email, "password": password})
    assert response.status_code in (200, 401), response.text
    return response.status_code == 200


async def test_register_returns_201_with_the_private_view(client: httpx.AsyncClient) -> None:
    data = registration(display_name="Ada Lovelace")

    response = await client.post(REGISTER, json=data)

    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == PRIVATE_USER_FIELDS
    assert uuid.UUID(body["id"])
    assert body["email"] == data["email"]
    assert body["username"] == data["username"]
    assert body["display_name"] == "Ada Lovelace"
    assert body["role"] == "author"
    assert body["status"] == "active"
    assert body["email_verified"] is False
    assert body["bio"] is None
    assert body["avatar_url"] is None
    assert body["created_at"].endswith("Z")
    assert body["updated_at"].endswith("Z")
    assert PASSWORD not in response.text
    assert await logs_in(client, data["email"])


async def test_register_without_display_name_leaves_it_empty(client: httpx.AsyncClient) -> None:
    response = await client.post(REGISTER, json=registration())

    assert response.status_code == 201, response.text
    assert response.json()["display_name"] is None


async def test_register_lower_cases_and_trims_the_email(client: httpx.AsyncClient) -> None:
    name = unique_name("Mixed")
    response = await client.post(REGISTER, json=registration(email=f"  {name}.Case@Example.COM "))

    assert response.status_code == 201, response.text
    email = f"{name.lower()}.case@example.com"
    assert response.json()["email"] == email
    assert await logs_in(client, email)
    assert await logs_in(client, email.upper())


async def test_register_normalises_the_username(client: httpx.AsyncClient) -> None:
    name = unique_name("Mixed_Case")
    response = await client.post(REGISTER, json=registration(username=f"  {name}  "))

    assert response.status_code == 201, response.text
    assert response.json()["username"] == name.lower()
    profile = await client.get(f"{USERS}/{name.lower()}")
    assert profile.status_code == 200, profile.text
    assert profile.json()["id"] == response.json()["id"]


async def test_register_accepts_username_of_3_and_30_characters(
    client: httpx.AsyncClient,
) -> None:
    short = uuid.uuid4().hex[:3]
    long = f"u_{uuid.uuid4().hex[:28]}"

    for username in (short, long):
        response = await client.post(REGISTER, json=registration(username=username))
        assert response.status_code == 201, response.text
        assert response.json()["username"] == username


async def test_duplicate_email_is_409_email_taken_in_any_case(client: httpx.AsyncClient) -> None:
    first = registration()
    assert (await client.post(REGISTER, json=first)).status_code == 201
    second = registration(email=first["email"].upper(), password="another fine passphrase")

    response = await client.post(REGISTER, json=second)

    error = assert_error(response, 409, "EMAIL_TAKEN")
    assert error["details"] == []
    # Nothing was written: the second username is still free and the old password still works.
    assert not await logs_in(client, first["email"], "another fine passphrase")
    assert await logs_in(client, first["email"])
    retry = await client.post(REGISTER, json=registration(username=second["username"]))
    assert retry.status_code == 201, retry.text


async def test_duplicate_username_is_409_username_taken_case_insensitively(
    client: httpx.AsyncClient,
) -> None:
    name = unique_name("Taken_Name")
    assert (await client.post(REGISTER, json=registration(username=name))).status_code == 201
    second = registration(username=name.upper())

    response = await client.post(REGISTER, json=second)

    error = assert_error(response, 409, "USERNAME_TAKEN")
    assert error["details"] == []
    # Nothing was written: the second email has no account and can still register.
    assert not await logs_in(client, second["email"])
    retry = await client.post(REGISTER, json=registration(email=second["email"]))
    assert retry.status_code == 201, retry.text


async def test_taken_email_is_reported_before_taken_username(client: httpx.AsyncClient) -> None:
    first = registration()
    assert (await client.post(REGISTER, json=first)).status_code == 201

    response = await client.post(REGISTER, json=first)

    assert_error(response, 409, "EMAIL_TAKEN")


async def test_new_accounts_get_the_registration_default_role(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    response = await client.post(REGISTER, json=registration())

    assert response.status_code == 201, response.text
    assert response.json()["role"] == app.state.settings.registration_default_role.value
