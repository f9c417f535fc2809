"""PATCH /users/{ref}/role and /status: admins only; a disabled account is locked out."""

from typing import Any

import httpx
import pytest
from factories import ME, PASSWORD, USERS, assert_error, create_user, me, signed_in
from fastapi import FastAPI

from blogapi.core.config import Role

LOGIN = "/api/v1/auth/login"


async def test_admin_changes_a_role_and_it_takes_effect(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    target = await signed_in(app, client)
    admin = await signed_in(app, client, role=Role.ADMIN)
    assert_error(await client.get(USERS, headers=target.headers), 403, "FORBIDDEN")

    response = await client.patch(
        f"{USERS}/{target.username}/role", json={"role": "admin"}, headers=admin.headers
    )

    assert response.status_code == 200, response.text
    assert response.json()["role"] == "admin"
    assert response.json()["id"] == target.id
    assert (await me(client, target))["role"] == "admin"
    assert (await client.get(USERS, headers=target.headers)).status_code == 200


@pytest.mark.parametrize("role", ["contributor", "author", "editor", "admin"])
async def test_admin_sets_each_role_by_id(
    app: FastAPI, client: httpx.AsyncClient, role: str
) -> None:
    target = await signed_in(app, client)
    admin = await signed_in(app, client, role=Role.ADMIN)

    response = await client.patch(
        f"{USERS}/{target.id}/role", json={"role": role}, headers=admin.headers
    )

    assert response.status_code == 200, response.text
    assert (await me(client, target))["role"] == role


@pytest.mark.parametrize("role", [Role.CONTRIBUTOR, Role.AUTHOR, Role.EDITOR])
async def test_non_admins_may_not_change_roles(
    app: FastAPI, client: httpx.AsyncClient, role: Role
) -> None:
    target = await signed_in(app, client)
    caller = await signed_in(app, client, role=role)

    response = await client.patch(
        f"{USERS}/{caller.username}/role", json={"role": "admin"}, headers=caller.headers
    )
    other = await client.patch(
        f"{USERS}/{target.username}/role", json={"role": "editor"}, headers=caller.headers
    )

    assert_error(response, 403, "FORBIDDEN")
    assert_error(other, 403, "FORBIDDEN")
    assert (await me(client, caller))["role"] == role.value
    assert (await me(client, target))["role"] == "author"


async def test_anonymous_may_not_change_roles(app: FastAPI, client: httpx.AsyncClient) -> None:
    target = await signed_in(app, client)

    response = await client.patch(f"{USERS}/{target.username}/role", json={"role": "admin"})

    assert_error(response, 401, "AUTHENTICATION_REQUIRED")
    assert (await me(client, target))["role"] == "author"


@pytest.mark.parametrize(
    "body",
    [{"role": "king"}, {"role": "Admin"}, {"role": None}, {}, {"role": "editor", "x": 1}, []],
)
async def test_a_bad_role_body_is_400_and_nothing_changes(
    app: FastAPI, client: httpx.AsyncClient, body: Any
) -> None:
    target = await signed_in(app, client)
    admin = await signed_in(app, client, role=Role.ADMIN)

    response = await client.patch(
        f"{USERS}/{target.username}/role", json=body, headers=admin.headers
    )

    assert_error(response, 400, "VALIDATION_ERROR")
    assert (await me(client, target))["role"] == "author"


async def test_changing_the_role_of_an_unknown_user_is_404(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    admin = await signed_in(app, client, role=Role.ADMIN)

    response = await client.patch(
        f"{USERS}/nobody_here/role", json={"role": "editor"}, headers=admin.headers
    )

    assert_error(response, 404, "NOT_FOUND")


async def test_admin_disables_an_account_which_locks_it_out(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    target = await signed_in(app, client)
    admin = await signed_in(app, client, role=Role.ADMIN)

    response = await client.patch(
        f"{USERS}/{target.id}/status", json={"status": "disabled"}, headers=admin.headers
    )

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "disabled"
    assert_error(await client.get(ME, headers=target.headers), 403, "ACCOUNT_DISABLED")
    login = await client.post(LOGIN, json={"email": target.email, "password": PASSWORD})
    assert_error(login, 403, "ACCOUNT_DISABLED")
    assert_error(await client.get(f"{USERS}/{target.username}"), 404, "NOT_FOUND")


async def test_admin_re_enables_a_disabled_account(app: FastAPI, client: httpx.AsyncClient) -> None:
    target = await signed_in(app, client)
    admin = await signed_in(app, client, role=Role.ADMIN)
    url = f"{USERS}/{target.username}/status"
    await client.patch(url, json={"status": "disabled"}, headers=admin.headers)

    role = await client.patch(
        f"{USERS}/{target.username}/role", json={"role": "editor"}, headers=admin.headers
    )
    response = await client.patch(url, json={"status": "active"}, headers=admin.headers)

    assert role.status_code == 200, role.text
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "active"
    assert (await me(client, target))["role"] == "editor"
    login = await client.post(LOGIN, json={"email": target.email, "password": PASSWORD})
    assert login.status_code == 200


async def test_an_admin_cannot_disable_themself(app: FastAPI, client: httpx.AsyncClient) -> None:
    admin = await signed_in(app, client, role=Role.ADMIN)

    response = await client.patch(
        f"{USERS}/{admin.username}/status", json={"status": "disabled"}, headers=admin.headers
    )

    assert_error(response, 403, "FORBIDDEN")
    assert (await me(client, admin))["status"] == "active"
    assert (await client.get(USERS, headers=admin.headers)).status_code == 200


@pytest.mark.parametrize(
    "body", [{"status": "banned"}, {"status": None}, {}, {"status": "disabled", "reason": "x"}]
)
async def test_a_bad_status_body_is_400_and_nothing_changes(
    app: FastAPI, client: httpx.AsyncClient, body: Any
) -> None:
    target = await signed_in(app, client)
    admin = await signed_in(app, client, role=Role.ADMIN)

    response = await client.patch(
        f"{USERS}/{target.username}/status", json=body, headers=admin.headers
    )

    assert_error(response, 400, "VALIDATION_ERROR")
    assert (await me(client, target))["status"] == "active"


async def test_non_admins_may_not_change_status(app: FastAPI, client: httpx.AsyncClient) -> None:
    target = await signed_in(app, client)
    editor = await signed_in(app, client, role=Role.EDITOR)

    response = await client.patch(
        f"{USERS}/{target.username}/status", json={"status": "disabled"}, headers=editor.headers
    )
    anonymous = await client.patch(f"{USERS}/{target.username}/status", json={"status": "disabled"})

    assert_error(response, 403, "FORBIDDEN")
    assert_error(anonymous, 401, "AUTHENTICATION_REQUIRED")
    assert (await me(client, target))["status"] == "active"


async def test_changing_the_status_of_a_deleted_account_is_404(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    gone = await signed_in(app, client)
    await client.request("DELETE", ME, json={"password": PASSWORD}, headers=gone.headers)
    admin = await signed_in(app, client, role=Role.ADMIN)

    response = await client.patch(
        f"{USERS}/{gone.id}/status", json={"status": "active"}, headers=admin.headers
    )

    assert_error(response, 404, "NOT_FOUND")
    assert_error(await client.get(f"{USERS}/{gone.id}"), 404, "NOT_FOUND")


async def test_a_disabled_account_keeps_its_name_taken(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    disabled = await create_user(app)
    admin = await signed_in(app, client, role=Role.ADMIN)
    await client.patch(
        f"{USERS}/{disabled}/status", json={"status": "disabled"}, headers=admin.headers
    )
    account = await signed_in(app, client)

    response = await client.patch(ME, json={"username": disabled}, headers=account.headers)

    assert_error(response, 409, "USERNAME_TAKEN")
