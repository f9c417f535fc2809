"""PATCH (and PUT) /users/me: display name, bio and avatar; nothing else can be mass-assigned."""

from typing import Any

import httpx
import pytest
from factories import ME, USERS, assert_error, me, signed_in
from fastapi import FastAPI


async def test_patch_me_changes_display_name_bio_and_avatar(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    changes = {
        "display_name": "Ada Lovelace",
        "bio": "Writes about *engines*.",
        "avatar_url": "https://cdn.example.com/ada.png",
    }

    response = await client.patch(ME, json=changes, headers=account.headers)

    assert response.status_code == 200, response.text
    assert response.json().items() >= changes.items()
    assert (await me(client, account)).items() >= changes.items()
    public = (await client.get(f"{USERS}/{account.username}")).json()
    assert public.items() >= changes.items()


async def test_patch_me_changes_only_the_fields_sent(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    await client.patch(ME, json={"display_name": "Ada", "bio": "First"}, headers=account.headers)

    response = await client.patch(ME, json={"bio": "Second"}, headers=account.headers)

    assert response.status_code == 200
    assert response.json()["display_name"] == "Ada"
    assert response.json()["bio"] == "Second"


async def test_patch_me_with_an_empty_body_changes_nothing(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    before = await me(client, account)

    response = await client.patch(ME, json={}, headers=account.headers)

    assert response.status_code == 200
    assert {k: v for k, v in response.json().items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }


async def test_null_clears_bio_and_avatar(app: FastAPI, client: httpx.AsyncClient) -> None:
    account = await signed_in(app, client)
    await client.patch(
        ME, json={"bio": "x", "avatar_url": "https://example.com/a.png"}, headers=account.headers
    )

    response = await client.patch(
        ME, json={"bio": None, "avatar_url": None}, headers=account.headers
    )

    assert response.status_code == 200
    assert response.json()["bio"] is None
    assert response.json()["avatar_url"] is None


@pytest.mark.parametrize(
    "avatar_url",
    [
        "https://example.com/a.png?size=64#top",
        "https://cdn.example.co.uk:8443/u/1.webp",
        "https://93.184.215.14/a.png",
        "https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/a.png",
    ],
)
async def test_avatar_url_accepts_public_https_urls(
    app: FastAPI, client: httpx.AsyncClient, avatar_url: str
) -> None:
    account = await signed_in(app, client)

    response = await client.patch(ME, json={"avatar_url": avatar_url}, headers=account.headers)

    assert response.status_code == 200
    assert response.json()["avatar_url"] == avatar_url


@pytest.mark.parametrize(
    "avatar_url",
    [
        "javascript:alert(1)",
        "data:image/png;base64,AAAA",
        "ftp://example.com/a.png",
        "//example.com/a.png",
        "example.com/a.png",
        "https://exa mple.com/a.png",
        "https://",
        pytest.param("https://example.com/a.png\n", id="trailing-newline"),
        "",
        "http://example.com/a.png",
        'https://example.com/a.png"><script>alert(1)</script>',
        "https://user:secret@example.com/a.png",
        "https://localhost/a.png",
        "https://printer.local/a.png",
        "https://127.0.0.1/a.png",
        "https://127.1/a.png",
        "https://2130706433/a.png",
        "https://0x7f000001/a.png",
        "https://10.0.0.5/a.png",
        "https://192.168.1.1/a.png",
        "https://169.254.169.254/latest/meta-data",
        "https://100.64.0.1/a.png",
        "https://[::1]/a.png",
        "https://[fd00::1]/a.png",
        "https://[::ffff:127.0.0.1]/a.png",
        "https://intranet/a.png",
    ],
)
async def test_avatar_url_other_than_a_public_https_url_is_400_and_nothing_changes(
    app: FastAPI, client: httpx.AsyncClient, avatar_url: str
) -> None:
    account = await signed_in(app, client)
    before = await me(client, account)

    response = await client.patch(
        ME, json={"avatar_url": avatar_url, "bio": "changed"}, headers=account.headers
    )

    assert_error(response, 400, "VALIDATION_ERROR", field="avatar_url")
    assert await me(client, account) == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"display_name": None}, "display_name"),
        ({"display_name": ""}, "display_name"),
        ({"display_name": "x" * 101}, "display_name"),
        ({"bio": "x" * 2001}, "bio"),
        ({"bio": 5}, "bio"),
        ({"bio": ["a list"]}, "bio"),
        ({"bio": "nul \x00 byte"}, "bio"),
        ({"avatar_url": "https://example.com/" + "a" * 2048}, "avatar_url"),
    ],
)
async def test_invalid_profile_values_are_400_and_nothing_changes(
    app: FastAPI, client: httpx.AsyncClient, changes: dict[str, Any], field: str
) -> None:
    account = await signed_in(app, client)
    before = await me(client, account)

    response = await client.patch(ME, json={"bio": "changed", **changes}, headers=account.headers)

    assert_error(response, 400, "VALIDATION_ERROR", field=field)
    assert await me(client, account) == before


@pytest.mark.parametrize(
    "field",
    ["role", "id", "auth_version", "status", "email_verified", "password", "deleted_at"],
)
async def test_unknown_fields_are_400_unknown_field_and_nothing_changes(
    app: FastAPI, client: httpx.AsyncClient, field: str
) -> None:
    account = await signed_in(app, client)
    before = await me(client, account)
    value: Any = "admin" if field == "role" else 1

    response = await client.patch(
        ME, json={"display_name": "Sneaky", field: value}, headers=account.headers
    )

    error = assert_error(response, 400, "VALIDATION_ERROR", field=field)
    assert {"field": field, "message": "Unknown field"} in error["details"]
    assert await me(client, account) == before


@pytest.mark.parametrize("body", [[], "a string", 42, None])
async def test_a_body_that_is_not_an_object_is_400(
    app: FastAPI, client: httpx.AsyncClient, body: Any
) -> None:
    account = await signed_in(app, client)
    before = await me(client, account)

    response = await client.patch(ME, json=body, headers=account.headers)

    assert_error(response, 400, "VALIDATION_ERROR")
    assert await me(client, account) == before


async def test_patch_me_without_a_token_is_401(client: httpx.AsyncClient) -> None:
    response = await client.patch(ME, json={"bio": "hi"})

    assert_error(response, 401, "AUTHENTICATION_REQUIRED")


async def test_put_me_is_a_partial_update_like_patch(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    await client.patch(ME, json={"display_name": "Kept"}, headers=account.headers)

    response = await client.put(ME, json={"bio": "Set by PUT"}, headers=account.headers)

    assert response.status_code == 200, response.text
    assert response.json()["bio"] == "Set by PUT"
    assert response.json()["display_name"] == "Kept"
    assert (await me(client, account))["bio"] == "Set by PUT"


async def test_put_me_refuses_unknown_fields_like_patch(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    before = await me(client, account)

    response = await client.put(ME, json={"bio": "x", "role": "admin"}, headers=account.headers)

    assert_error(response, 400, "VALIDATION_ERROR", field="role")
    assert await me(client, account) == before


async def test_put_me_without_a_token_is_401(client: httpx.AsyncClient) -> None:
    response = await client.put(ME, json={"bio": "x"})

    assert_error(response, 401, "AUTHENTICATION_REQUIRED")
