"""Conduit users: register, login, the current user, its update."""

import asyncio

import httpx
import pytest
from fastapi import FastAPI

from .conduit import (
    PASSWORD,
    ROOT,
    assert_errors,
    assert_valid,
    register,
    token_headers,
    unique,
)


async def test_register_returns_the_user_with_a_usable_token(client: httpx.AsyncClient) -> None:
    name = unique()
    body = {"user": {"username": name, "email": f"{name}@example.com", "password": PASSWORD}}
    response = await client.post(f"{ROOT}/users", json=body)
    assert response.status_code == 201, response.text
    assert_valid(response.json(), "UserResponse")
    user = response.json()["user"]
    assert user == {
        "email": f"{name}@example.com",
        "token": user["token"],
        "username": name,
        "bio": None,
        "image": None,
    }
    assert response.headers["cache-control"] == "no-store"
    me = await client.get(f"{ROOT}/user", headers=token_headers(user["token"]))
    assert me.status_code == 200
    assert me.json() == response.json()


async def test_a_taken_email_or_username_is_422_and_nothing_is_written(
    client: httpx.AsyncClient,
) -> None:
    taken = await register(client)
    for field in ("email", "username"):
        name = unique()
        user = {"username": name, "email": f"{name}@example.com", "password": PASSWORD}
        user[field] = taken[field]
        response = await client.post(f"{ROOT}/users", json={"user": user})
        body = assert_errors(response, 422, field)
        assert body == {"errors": {field: ["has already been taken"]}}
        # Nothing written: neither the new name nor the new address exists.
        if field == "email":
            assert_errors(await client.get(f"{ROOT}/profiles/{name}"), 404)
        else:
            login = {"user": {"email": user["email"], "password": PASSWORD}}
            assert_errors(await client.post(f"{ROOT}/users/login", json=login), 401)


@pytest.mark.parametrize(
    ("user", "field"),
    [
        ({"username": "ab", "email": "ab@example.com", "password": PASSWORD}, "username"),
        ({"username": "okname", "email": "not-an-email", "password": PASSWORD}, "email"),
        ({"username": "okname2", "email": "ok2@example.com", "password": "short"}, "password"),
        ({"username": "okname3", "email": "ok3@example.com", "password": "password"}, "password"),
        ({"email": "ok4@example.com", "password": PASSWORD}, "username"),
    ],
)
async def test_registration_follows_the_core_rules(
    client: httpx.AsyncClient, user: dict[str, str], field: str
) -> None:
    assert_errors(await client.post(f"{ROOT}/users", json={"user": user}), 422, field)


async def test_login_and_bad_logins(client: httpx.AsyncClient) -> None:
    user = await register(client)
    credentials = {"email": user["email"], "password": PASSWORD, "unknown": "ignored"}
    response = await client.post(f"{ROOT}/users/login", json={"user": credentials})
    assert response.status_code == 200, response.text
    assert_valid(response.json(), "UserResponse")
    assert response.json()["user"]["username"] == user["username"]
    wrong = await client.post(
        f"{ROOT}/users/login", json={"user": {**credentials, "password": "not the password"}}
    )
    assert wrong.json() == {"errors": {"email or password": ["is invalid"]}}
    assert wrong.status_code == 401
    unknown = {"email": "nobody@example.com", "password": PASSWORD}
    assert_errors(await client.post(f"{ROOT}/users/login", json={"user": unknown}), 401)
    assert_errors(await client.post(f"{ROOT}/users/login", json={"nothing": {}}), 422, "user")


async def test_the_current_user_needs_a_valid_token(client: httpx.AsyncClient) -> None:
    user = await register(client)
    assert_errors(await client.get(f"{ROOT}/user"), 401)
    assert_errors(await client.get(f"{ROOT}/user", headers=token_headers("not.a.jwt")), 401)
    bearer = await client.get(f"{ROOT}/user", headers=token_headers(user["token"], "Bearer"))
    assert bearer.status_code == 200
    assert bearer.json()["user"]["token"] == user["token"]


async def test_update_with_own_email_and_username_is_no_change(client: httpx.AsyncClient) -> None:
    user = await register(client)
    headers = token_headers(user["token"])
    sent = {**user, "bio": "I like dragons", "image": "https://cdn.example.com/me.png"}
    response = await client.put(f"{ROOT}/user", json={"user": sent}, headers=headers)
    assert response.status_code == 200, response.text
    assert_valid(response.json(), "UserResponse")
    assert response.json()["user"] == {**sent, "token": user["token"]}
    # The token survives a profile update.
    assert (await client.get(f"{ROOT}/user", headers=headers)).status_code == 200
    cleared = await client.put(f"{ROOT}/user", json={"user": {"image": ""}}, headers=headers)
    assert cleared.json()["user"]["image"] is None


async def test_update_refusals(client: httpx.AsyncClient) -> None:
    user = await register(client)
    other = await register(client)
    headers = token_headers(user["token"])
    taken = await client.put(
        f"{ROOT}/user", json={"user": {"username": other["username"]}}, headers=headers
    )
    assert taken.json() == {"errors": {"username": ["has already been taken"]}}
    bad_image = {"user": {"image": "javascript:alert(1)"}}
    assert_errors(await client.put(f"{ROOT}/user", json=bad_image, headers=headers), 422, "image")
    assert_errors(await client.put(f"{ROOT}/user", json={"user": {"bio": "x"}}), 401)
    me = (await client.get(f"{ROOT}/user", headers=headers)).json()["user"]
    assert me["username"] == user["username"]
    assert me["bio"] is None


async def test_a_new_password_ends_old_tokens_and_answers_a_new_one(
    client: httpx.AsyncClient,
) -> None:
    user = await register(client)
    old = token_headers(user["token"])
    weak = await client.put(f"{ROOT}/user", json={"user": {"password": "12345678"}}, headers=old)
    assert_errors(weak, 422, "password")
    new_password = "another fine passphrase"
    response = await client.put(
        f"{ROOT}/user", json={"user": {"password": new_password}}, headers=old
    )
    assert response.status_code == 200, response.text
    token = response.json()["user"]["token"]
    assert token != user["token"]
    assert_errors(await client.get(f"{ROOT}/user", headers=old), 401)
    assert (await client.get(f"{ROOT}/user", headers=token_headers(token))).status_code == 200
    login = {"user": {"email": user["email"], "password": new_password}}
    assert (await client.post(f"{ROOT}/users/login", json=login)).status_code == 200


async def test_logout_all_ends_a_conduit_token(app: FastAPI, client: httpx.AsyncClient) -> None:
    user = await register(client)
    headers = token_headers(user["token"])
    response = await client.post(
        "/api/v1/auth/logout-all", headers=token_headers(user["token"], "Bearer")
    )
    assert response.status_code == 204
    assert_errors(await client.get(f"{ROOT}/user", headers=headers), 401)


async def test_a_conduit_token_is_a_session_that_can_be_revoked(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    user = await register(client)
    bearer = token_headers(user["token"], "Bearer")
    sessions = (await client.get("/api/v1/auth/sessions", headers=bearer)).json()
    assert len(sessions) == 1
    other = await client.post(
        f"{ROOT}/users/login", json={"user": {"email": user["email"], "password": PASSWORD}}
    )
    other_headers = token_headers(other.json()["user"]["token"])
    response = await client.delete(f"/api/v1/auth/sessions/{sessions[0]['id']}", headers=bearer)
    assert response.status_code == 204
    # Each process learns of ended sessions within one poll interval.
    await asyncio.sleep(app.state.settings.session_revocation_poll_seconds)
    assert_errors(await client.get(f"{ROOT}/user", headers=token_headers(user["token"])), 401)
    assert (await client.get(f"{ROOT}/user", headers=other_headers)).status_code == 200


async def test_a_new_email_needs_the_cores_current_password(client: httpx.AsyncClient) -> None:
    user = await register(client)
    headers = token_headers(user["token"])
    change = {"user": {"email": "elsewhere@example.com"}}
    assert_errors(
        await client.put(f"{ROOT}/user", json=change, headers=headers), 422, "current_password"
    )
    assert (await client.get(f"{ROOT}/user", headers=headers)).json()["user"]["email"] == user[
        "email"
    ]


async def test_a_follow_made_on_api_v1_shows_here(client: httpx.AsyncClient) -> None:
    author = await register(client)
    reader = await register(client)
    followed = await client.put(
        f"/api/v1/users/{author['username']}/follow",
        headers=token_headers(reader["token"], "Bearer"),
    )
    assert followed.status_code == 204
    profile = await client.get(
        f"{ROOT}/profiles/{author['username']}", headers=token_headers(reader["token"])
    )
    assert profile.json()["profile"]["following"] is True
