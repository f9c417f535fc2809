"""Every error, the framework's own included, comes in the one envelope with a 4xx code."""

from typing import Any

import httpx
import pytest
from factories import PASSWORD, USERS, assert_error, signed_in, unique_name
from fastapi import FastAPI

from blogapi.core.config import Role

REGISTER = "/api/v1/auth/register"
LOGIN = "/api/v1/auth/login"


async def nobody_registered(client: httpx.AsyncClient, email: str) -> bool:
    response = await client.post(LOGIN, json={"email": email, "password": PASSWORD})
    return response.status_code == 401


@pytest.mark.parametrize("path", ["/nope", "/api/v1/nope", "/api/v2/users/me", "/api/v1/users/a/b"])
async def test_an_unknown_path_is_404_in_the_envelope(client: httpx.AsyncClient, path: str) -> None:
    error = assert_error(await client.get(path), 404, "NOT_FOUND")

    assert error["details"] == []


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/health", "GET"),
        ("PUT", LOGIN, "POST"),
        ("GET", REGISTER, "POST"),
        ("POST", "/api/v1/users/me", None),
    ],
)
async def test_a_wrong_method_is_405_method_not_allowed_with_allow(
    client: httpx.AsyncClient, method: str, path: str, allowed: str | None
) -> None:
    response = await client.request(method, path)

    assert_error(response, 405, "METHOD_NOT_ALLOWED")
    assert "allow" in response.headers
    if allowed is not None:
        assert allowed in response.headers["allow"]


@pytest.mark.parametrize(
    "raw",
    [
        b'{"email": "%s", "username": "%s", "password": "%s"',
        b'{"email": "%s", "username": "%s", "password": "%s",}',
        b"{'email': '%s', 'username': '%s', 'password': '%s'}",
        b'\xff{"email": "%s", "username": "%s", "password": "%s"}',
        b'{"email": "%s", "username": "%s", "password": "%s"} trailing',
    ],
)
async def test_malformed_json_is_400_and_nothing_is_written(
    client: httpx.AsyncClient, raw: bytes
) -> None:
    email = f"{unique_name('broken')}@example.com"
    body = raw % (email.encode(), unique_name().encode(), PASSWORD.encode())

    response = await client.post(
        REGISTER, content=body, headers={"Content-Type": "application/json"}
    )

    assert_error(response, 400, "VALIDATION_ERROR")
    assert "Traceback" not in response.text
    assert await nobody_registered(client, email)


async def test_malformed_json_says_so(client: httpx.AsyncClient) -> None:
    response = await client.post(
        REGISTER,
        content=b'{"email": "x@example.com", ',
        headers={"Content-Type": "application/json"},
    )

    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert error["details"] == [{"field": None, "message": "Malformed JSON body"}]


async def test_an_empty_json_body_is_400(client: httpx.AsyncClient) -> None:
    response = await client.post(
        REGISTER, content=b"", headers={"Content-Type": "application/json"}
    )

    assert_error(response, 400, "VALIDATION_ERROR")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": 123}, "email"),
        ({"username": ["a", "list"]}, "username"),
        ({"password": {"an": "object"}}, "password"),
        ({"password": True}, "password"),
        ({"display_name": 1.5}, "display_name"),
    ],
)
async def test_wrong_types_are_400_naming_the_field_and_nothing_is_written(
    client: httpx.AsyncClient, body: dict[str, Any], field: str
) -> None:
    email = f"{unique_name('typed')}@example.com"
    good = {"email": email, "username": unique_name(), "password": PASSWORD}

    response = await client.post(REGISTER, json={**good, **body})

    assert_error(response, 400, "VALIDATION_ERROR", field=field)
    assert await nobody_registered(client, email)


async def test_unknown_fields_are_400_and_nothing_is_written(client: httpx.AsyncClient) -> None:
    email = f"{unique_name('mass')}@example.com"
    body = {"email": email, "username": unique_name(), "password": PASSWORD, "role": "admin"}

    response = await client.post(REGISTER, json=body)

    error = assert_error(response, 400, "VALIDATION_ERROR", field="role")
    assert {"field": "role", "message": "Unknown field"} in error["details"]
    assert await nobody_registered(client, email)


@pytest.mark.parametrize("number", ["9" * 5000, "1e99999", "-" + "9" * 5000])
async def test_huge_numbers_are_400_not_500(
    app: FastAPI, client: httpx.AsyncClient, number: str
) -> None:
    account = await signed_in(app, client)

    response = await client.patch(
        f"{USERS}/me",
        content=f'{{"bio": {number}}}'.encode(),
        headers={**account.headers, "Content-Type": "application/json"},
    )

    assert_error(response, 400, "VALIDATION_ERROR")


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/xml",
        "application/jsonp",
        None,
    ],
)
async def test_a_non_json_content_type_on_a_json_endpoint_is_415(
    client: httpx.AsyncClient, content_type: str | None
) -> None:
    email = f"{unique_name('ct')}@example.com"
    body = f'{{"email": "{email}", "username": "{unique_name()}", "password": "{PASSWORD}"}}'
    headers = {} if content_type is None else {"Content-Type": content_type}

    response = await client.post(REGISTER, content=body.encode(), headers=headers)

    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")
    assert await nobody_registered(client, email)


@pytest.mark.parametrize(
    "content_type",
    ["application/json; charset=utf-8", "application/vnd.api+json", "APPLICATION/JSON"],
)
async def test_json_with_parameters_or_a_json_suffix_is_accepted(
    client: httpx.AsyncClient, content_type: str
) -> None:
    body = f'{{"email": "{unique_name("ok")}@example.com", "username": "{unique_name()}", '
    body += f'"password": "{PASSWORD}"}}'

    response = await client.post(
        REGISTER, content=body.encode(), headers={"Content-Type": content_type}
    )

    assert response.status_code == 201, response.text


async def test_errors_from_a_signed_in_request_use_the_same_envelope(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    admin = await signed_in(app, client, role=Role.ADMIN)

    response = await client.get(USERS, params={"limit": "many"}, headers=admin.headers)

    error = assert_error(response, 400, "VALIDATION_ERROR", field="limit")
    assert error["message"] == "Invalid request data"
