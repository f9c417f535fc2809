"""Production hashes passwords with Argon2id at OWASP's first parameters (m=19 MiB, t=2, p=1),
and a hash stored with other parameters (pwdlib's old defaults: m=64 MiB, t=3, p=4) or with
bcrypt is replaced by one with these at the next successful sign-in, in the same transaction.

The other tests hash cheaply (ENVIRONMENT=test); these use the production hasher."""

import httpx
import pytest
from factories import PASSWORD, assert_error, create_user, set_password_hash, stored_password_hash
from fastapi import FastAPI
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from pwdlib.hashers.bcrypt import BcryptHasher

from blogapi.core import security
from blogapi.core.config import Settings

from .endpoints import LOGIN, TOKEN

CURRENT = "$argon2id$v=19$m=19456,t=2,p=1$"
OLD_DEFAULTS = Argon2Hasher(memory_cost=65_536, time_cost=3, parallelism=4)


@pytest.fixture
def production_hasher(monkeypatch: pytest.MonkeyPatch) -> PasswordHash:
    hasher = security._password_hash(False)

    def _production(_settings: Settings) -> PasswordHash:
        return hasher

    monkeypatch.setattr(security, "_hasher", _production)
    return hasher


def test_production_hashes_with_owasp_parameters() -> None:
    hashed = security._password_hash(False).hash(PASSWORD)

    assert hashed.startswith(CURRENT)
    assert security._password_hash(False).verify(PASSWORD, hashed)


async def _sign_in(client: httpx.AsyncClient, endpoint: str, username: str, password: str) -> int:
    if endpoint == LOGIN:
        response = await client.post(LOGIN, json={"email": username, "password": password})
    else:
        response = await client.post(TOKEN, data={"username": username, "password": password})
    return response.status_code


@pytest.mark.parametrize("endpoint", [LOGIN, TOKEN])
async def test_old_parameters_are_upgraded_on_sign_in(
    app: FastAPI, client: httpx.AsyncClient, production_hasher: PasswordHash, endpoint: str
) -> None:
    username = await create_user(app)
    await set_password_hash(app, username, OLD_DEFAULTS.hash(PASSWORD))
    assert (await stored_password_hash(app, username)).startswith("$argon2id$v=19$m=65536,t=3,p=4$")

    assert await _sign_in(client, endpoint, username, PASSWORD) == 200

    upgraded = await stored_password_hash(app, username)
    assert upgraded.startswith(CURRENT)
    assert production_hasher.verify(PASSWORD, upgraded)
    # Signed in again, the current hash is kept as it is.
    assert await _sign_in(client, endpoint, username, PASSWORD) == 200
    assert await stored_password_hash(app, username) == upgraded


async def test_wrong_password_keeps_the_old_hash(
    app: FastAPI, client: httpx.AsyncClient, production_hasher: PasswordHash
) -> None:
    username = await create_user(app)
    old = OLD_DEFAULTS.hash(PASSWORD)
    await set_password_hash(app, username, old)

    response = await client.post(LOGIN, json={"email": username, "password": "not the password"})

    assert_error(response, 401, "INVALID_CREDENTIALS")
    assert await stored_password_hash(app, username) == old


async def test_unknown_account_is_401_with_the_production_hasher(
    client: httpx.AsyncClient, production_hasher: PasswordHash
) -> None:
    response = await client.post(LOGIN, json={"email": "nobody-here", "password": PASSWORD})

    assert_error(response, 401, "INVALID_CREDENTIALS")


async def test_bcrypt_hash_is_upgraded_to_the_owasp_parameters(
    app: FastAPI, client: httpx.AsyncClient, production_hasher: PasswordHash
) -> None:
    username = await create_user(app)
    await set_password_hash(app, username, BcryptHasher(rounds=4).hash(PASSWORD))

    assert await _sign_in(client, LOGIN, username, PASSWORD) == 200

    upgraded = await stored_password_hash(app, username)
    assert upgraded.startswith(CURRENT)
    assert production_hasher.verify(PASSWORD, upgraded)


async def test_wrong_password_keeps_a_bcrypt_hash_under_the_production_hasher(
    app: FastAPI, client: httpx.AsyncClient, production_hasher: PasswordHash
) -> None:
    username = await create_user(app)
    old = BcryptHasher(rounds=4).hash(PASSWORD)
    await set_password_hash(app, username, old)

    assert await _sign_in(client, TOKEN, username, "not the password") == 401
    assert await stored_password_hash(app, username) == old
