"""Password hashing (tens of milliseconds of CPU in a thread) runs with no pooled connection
checked out: a burst of sign-ins must not starve every other request of connections."""

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from factories import PASSWORD, create_user, unique_name
from fastapi import FastAPI

from blogapi.auth import service as auth_service
from blogapi.users import service as users_service


def _recording(
    app: FastAPI, real: Callable[..., Awaitable[Any]], seen: list[int]
) -> Callable[..., Awaitable[Any]]:
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        seen.append(app.state.engine.pool.checkedout())
        return await real(*args, **kwargs)

    return wrapper


async def test_login_verifies_the_password_without_a_connection(
    app: FastAPI, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    username = await create_user(app)
    seen: list[int] = []
    monkeypatch.setattr(
        auth_service, "verify_password", _recording(app, auth_service.verify_password, seen)
    )

    response = await client.post(
        "/api/v1/auth/login", json={"email": f"{username}@example.com", "password": PASSWORD}
    )

    assert response.status_code == 200, response.text
    assert seen == [0]
    assert response.json()["refresh_token"]  # the token was still written afterwards


async def test_a_wrong_password_is_still_refused_and_holds_no_connection(
    app: FastAPI, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    username = await create_user(app)
    seen: list[int] = []
    monkeypatch.setattr(
        auth_service, "verify_password", _recording(app, auth_service.verify_password, seen)
    )

    response = await client.post(
        "/api/v1/auth/login",
        json={"email": f"{username}@example.com", "password": "not the password at all"},
    )

    assert response.status_code == 401
    assert seen == [0]


async def test_register_hashes_without_a_connection_and_still_creates_the_account(
    app: FastAPI, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []
    monkeypatch.setattr(
        users_service, "hash_password", _recording(app, users_service.hash_password, seen)
    )
    username = unique_name()

    response = await client.post(
        "/api/v1/auth/register",
        json={"email": f"{username}@example.com", "username": username, "password": PASSWORD},
    )

    assert response.status_code == 201, response.text
    assert seen == [0]
    again = await client.post(
        "/api/v1/auth/login", json={"email": f"{username}@example.com", "password": PASSWORD}
    )
    assert again.status_code == 200


async def test_a_duplicate_registration_is_refused_before_any_hashing(
    app: FastAPI, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    username = await create_user(app)
    seen: list[int] = []
    monkeypatch.setattr(
        users_service, "hash_password", _recording(app, users_service.hash_password, seen)
    )

    response = await client.post(
        "/api/v1/auth/register",
        json={"email": f"{username}@example.com", "username": username, "password": PASSWORD},
    )

    assert response.status_code == 409
    assert seen == []
