"""A disabled account (admin PATCH /users/{ref}/status) is locked out: 403 ACCOUNT_DISABLED."""

import httpx
import pytest
from factories import ME, PASSWORD, USERS, Account, assert_error, signed_in
from fastapi import FastAPI

from blogapi.core.config import Role

from .endpoints import LOGIN, LOGOUT_ALL, SESSIONS, TOKEN, refresh


async def set_status(
    client: httpx.AsyncClient, admin: Account, ref: str, status: str
) -> httpx.Response:
    return await client.patch(
        f"{USERS}/{ref}/status", json={"status": status}, headers=admin.headers
    )


async def disabled_account(app: FastAPI, client: httpx.AsyncClient) -> tuple[Account, Account]:
    """A signed-in account that an admin then disabled; returns (account, admin)."""
    account = await signed_in(app, client)
    admin = await signed_in(app, client, role=Role.ADMIN)
    response = await set_status(client, admin, account.username, "disabled")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "disabled"
    return account, admin


async def test_disabled_account_cannot_log_in(app: FastAPI, client: httpx.AsyncClient) -> None:
    account, _ = await disabled_account(app, client)

    by_json = await client.post(LOGIN, json={"email": account.email, "password": PASSWORD})
    by_form = await client.post(TOKEN, data={"username": account.username, "password": PASSWORD})

    for response in (by_json, by_form):
        error = assert_error(response, 403, "ACCOUNT_DISABLED")
        assert error["details"] == []


async def test_disabled_account_with_a_wrong_password_gets_invalid_credentials(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    # Only the right password learns that the account is disabled.
    account, _ = await disabled_account(app, client)

    response = await client.post(LOGIN, json={"email": account.email, "password": "wrong one!"})

    assert_error(response, 401, "INVALID_CREDENTIALS")


@pytest.mark.parametrize(("method", "url"), [("GET", ME), ("GET", SESSIONS), ("POST", LOGOUT_ALL)])
async def test_existing_access_token_of_a_disabled_account_is_403(
    app: FastAPI, client: httpx.AsyncClient, method: str, url: str
) -> None:
    account, _ = await disabled_account(app, client)

    response = await client.request(method, url, headers=account.headers)

    assert_error(response, 403, "ACCOUNT_DISABLED")


async def test_refresh_of_a_disabled_account_is_403(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account, _ = await disabled_account(app, client)

    response = await refresh(client, account.refresh_token)

    assert_error(response, 403, "ACCOUNT_DISABLED")


async def test_refused_refresh_does_not_spend_the_token(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account, admin = await disabled_account(app, client)
    assert_error(await refresh(client, account.refresh_token), 403, "ACCOUNT_DISABLED")

    assert (await set_status(client, admin, account.username, "active")).status_code == 200

    response = await refresh(client, account.refresh_token)
    assert response.status_code == 200, response.text


async def test_re_enabled_account_can_log_in_again(app: FastAPI, client: httpx.AsyncClient) -> None:
    account, admin = await disabled_account(app, client)

    response = await set_status(client, admin, account.id, "active")

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "active"
    login = await client.post(LOGIN, json={"email": account.email, "password": PASSWORD})
    assert login.status_code == 200, login.text


@pytest.mark.parametrize("role", [Role.CONTRIBUTOR, Role.AUTHOR, Role.EDITOR])
async def test_only_admins_can_disable_an_account(
    app: FastAPI, client: httpx.AsyncClient, role: Role
) -> None:
    target = await signed_in(app, client)
    caller = await signed_in(app, client, role=role)

    response = await set_status(client, caller, target.username, "disabled")

    assert_error(response, 403, "FORBIDDEN")
    assert (await client.get(ME, headers=target.headers)).status_code == 200
    assert (await refresh(client, target.refresh_token)).status_code == 200


async def test_admin_cannot_disable_themself(app: FastAPI, client: httpx.AsyncClient) -> None:
    admin = await signed_in(app, client, role=Role.ADMIN)

    response = await set_status(client, admin, admin.username, "disabled")

    assert_error(response, 403, "FORBIDDEN")
    assert (await client.get(ME, headers=admin.headers)).status_code == 200


@pytest.mark.parametrize("status", ["banned", "DISABLED", "", None])
async def test_unknown_status_is_400_and_changes_nothing(
    app: FastAPI, client: httpx.AsyncClient, status: str | None
) -> None:
    target = await signed_in(app, client)
    admin = await signed_in(app, client, role=Role.ADMIN)

    response = await client.patch(
        f"{USERS}/{target.username}/status", json={"status": status}, headers=admin.headers
    )

    assert_error(response, 400, "VALIDATION_ERROR", field="status")
    assert (await client.get(ME, headers=target.headers)).status_code == 200
