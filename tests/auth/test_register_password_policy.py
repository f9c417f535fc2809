"""Register's password rules: 8-128 characters, not a common password, not the name or email."""

from typing import Any

import httpx
import pytest
from factories import PASSWORD, assert_error, unique_name
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from .endpoints import LOGIN, REGISTER

COMMON = ["password123", "qwertyuiop", "iloveyou", "1234567890"]


def registration(**overrides: Any) -> dict[str, Any]:
    name = unique_name("pol")
    return {"email": f"{name}@example.com", "username": name, "password": PASSWORD, **overrides}


async def assert_no_account(client: httpx.AsyncClient, data: dict[str, Any]) -> None:
    """Nothing was written: the email has no account, and the account can still be made."""
    login = await client.post(LOGIN, json={"email": data["email"], "password": PASSWORD})
    assert_error(login, 401, "INVALID_CREDENTIALS")
    retry = await client.post(REGISTER, json={**data, "password": PASSWORD})
    assert retry.status_code == 201, retry.text


def test_the_common_passwords_used_here_are_in_the_bundled_list() -> None:
    bundled = set(FREQUENCY_LISTS["passwords"])
    assert all(word in bundled for word in COMMON)


@pytest.mark.parametrize("password", ["", "x", "seven77"])
async def test_password_shorter_than_8_is_400(client: httpx.AsyncClient, password: str) -> None:
    data = registration(password=password)

    response = await client.post(REGISTER, json=data)

    assert_error(response, 400, "VALIDATION_ERROR", field="password")
    await assert_no_account(client, data)


async def test_password_longer_than_128_is_400(client: httpx.AsyncClient) -> None:
    data = registration(password="long passphrase " * 8 + "x")
    assert len(data["password"]) == 129

    response = await client.post(REGISTER, json=data)

    assert_error(response, 400, "VALIDATION_ERROR", field="password")
    await assert_no_account(client, data)


@pytest.mark.parametrize("password", ["kx9#vq2m", "long passphrase " * 8])
async def test_password_of_8_or_128_characters_is_accepted(
    client: httpx.AsyncClient, password: str
) -> None:
    data = registration(password=password)

    response = await client.post(REGISTER, json=data)

    assert response.status_code == 201, response.text
    login = await client.post(LOGIN, json={"email": data["email"], "password": password})
    assert login.status_code == 200, login.text


async def test_no_composition_rules_apply(client: httpx.AsyncClient) -> None:
    data = registration(password="all lower case words here")

    response = await client.post(REGISTER, json=data)

    assert response.status_code == 201, response.text


@pytest.mark.parametrize("password", [*COMMON, "PASSWORD123", "QwertyUiop"])
async def test_common_password_is_400_in_any_case(client: httpx.AsyncClient, password: str) -> None:
    data = registration(password=password)

    response = await client.post(REGISTER, json=data)

    error = assert_error(response, 400, "VALIDATION_ERROR", field="password")
    assert len(error["details"]) == 1
    await assert_no_account(client, data)


@pytest.mark.parametrize("same_as", ["username", "username_upper", "email", "email_local"])
async def test_password_equal_to_username_or_email_is_400(
    client: httpx.AsyncClient, same_as: str
) -> None:
    username = unique_name("samename")
    email = f"{unique_name('mailbox')}@example.com"
    password = {
        "username": username,
        "username_upper": username.upper(),
        "email": email,
        "email_local": email.split("@")[0],
    }[same_as]
    data = {"email": email, "username": username, "password": password}

    response = await client.post(REGISTER, json=data)

    assert_error(response, 400, "VALIDATION_ERROR", field="password")
    await assert_no_account(client, data)
