"""GET /users (admins): the list envelope, filters and strict page parameters."""

from typing import Any

import httpx
import pytest
from factories import (
    PRIVATE_USER_FIELDS,
    USERS,
    Account,
    assert_error,
    create_user,
    signed_in,
)
from fastapi import FastAPI

from blogapi.core.config import Role


async def list_users(client: httpx.AsyncClient, admin: Account, **params: Any) -> dict[str, Any]:
    response = await client.get(USERS, params=params, headers=admin.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def usernames(page: dict[str, Any]) -> list[str]:
    return [user["username"] for user in page["data"]]


async def test_admin_lists_every_account_newest_first_in_the_list_envelope(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    older = await create_user(app)
    newer = await create_user(app)
    admin = await signed_in(app, client, role=Role.ADMIN)

    page = await list_users(client, admin)

    assert set(page) == {"data", "pagination"}
    assert page["pagination"] == {"page": 1, "limit": 20, "total": 3, "total_pages": 1}
    assert usernames(page) == [admin.username, newer, older]
    assert all(set(user) == PRIVATE_USER_FIELDS for user in page["data"])


async def test_pages_split_the_list_and_count_the_total(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    names = [await create_user(app) for _ in range(4)]
    admin = await signed_in(app, client, role=Role.ADMIN)
    newest_first = [admin.username, *reversed(names)]

    first = await list_users(client, admin, limit=2)
    second = await list_users(client, admin, limit=2, page=2)
    third = await list_users(client, admin, limit=2, page=3)
    beyond = await list_users(client, admin, limit=2, page=4)

    assert first["pagination"] == {"page": 1, "limit": 2, "total": 5, "total_pages": 3}
    assert usernames(first) + usernames(second) + usernames(third) == newest_first
    assert beyond["data"] == []
    assert beyond["pagination"]["total"] == 5


async def test_filters_by_role_and_status(app: FastAPI, client: httpx.AsyncClient) -> None:
    editor = await create_user(app, role=Role.EDITOR)
    await create_user(app, role=Role.AUTHOR)
    disabled = await create_user(app)
    admin = await signed_in(app, client, role=Role.ADMIN)
    response = await client.patch(
        f"{USERS}/{disabled}/status", json={"status": "disabled"}, headers=admin.headers
    )
    assert response.status_code == 200, response.text

    editors = await list_users(client, admin, role="editor")
    disabled_page = await list_users(client, admin, status="disabled")
    active_authors = await list_users(client, admin, role="author", status="active")

    assert usernames(editors) == [editor]
    assert editors["pagination"]["total"] == 1
    assert usernames(disabled_page) == [disabled]
    assert disabled not in usernames(active_authors)
    assert len(usernames(active_authors)) == 1


async def test_q_matches_part_of_the_username_or_email_case_insensitively(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    wanted = await create_user(app, username="findme_please")
    await create_user(app, username="someone_else")
    admin = await signed_in(app, client, role=Role.ADMIN)

    by_name = await list_users(client, admin, q="DME_PL")
    by_email = await list_users(client, admin, q="findme_please@exa")

    assert usernames(by_name) == [wanted]
    assert usernames(by_email) == [wanted]


@pytest.mark.parametrize("wildcard", ["%", "_", "\\", "[a-z]"])
async def test_q_treats_like_wildcards_literally(
    app: FastAPI, client: httpx.AsyncClient, wildcard: str
) -> None:
    with_underscore = await create_user(app, username="has_underscore")
    await create_user(app, username="plainname")
    admin = await signed_in(app, client, role=Role.ADMIN)

    page = await list_users(client, admin, q=wildcard)

    assert usernames(page) == ([with_underscore] if wildcard == "_" else [])


async def test_deleted_accounts_are_not_listed(app: FastAPI, client: httpx.AsyncClient) -> None:
    gone = await signed_in(app, client)
    await client.request(
        "DELETE", f"{USERS}/me", json={"password": gone.password}, headers=gone.headers
    )
    admin = await signed_in(app, client, role=Role.ADMIN)

    page = await list_users(client, admin)

    assert usernames(page) == [admin.username]
    assert page["pagination"]["total"] == 1


@pytest.mark.parametrize("role", [Role.CONTRIBUTOR, Role.AUTHOR, Role.EDITOR])
async def test_non_admins_may_not_list_users(
    app: FastAPI, client: httpx.AsyncClient, role: Role
) -> None:
    account = await signed_in(app, client, role=role)

    assert_error(await client.get(USERS, headers=account.headers), 403, "FORBIDDEN")


async def test_anonymous_may_not_list_users(client: httpx.AsyncClient) -> None:
    assert_error(await client.get(USERS), 401, "AUTHENTICATION_REQUIRED")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"limit": -1}, "limit"),
        ({"limit": 10**30}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"limit": "1.5"}, "limit"),
        ({"page": 0}, "page"),
        ({"page": -1}, "page"),
        ({"page": 10**30}, "page"),
        ({"page": ""}, "page"),
        ({"role": "king"}, "role"),
        ({"role": "ADMIN "}, "role"),
        ({"status": "banned"}, "status"),
        ({"q": ""}, "q"),
        ({"q": "x" * 101}, "q"),
    ],
)
async def test_out_of_range_or_unknown_query_values_are_400(
    app: FastAPI, client: httpx.AsyncClient, params: dict[str, Any], field: str
) -> None:
    admin = await signed_in(app, client, role=Role.ADMIN)

    response = await client.get(USERS, params=params, headers=admin.headers)

    assert_error(response, 400, "VALIDATION_ERROR", field=field)


async def test_limit_100_is_the_largest_page(app: FastAPI, client: httpx.AsyncClient) -> None:
    admin = await signed_in(app, client, role=Role.ADMIN)

    page = await list_users(client, admin, limit=100)

    assert page["pagination"]["limit"] == 100
