"""POST /auth/register with bad input: a clear 400 (or 415) and nothing written."""

from typing import Any

import httpx
import pytest
from factories import PASSWORD, assert_error, unique_name

from .endpoints import LOGIN, REGISTER


def registration(**overrides: Any) -> dict[str, Any]:
    name = unique_name("bad")
    return {"email": f"{name}@example.com", "username": name, "password": PASSWORD, **overrides}


async def assert_nothing_written(client: httpx.AsyncClient, username: str) -> None:
    """No account was made: the username cannot sign in, and it and its email are still free."""
    response = await client.post(LOGIN, json={"email": username, "password": PASSWORD})
    assert_error(response, 401, "INVALID_CREDENTIALS")
    clean = {"email": f"{username}@example.com", "username": username, "password": PASSWORD}
    retry = await client.post(REGISTER, json=clean)
    assert retry.status_code == 201, retry.text


@pytest.mark.parametrize(
    "username",
    ["ab", "a" * 51, "has space", "dash-ed", "dot.ted", "émile", "", "user@name", "名前です"],
)
async def test_invalid_username_is_400_on_username(
    client: httpx.AsyncClient, username: str
) -> None:
    data = registration(username=username)

    response = await client.post(REGISTER, json=data)

    assert_error(response, 400, "VALIDATION_ERROR", field="username")
    login = await client.post(LOGIN, json={"email": data["email"], "password": PASSWORD})
    assert_error(login, 401, "INVALID_CREDENTIALS")
    retry = await client.post(REGISTER, json=registration(email=data["email"]))
    assert retry.status_code == 201, retry.text


@pytest.mark.parametrize(
    "email", ["not-an-email", "a@b", "", "two@@example.com", "spaced out@example.com", 5, None]
)
async def test_invalid_email_is_400_on_email(client: httpx.AsyncClient, email: Any) -> None:
    data = registration(email=email)

    response = await client.post(REGISTER, json=data)

    assert_error(response, 400, "VALIDATION_ERROR", field="email")
    await assert_nothing_written(client, data["username"])


async def test_email_of_wrong_type_is_a_400_naming_email(client: httpx.AsyncClient) -> None:
    response = await client.post(REGISTER, json={"email": 5})

    error = assert_error(response, 400, "VALIDATION_ERROR", field="email")
    assert error["message"] == "Invalid request data"


@pytest.mark.parametrize("display_name", ["", "x" * 101, 7, ["list"]])
async def test_invalid_display_name_is_400(client: httpx.AsyncClient, display_name: Any) -> None:
    data = registration(display_name=display_name)

    response = await client.post(REGISTER, json=data)

    assert_error(response, 400, "VALIDATION_ERROR", field="display_name")
    await assert_nothing_written(client, data["username"])


@pytest.mark.parametrize("field", ["role", "id", "status", "email_verified", "is_admin"])
async def test_unknown_field_is_400_unknown_field(client: httpx.AsyncClient, field: str) -> None:
    data = registration(**{field: "admin"})

    response = await client.post(REGISTER, json=data)

    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert error["details"] == [{"field": field, "message": "Unknown field"}]
    await assert_nothing_written(client, data["username"])


async def test_mass_assigned_role_never_makes_an_admin(client: httpx.AsyncClient) -> None:
    data = registration(role="admin")
    assert_error(await client.post(REGISTER, json=data), 400, "VALIDATION_ERROR")

    del data["role"]
    response = await client.post(REGISTER, json=data)

    assert response.status_code == 201, response.text
    assert response.json()["role"] == "author"


@pytest.mark.parametrize("field", ["username", "display_name", "password", "email"])
async def test_nul_byte_in_a_string_is_400(client: httpx.AsyncClient, field: str) -> None:
    clean = registration(display_name="Some Name")
    data = {**clean, field: clean[field][:4] + "\x00" + clean[field][4:]}

    response = await client.post(REGISTER, json=data)

    assert_error(response, 400, "VALIDATION_ERROR", field=field)
    retry = await client.post(REGISTER, json=clean)
    assert retry.status_code == 201, retry.text


async def test_missing_fields_are_each_named(client: httpx.AsyncClient) -> None:
    response = await client.post(REGISTER, json={})

    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert {d["field"] for d in error["details"]} == {"email", "username", "password"}


@pytest.mark.parametrize("body", [[], "a string", None, 42, [{"email": "x@example.com"}]])
async def test_body_that_is_not_an_object_is_400(client: httpx.AsyncClient, body: Any) -> None:
    response = await client.post(REGISTER, json=body)

    assert_error(response, 400, "VALIDATION_ERROR")


@pytest.mark.parametrize(
    "raw", [b'{"email": "x@example.com",', b"{'email': 'single@quotes'}", b"\xff\xfe", b"nul"]
)
async def test_malformed_json_is_400(client: httpx.AsyncClient, raw: bytes) -> None:
    response = await client.post(
        REGISTER, content=raw, headers={"Content-Type": "application/json"}
    )

    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert error["details"] == [{"field": None, "message": "Malformed JSON body"}]


async def test_empty_json_body_is_400(client: httpx.AsyncClient) -> None:
    response = await client.post(REGISTER, headers={"Content-Type": "application/json"})

    assert_error(response, 400, "VALIDATION_ERROR")


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"]
)
async def test_non_json_body_is_415_and_writes_nothing(
    client: httpx.AsyncClient, content_type: str
) -> None:
    data = registration()
    body = f'{{"email": "{data["email"]}", "username": "{data["username"]}", '
    body += f'"password": "{PASSWORD}"}}'

    response = await client.post(REGISTER, content=body, headers={"Content-Type": content_type})

    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")
    await assert_nothing_written(client, data["username"])


async def test_json_with_charset_is_accepted(client: httpx.AsyncClient) -> None:
    data = registration()
    body = f'{{"email": "{data["email"]}", "username": "{data["username"]}", '
    body += f'"password": "{PASSWORD}"}}'

    response = await client.post(
        REGISTER, content=body, headers={"Content-Type": "application/json; charset=utf-8"}
    )

    assert response.status_code == 201, response.text
