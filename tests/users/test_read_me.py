"""GET /users/me: the caller's private view, and only with a valid access token."""

import httpx
from factories import ME, PRIVATE_USER_FIELDS, assert_error, signed_in
from fastapi import FastAPI

from blogapi.core.config import Role


async def test_me_returns_the_private_view_of_the_caller(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)

    response = await client.get(ME, headers=account.headers)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == PRIVATE_USER_FIELDS
    assert body["id"] == account.id
    assert body["username"] == account.username
    assert body["email"] == account.email
    assert body["role"] == "author"
    assert body["status"] == "active"
    assert body["email_verified"] is False
    assert body["display_name"] is None
    assert body["created_at"].endswith("Z")
    assert body["updated_at"].endswith("Z")
    assert "password_hash" not in response.text
    assert "auth_version" not in response.text


async def test_me_shows_the_callers_role(app: FastAPI, client: httpx.AsyncClient) -> None:
    admin = await signed_in(app, client, role=Role.ADMIN)

    response = await client.get(ME, headers=admin.headers)

    assert response.status_code == 200
    assert response.json()["role"] == "admin"


async def test_me_without_a_token_is_401_authentication_required(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get(ME)

    assert_error(response, 401, "AUTHENTICATION_REQUIRED")
    assert response.headers["www-authenticate"] == "Bearer"


async def test_me_with_a_garbage_token_is_401_invalid_token(client: httpx.AsyncClient) -> None:
    response = await client.get(ME, headers={"Authorization": "Bearer not.a.jwt"})

    assert_error(response, 401, "INVALID_TOKEN")


async def test_me_with_a_non_bearer_scheme_is_401_invalid_token(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)

    response = await client.get(ME, headers={"Authorization": f"Basic {account.access_token}"})

    assert_error(response, 401, "INVALID_TOKEN")


async def test_me_with_a_refresh_token_as_bearer_is_401(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)

    response = await client.get(ME, headers={"Authorization": f"Bearer {account.refresh_token}"})

    assert_error(response, 401, "INVALID_TOKEN")
