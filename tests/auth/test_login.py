"""POST /auth/login: a token pair for the right password, one answer for every wrong one."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from factories import (
    ME,
    PASSWORD,
    PRIVATE_USER_FIELDS,
    assert_error,
    create_user,
    login,
    signed_in,
    unique_name,
)
from fastapi import FastAPI
from harness import TEST_SECRET

from .endpoints import LOGIN, SESSIONS, access_claims, bearer, forge, without_request_id

PAIR_FIELDS = {"access_token", "refresh_token", "token_type", "expires_in", "user"}


async def test_login_returns_a_token_pair_and_the_user(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    username = await create_user(app)

    response = await client.post(
        LOGIN, json={"email": f"{username}@example.com", "password": PASSWORD}
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == PAIR_FIELDS
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == app.state.settings.access_token_ttl_seconds
    assert set(body["user"]) == PRIVATE_USER_FIELDS
    assert body["user"]["username"] == username
    assert body["user"]["email"] == f"{username}@example.com"
    assert len(body["refresh_token"]) >= 43  # 256 bits, URL-safe base64
    assert body["refresh_token"].count(".") == 0  # opaque, not a JWT
    me = await client.get(ME, headers=bearer(body["access_token"]))
    assert me.status_code == 200, me.text
    assert me.json()["id"] == body["user"]["id"]


async def test_access_token_carries_every_claim_and_the_pinned_algorithm(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    settings = app.state.settings

    header = jwt.get_unverified_header(account.access_token)
    claims = jwt.decode(
        account.access_token,
        TEST_SECRET,
        algorithms=["HS256"],
        audience=settings.jwt_audience,
        issuer=settings.jwt_issuer,
    )

    assert header["alg"] == "HS256"
    assert claims["sub"] == account.id
    assert claims["type"] == "access"
    assert claims["exp"] - claims["iat"] == settings.access_token_ttl_seconds
    assert {"sub", "iat", "exp", "iss", "aud", "jti", "type"} <= set(claims)


async def test_each_login_gets_fresh_unique_tokens(app: FastAPI, client: httpx.AsyncClient) -> None:
    username = await create_user(app)

    first = await login(client, username)
    second = await login(client, username)

    assert first.access_token != second.access_token
    assert first.refresh_token != second.refresh_token
    sessions = await client.get(SESSIONS, headers=first.headers)
    assert len(sessions.json()) == 2


@pytest.mark.parametrize("spelling", ["upper", "padded", "username", "username_upper"])
async def test_login_name_is_case_and_space_insensitive_and_takes_a_username(
    app: FastAPI, client: httpx.AsyncClient, spelling: str
) -> None:
    username = await create_user(app)
    name = {
        "upper": f"{username}@EXAMPLE.com".upper(),
        "padded": f"  {username}@example.com  ",
        "username": username,
        "username_upper": username.upper(),
    }[spelling]

    response = await client.post(LOGIN, json={"email": name, "password": PASSWORD})

    assert response.status_code == 200, response.text
    assert response.json()["user"]["username"] == username


async def test_wrong_password_and_unknown_email_get_identical_401s(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    username = await create_user(app)

    wrong_password = await client.post(
        LOGIN, json={"email": f"{username}@example.com", "password": "not the password"}
    )
    unknown_email = await client.post(
        LOGIN, json={"email": f"{unique_name('ghost')}@example.com", "password": PASSWORD}
    )
    unknown_username = await client.post(
        LOGIN, json={"email": unique_name("ghost"), "password": PASSWORD}
    )

    for response in (wrong_password, unknown_email, unknown_username):
        error = assert_error(response, 401, "INVALID_CREDENTIALS")
        assert error["details"] == []
        assert response.headers["www-authenticate"] == "Bearer"
    assert without_request_id(wrong_password) == without_request_id(unknown_email)
    assert without_request_id(wrong_password) == without_request_id(unknown_username)
    assert (
        wrong_password.json()["error"]["request_id"] != unknown_email.json()["error"]["request_id"]
    )


async def test_password_is_case_sensitive(app: FastAPI, client: httpx.AsyncClient) -> None:
    username = await create_user(app)

    response = await client.post(
        LOGIN, json={"email": f"{username}@example.com", "password": PASSWORD.upper()}
    )

    assert_error(response, 401, "INVALID_CREDENTIALS")


async def test_failed_login_starts_no_session(app: FastAPI, client: httpx.AsyncClient) -> None:
    account = await signed_in(app, client)

    response = await client.post(LOGIN, json={"email": account.email, "password": "wrong one!"})

    assert_error(response, 401, "INVALID_CREDENTIALS")
    sessions = await client.get(SESSIONS, headers=account.headers)
    assert len(sessions.json()) == 1


async def test_deleted_account_cannot_log_in(app: FastAPI, client: httpx.AsyncClient) -> None:
    account = await signed_in(app, client)
    deleted = await client.request(
        "DELETE", ME, json={"password": PASSWORD}, headers=account.headers
    )
    assert deleted.status_code == 204, deleted.text

    by_email = await client.post(LOGIN, json={"email": account.email, "password": PASSWORD})
    by_name = await client.post(LOGIN, json={"email": account.username, "password": PASSWORD})

    assert_error(by_email, 401, "INVALID_CREDENTIALS")
    assert_error(by_name, 401, "INVALID_CREDENTIALS")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "email"),
        ({"password": PASSWORD}, "email"),
        ({"email": "someone@example.com"}, "password"),
        ({"email": "", "password": PASSWORD}, "email"),
        ({"email": "someone@example.com", "password": ""}, "password"),
        ({"email": "someone@example.com", "password": "x" * 129}, "password"),
        ({"email": 5, "password": PASSWORD}, "email"),
        ({"email": "someone@example.com", "password": ["list"]}, "password"),
        ({"email": "some\x00one@example.com", "password": PASSWORD}, "email"),
        ({"email": "someone@example.com", "password": PASSWORD, "remember": True}, "remember"),
    ],
)
async def test_bad_login_body_is_400_naming_the_field(
    client: httpx.AsyncClient, body: dict[str, Any], field: str
) -> None:
    response = await client.post(LOGIN, json=body)

    assert_error(response, 400, "VALIDATION_ERROR", field=field)


async def test_login_body_that_is_not_json_is_415(app: FastAPI, client: httpx.AsyncClient) -> None:
    username = await create_user(app)

    response = await client.post(
        LOGIN,
        content=f"email={username}%40example.com&password={PASSWORD}",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")


async def test_login_with_malformed_json_is_400(client: httpx.AsyncClient) -> None:
    response = await client.post(
        LOGIN, content=b'{"email": "a@example.com"', headers={"Content-Type": "application/json"}
    )

    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert error["details"] == [{"field": None, "message": "Malformed JSON body"}]


async def test_login_works_while_a_stale_access_token_is_sent_along(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    # Signing in again is what a client does when its tokens are stale; a leftover
    # Authorization header must not stand in the way.
    username = await create_user(app)
    account = await login(client, username)
    past = datetime.now(UTC) - timedelta(hours=1)
    expired = forge(access_claims(app, account.id, iat=past, exp=past + timedelta(minutes=15)))

    response = await client.post(
        LOGIN,
        json={"email": account.email, "password": PASSWORD},
        headers=bearer(expired),
    )

    assert response.status_code == 200, response.text
