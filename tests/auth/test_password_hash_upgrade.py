"""Passwords hashed with bcrypt (an older scheme) still sign in, and are moved to Argon2id."""

import httpx
import pytest
from factories import (
    PASSWORD,
    assert_error,
    create_user,
    login,
    set_password_hash,
    signed_in,
    stored_password_hash,
)
from fastapi import FastAPI
from pwdlib.hashers.bcrypt import BcryptHasher

from blogapi.core.config import Role

from .endpoints import LOGIN, TOKEN


def bcrypt_hash(password: str) -> str:
    return BcryptHasher(rounds=4).hash(password)


async def test_new_passwords_are_hashed_with_argon2id(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    username = await create_user(app)

    assert (await stored_password_hash(app, username)).startswith("$argon2id$")


@pytest.mark.parametrize("endpoint", [LOGIN, TOKEN])
async def test_bcrypt_hash_verifies_and_is_rehashed_to_argon2_on_login(
    app: FastAPI, client: httpx.AsyncClient, endpoint: str
) -> None:
    username = await create_user(app)
    await set_password_hash(app, username, bcrypt_hash(PASSWORD))
    assert (await stored_password_hash(app, username)).startswith("$2b$")

    if endpoint == LOGIN:
        response = await client.post(
            LOGIN, json={"email": f"{username}@example.com", "password": PASSWORD}
        )
    else:
        response = await client.post(TOKEN, data={"username": username, "password": PASSWORD})

    assert response.status_code == 200, response.text
    upgraded = await stored_password_hash(app, username)
    assert upgraded.startswith("$argon2")
    # The upgraded hash is the same password: signing in again works, a wrong one does not.
    await login(client, username)
    assert await stored_password_hash(app, username) == upgraded
    wrong = await client.post(LOGIN, json={"email": username, "password": "not the password"})
    assert_error(wrong, 401, "INVALID_CREDENTIALS")


async def test_wrong_password_against_bcrypt_hash_is_401_and_keeps_the_hash(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    username = await create_user(app)
    old = bcrypt_hash(PASSWORD)
    await set_password_hash(app, username, old)

    response = await client.post(LOGIN, json={"email": username, "password": "not the password"})

    assert_error(response, 401, "INVALID_CREDENTIALS")
    assert await stored_password_hash(app, username) == old


async def test_disabled_account_with_bcrypt_hash_is_not_rehashed(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    admin = await signed_in(app, client, role=Role.ADMIN)
    username = await create_user(app)
    old = bcrypt_hash(PASSWORD)
    await set_password_hash(app, username, old)
    disabled = await client.patch(
        f"/api/v1/users/{username}/status", json={"status": "disabled"}, headers=admin.headers
    )
    assert disabled.status_code == 200, disabled.text

    response = await client.post(LOGIN, json={"email": username, "password": PASSWORD})

    assert_error(response, 403, "ACCOUNT_DISABLED")
    assert await stored_password_hash(app, username) == old
