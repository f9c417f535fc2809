"""Passwords are compared in NFKC (NIST SP 800-63B 5.1.1.2): the same password typed in another
Unicode form signs in; hashes made from the raw string still verify, and are replaced; a
password of nothing visible is refused."""

import unicodedata

import httpx
import pytest
from factories import (
    PASSWORD,
    assert_error,
    create_user,
    set_password_hash,
    signed_in,
    stored_password_hash,
    unique_name,
)
from fastapi import FastAPI
from harness import make_settings
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from pwdlib.hashers.bcrypt import BcryptHasher

from blogapi.core import security

from .endpoints import LOGIN, PASSWORD_CHANGE, REGISTER, TOKEN


def full_width(text: str) -> str:
    """`text` as typed with a full-width (East Asian) keyboard layout."""
    return "".join("\u3000" if c == " " else chr(ord(c) + 0xFEE0) for c in text)


LIGATURES = "\ufb01ne \ufb01sh and \ufb02at chips"  # the "fi" and "fl" ligatures
PLAIN = "fine fish and flat chips"
HALF_WIDTH = "correct horse 42"
FULL_WIDTH = full_width(HALF_WIDTH)
COMPOSED = unicodedata.normalize("NFC", "crème brûlée 1843")
DECOMPOSED = unicodedata.normalize("NFD", COMPOSED)
BLANK = {
    "spaces": " " * 8,
    "nbsp": "\u00a0" * 8,
    "zero-width": "\u200b" * 8,
    "ideographic-space": "\u3000" * 8,
    "mixed-invisible": "\t \u2060\ufeff\u200c\u200d\u00a0\u180e\u00ad ",
    "hangul-filler": "\u3164" * 8,
    "variation-selectors": "\ufe0f" * 8,
}


async def register(client: httpx.AsyncClient, password: str) -> httpx.Response:
    name = unique_name("nfkc")
    body = {"email": f"{name}@example.com", "username": name, "password": password}
    return await client.post(REGISTER, json=body)


async def sign_in(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await client.post(LOGIN, json={"email": email, "password": password})


@pytest.mark.parametrize(
    ("registered", "typed"),
    [
        (LIGATURES, PLAIN),
        (PLAIN, LIGATURES),
        (FULL_WIDTH, HALF_WIDTH),
        (HALF_WIDTH, FULL_WIDTH),
        (COMPOSED, DECOMPOSED),
        (DECOMPOSED, COMPOSED),
    ],
)
async def test_a_password_typed_in_another_unicode_form_signs_in(
    client: httpx.AsyncClient, registered: str, typed: str
) -> None:
    created = await register(client, registered)
    assert created.status_code == 201, created.text
    email = created.json()["email"]

    response = await sign_in(client, email, typed)

    assert response.status_code == 200, response.text
    form = await client.post(TOKEN, data={"username": email, "password": typed})
    assert form.status_code == 200, form.text
    assert_error(await sign_in(client, email, PLAIN + "!"), 401, "INVALID_CREDENTIALS")


@pytest.mark.parametrize("password", BLANK.values(), ids=BLANK.keys())
async def test_a_password_of_nothing_visible_is_refused_at_registration(
    client: httpx.AsyncClient, password: str
) -> None:
    response = await register(client, password)

    assert_error(response, 400, "VALIDATION_ERROR", field="password")


@pytest.mark.parametrize("password", BLANK.values(), ids=BLANK.keys())
async def test_a_password_of_nothing_visible_is_refused_as_a_new_password(
    app: FastAPI, client: httpx.AsyncClient, password: str
) -> None:
    account = await signed_in(app, client)

    response = await client.post(
        PASSWORD_CHANGE,
        json={"current_password": PASSWORD, "new_password": password},
        headers=account.headers,
    )

    assert_error(response, 400, "VALIDATION_ERROR", field="new_password")
    assert (await sign_in(client, account.email, PASSWORD)).status_code == 200


@pytest.mark.parametrize(
    "password", ["\u200b correct horse \u200b", "\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0x"]
)
async def test_invisible_characters_around_visible_ones_are_accepted(
    client: httpx.AsyncClient, password: str
) -> None:
    created = await register(client, password)
    assert created.status_code == 201, created.text

    assert (await sign_in(client, created.json()["email"], password)).status_code == 200


async def test_a_common_password_in_full_width_is_still_common(client: httpx.AsyncClient) -> None:
    response = await register(client, full_width("password123"))

    assert_error(response, 400, "VALIDATION_ERROR", field="password")


def raw_hash(password: str, *, scheme: str) -> str:
    """A hash of `password` as stored before passwords were normalised."""
    if scheme == "bcrypt":
        return BcryptHasher(rounds=4).hash(password)
    return Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1).hash(password)


@pytest.mark.parametrize("scheme", ["argon2", "bcrypt"])
async def test_an_old_hash_of_the_raw_password_verifies_and_is_replaced(
    app: FastAPI, client: httpx.AsyncClient, scheme: str
) -> None:
    username = await create_user(app)
    email = f"{username}@example.com"
    old = raw_hash(LIGATURES, scheme=scheme)
    await set_password_hash(app, username, old)
    # Before it is replaced, only the form that was hashed matches.
    assert_error(await sign_in(client, email, PLAIN), 401, "INVALID_CREDENTIALS")
    assert await stored_password_hash(app, username) == old

    response = await sign_in(client, email, LIGATURES)

    assert response.status_code == 200, response.text
    replaced = await stored_password_hash(app, username)
    assert replaced != old
    assert replaced.startswith("$argon2id$")
    # The new hash is of the normalised form: either spelling signs in from now on.
    assert (await sign_in(client, email, PLAIN)).status_code == 200
    assert (await sign_in(client, email, LIGATURES)).status_code == 200
    assert await stored_password_hash(app, username) == replaced


async def test_a_wrong_password_against_an_old_raw_hash_keeps_it(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    username = await create_user(app)
    old = raw_hash(LIGATURES, scheme="argon2")
    await set_password_hash(app, username, old)

    response = await sign_in(
        client, f"{username}@example.com", "\ufb01ne \ufb01sh and \ufb02at crisps"
    )

    assert_error(response, 401, "INVALID_CREDENTIALS")
    assert await stored_password_hash(app, username) == old


class CountingArgon2(Argon2Hasher):
    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self.verified = 0

    def verify(self, password: str | bytes, hash: str | bytes) -> bool:
        self.verified += 1
        return super().verify(password, hash)


@pytest.mark.parametrize("password", [PLAIN, LIGATURES], ids=["nfkc", "not-nfkc"])
async def test_an_unknown_account_costs_as_many_hashes_as_a_wrong_password(
    monkeypatch: pytest.MonkeyPatch, password: str
) -> None:
    # Login timing: an unknown account must not answer faster than a known one.
    settings = make_settings("sqlite+aiosqlite://")
    counting = CountingArgon2()
    monkeypatch.setattr(security, "_hasher", lambda _settings: PasswordHash((counting,)))
    stored = counting.hash("something else entirely")

    assert await security.verify_password(settings, password, stored) == (False, None)
    known = counting.verified
    counting.verified = 0
    assert await security.verify_password(settings, password, None) == (False, None)

    assert counting.verified == known
