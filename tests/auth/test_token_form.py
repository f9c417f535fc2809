"""POST /auth/token: the OAuth2 password form (Swagger's "Authorize"), email or username."""

import httpx
import pytest
from factories import ME, PASSWORD, assert_error, create_user, unique_name
from fastapi import FastAPI

from .endpoints import LOGIN, TOKEN, bearer, without_request_id


@pytest.mark.parametrize("name", ["username", "email", "USERNAME"])
async def test_token_form_signs_in_by_username_or_email(
    app: FastAPI, client: httpx.AsyncClient, name: str
) -> None:
    username = await create_user(app)
    login_name = {"username": username, "email": f"{username}@example.com"}.get(
        name, username.upper()
    )

    response = await client.post(TOKEN, data={"username": login_name, "password": PASSWORD})

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["user"]["username"] == username
    assert body["refresh_token"]
    me = await client.get(ME, headers=bearer(body["access_token"]))
    assert me.status_code == 200, me.text


async def test_token_form_accepts_grant_type_password(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    username = await create_user(app)

    response = await client.post(
        TOKEN, data={"grant_type": "password", "username": username, "password": PASSWORD}
    )

    assert response.status_code == 200, response.text


async def test_token_form_failures_match_the_json_login(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    username = await create_user(app)

    wrong = await client.post(TOKEN, data={"username": username, "password": "wrong password"})
    unknown = await client.post(
        TOKEN, data={"username": unique_name("ghost"), "password": PASSWORD}
    )
    json_wrong = await client.post(LOGIN, json={"email": username, "password": "wrong password"})

    for response in (wrong, unknown, json_wrong):
        assert_error(response, 401, "INVALID_CREDENTIALS")
    assert without_request_id(wrong) == without_request_id(unknown)
    assert without_request_id(wrong) == without_request_id(json_wrong)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"password": PASSWORD}, "username"),
        ({"username": "someone"}, "password"),
        ({"grant_type": "client_credentials", "username": "u", "password": PASSWORD}, "grant_type"),
    ],
)
async def test_incomplete_or_wrong_grant_form_is_400(
    client: httpx.AsyncClient, data: dict[str, str], field: str
) -> None:
    response = await client.post(TOKEN, data=data)

    assert_error(response, 400, "VALIDATION_ERROR", field=field)


async def test_token_endpoint_wants_a_form_not_json(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    username = await create_user(app)

    response = await client.post(TOKEN, json={"username": username, "password": PASSWORD})

    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert {d["field"] for d in error["details"]} == {"username", "password"}
