"""The service always keeps an active admin: demoting or disabling the last one is a 409."""

import asyncio

import httpx
import pytest
from factories import USERS, assert_error, me, signed_in
from fastapi import FastAPI

from blogapi.core.config import Role


async def test_the_last_admin_cannot_demote_themself(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    admin = await signed_in(app, client, role=Role.ADMIN)

    response = await client.patch(
        f"{USERS}/{admin.username}/role", json={"role": "editor"}, headers=admin.headers
    )

    assert_error(response, 409, "CONFLICT")
    assert (await me(client, admin))["role"] == "admin"


@pytest.mark.parametrize("role", ["contributor", "author", "editor"])
async def test_an_admin_may_demote_another_while_one_remains(
    app: FastAPI, client: httpx.AsyncClient, role: str
) -> None:
    admin = await signed_in(app, client, role=Role.ADMIN)
    other = await signed_in(app, client, role=Role.ADMIN)

    response = await client.patch(
        f"{USERS}/{other.username}/role", json={"role": role}, headers=admin.headers
    )

    assert response.status_code == 200, response.text
    assert (await me(client, other))["role"] == role


async def test_a_disabled_admin_does_not_count_as_the_one_that_remains(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    first = await signed_in(app, client, role=Role.ADMIN)
    second = await signed_in(app, client, role=Role.ADMIN)
    disabled = await client.patch(
        f"{USERS}/{second.username}/status", json={"status": "disabled"}, headers=first.headers
    )
    assert disabled.status_code == 200, disabled.text

    response = await client.patch(
        f"{USERS}/{first.username}/role", json={"role": "author"}, headers=first.headers
    )

    assert_error(response, 409, "CONFLICT")
    assert (await me(client, first))["role"] == "admin"


@pytest.mark.parametrize(
    ("change", "body"), [("role", {"role": "author"}), ("status", {"status": "disabled"})]
)
async def test_two_admins_demoting_or_disabling_each_other_at_once_leave_one(
    app: FastAPI, client: httpx.AsyncClient, change: str, body: dict[str, str]
) -> None:
    a = await signed_in(app, client, role=Role.ADMIN)
    b = await signed_in(app, client, role=Role.ADMIN)

    responses = await asyncio.gather(
        client.patch(f"{USERS}/{b.id}/{change}", json=body, headers=a.headers),
        client.patch(f"{USERS}/{a.id}/{change}", json=body, headers=b.headers),
    )

    # The second either waited for the first (409) or was no admin by then (403).
    assert sorted(r.status_code for r in responses) in ([200, 403], [200, 409]), [
        r.text for r in responses
    ]
    # Exactly one of them may still list users: an active admin.
    still_admin = [(await client.get(USERS, headers=x.headers)).status_code for x in (a, b)]
    assert sorted(still_admin) == [200, 403]
