"""GET /users/{ref} (public view, by id or username) and PATCH /users/{ref} (self only)."""

import uuid

import httpx
import pytest
from factories import PUBLIC_USER_FIELDS, USERS, assert_error, create_user, me, signed_in
from fastapi import FastAPI

from blogapi.core.config import Role

# A profile is the public fields and the author's feeds.
PROFILE_FIELDS = PUBLIC_USER_FIELDS | {"feeds", "following"}


async def test_profile_by_id_is_the_public_view_only(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    await client.patch(
        f"{USERS}/me", json={"display_name": "Ada", "bio": "Hi"}, headers=account.headers
    )

    response = await client.get(f"{USERS}/{account.id}")

    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == PROFILE_FIELDS
    assert body["id"] == account.id
    assert body["username"] == account.username
    assert body["display_name"] == "Ada"
    assert body["bio"] == "Hi"
    assert body["created_at"].endswith("Z")
    feed = f"http://127.0.0.1:8000/feeds/authors/{account.username}"
    assert body["feeds"] == {"rss": f"{feed}.rss", "atom": f"{feed}.atom", "json": f"{feed}.json"}
    assert account.email not in response.text


@pytest.mark.parametrize("shout", [False, True])
async def test_profile_by_username_ignores_case(
    app: FastAPI, client: httpx.AsyncClient, shout: bool
) -> None:
    username = await create_user(app)

    response = await client.get(f"{USERS}/{username.upper() if shout else username}")

    assert response.status_code == 200, response.text
    assert set(response.json()) == PROFILE_FIELDS
    assert response.json()["username"] == username


async def test_a_signed_in_reader_still_gets_only_the_public_view_of_others(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    other = await create_user(app)
    admin = await signed_in(app, client, role=Role.ADMIN)

    response = await client.get(f"{USERS}/{other}", headers=admin.headers)

    assert set(response.json()) == PROFILE_FIELDS


async def test_an_unknown_username_is_404_not_found(client: httpx.AsyncClient) -> None:
    assert_error(await client.get(f"{USERS}/nobody_here"), 404, "NOT_FOUND")


async def test_an_unknown_id_is_404_not_found(client: httpx.AsyncClient) -> None:
    assert_error(await client.get(f"{USERS}/{uuid.uuid4()}"), 404, "NOT_FOUND")


@pytest.mark.parametrize(
    "ref",
    [
        "%00",
        "a" * 65,
        "0" * 64,
        "00000000-0000-0000-0000-00000000000g",
        "{00000000-0000-0000-0000-000000000000",
        "' OR 1=1 --",
        "%25",
        "%ff%fe",
        "%E2%80%AE",
        "-1",
        "1e400",
        "..%2F..%2Fetc",
        "%20",
    ],
)
async def test_weird_refs_are_4xx_never_500(client: httpx.AsyncClient, ref: str) -> None:
    response = await client.get(f"{USERS}/{ref}")

    assert 400 <= response.status_code < 500, response.text
    error = response.json()["error"]
    assert error["code"] in {"NOT_FOUND", "VALIDATION_ERROR"}
    assert error["request_id"] == response.headers["x-request-id"]


async def test_patch_own_profile_by_username_or_id_is_allowed(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)

    by_name = await client.patch(
        f"{USERS}/{account.username}", json={"bio": "by name"}, headers=account.headers
    )
    by_id = await client.patch(
        f"{USERS}/{account.id}", json={"display_name": "by id"}, headers=account.headers
    )

    assert by_name.status_code == 200, by_name.text
    assert by_id.status_code == 200, by_id.text
    assert by_id.json()["bio"] == "by name"
    assert by_id.json()["display_name"] == "by id"
    assert by_id.json()["email"] == account.email


async def test_put_own_profile_is_a_partial_update(app: FastAPI, client: httpx.AsyncClient) -> None:
    account = await signed_in(app, client)
    await client.patch(f"{USERS}/me", json={"display_name": "Kept"}, headers=account.headers)

    response = await client.put(
        f"{USERS}/{account.id}", json={"bio": "put"}, headers=account.headers
    )

    assert response.status_code == 200, response.text
    assert response.json()["display_name"] == "Kept"
    assert response.json()["bio"] == "put"


@pytest.mark.parametrize("method", ["PATCH", "PUT"])
@pytest.mark.parametrize("role", [Role.AUTHOR, Role.ADMIN])
async def test_changing_someone_elses_profile_is_403_and_nothing_changes(
    app: FastAPI, client: httpx.AsyncClient, method: str, role: Role
) -> None:
    victim = await signed_in(app, client)
    attacker = await signed_in(app, client, role=role)
    before = await me(client, victim)

    response = await client.request(
        method, f"{USERS}/{victim.username}", json={"bio": "pwned"}, headers=attacker.headers
    )

    assert_error(response, 403, "FORBIDDEN")
    assert await me(client, victim) == before


async def test_patch_a_profile_without_a_token_is_401(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    victim = await signed_in(app, client)
    before = await me(client, victim)

    response = await client.patch(f"{USERS}/{victim.username}", json={"bio": "anon"})

    assert_error(response, 401, "AUTHENTICATION_REQUIRED")
    assert await me(client, victim) == before


async def test_patch_an_unknown_profile_is_404(app: FastAPI, client: httpx.AsyncClient) -> None:
    account = await signed_in(app, client)

    response = await client.patch(
        f"{USERS}/nobody_here", json={"bio": "x"}, headers=account.headers
    )

    assert_error(response, 404, "NOT_FOUND")


async def test_patch_own_profile_refuses_unknown_fields(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    before = await me(client, account)

    response = await client.patch(
        f"{USERS}/{account.id}", json={"role": "admin", "bio": "x"}, headers=account.headers
    )

    assert_error(response, 400, "VALIDATION_ERROR", field="role")
    assert await me(client, account) == before
