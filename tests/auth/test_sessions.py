"""GET /auth/sessions and DELETE /auth/sessions/{id}: the caller's own live sessions."""

import uuid
from datetime import datetime, timedelta

import httpx
import pytest
from factories import Account, assert_error, client_for, login, signed_in
from fastapi import FastAPI

from .endpoints import LOGOUT, SESSIONS, refresh

SESSION_FIELDS = {"id", "user_agent", "ip", "started_at", "last_used_at", "expires_at", "current"}
PHONE_IP = "198.51.100.23"


def parse(timestamp: str) -> datetime:
    assert timestamp.endswith("Z"), timestamp
    return datetime.fromisoformat(timestamp)


async def sessions_of(client: httpx.AsyncClient, account: Account) -> list[dict[str, object]]:
    response = await client.get(SESSIONS, headers=account.headers)
    assert response.status_code == 200, response.text
    body: list[dict[str, object]] = response.json()
    return body


async def test_sessions_lists_each_login_with_agent_ip_and_current(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    laptop = await signed_in(app, client)
    async with client_for(app, PHONE_IP) as phone_client:
        phone_client.headers["User-Agent"] = "BlogPhone/2.1"
        phone = await login(phone_client, laptop.username)

    listed = await sessions_of(client, laptop)

    assert len(listed) == 2
    assert all(set(s) == SESSION_FIELDS for s in listed)
    by_agent = {s["user_agent"]: s for s in listed}
    phone_session = by_agent["BlogPhone/2.1"]
    laptop_session = next(s for s in listed if s is not phone_session)
    assert phone_session["ip"] == PHONE_IP
    assert laptop_session["ip"] == "127.0.0.1"
    assert str(laptop_session["user_agent"]).startswith("python-httpx/")
    assert laptop_session["current"] is True
    assert phone_session["current"] is False
    assert [s["current"] for s in await sessions_of(client, phone)].count(True) == 1
    current_for_phone = next(s for s in await sessions_of(client, phone) if s["current"])
    assert current_for_phone["id"] == phone_session["id"]


async def test_session_times_are_utc_and_expire_after_the_refresh_ttl(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)

    (listed,) = await sessions_of(client, account)

    started = parse(str(listed["started_at"]))
    expires = parse(str(listed["expires_at"]))
    assert parse(str(listed["last_used_at"])) >= started
    ttl = timedelta(days=app.state.settings.refresh_token_ttl_days)
    assert abs(expires - started - ttl) < timedelta(seconds=5)
    assert uuid.UUID(str(listed["id"]))


async def test_sessions_shows_no_other_users_and_no_ended_sessions(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    ended = await login(client, account.username)
    await signed_in(app, client)  # someone else
    logout = await client.post(LOGOUT, json={"refresh_token": ended.refresh_token})
    assert logout.status_code == 204, logout.text

    listed = await sessions_of(client, account)

    assert len(listed) == 1
    assert listed[0]["current"] is True


async def test_empty_and_long_user_agents_are_stored_sensibly(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    await client.post(
        "/api/v1/auth/login",
        json={"email": account.email, "password": account.password},
        headers={"User-Agent": ""},
    )
    await client.post(
        "/api/v1/auth/login",
        json={"email": account.email, "password": account.password},
        headers={"User-Agent": "A" * 600},
    )

    agents = [s["user_agent"] for s in await sessions_of(client, account)]

    assert None in agents
    assert "A" * 512 in agents


async def test_sessions_needs_a_valid_access_token(client: httpx.AsyncClient) -> None:
    assert_error(await client.get(SESSIONS), 401, "AUTHENTICATION_REQUIRED")
    bad = await client.get(SESSIONS, headers={"Authorization": "Bearer nope"})
    assert_error(bad, 401, "INVALID_TOKEN")


async def test_revoking_a_session_ends_it_and_only_it(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    other = await login(client, account.username)
    other_id = next(s["id"] for s in await sessions_of(client, other) if s["current"])

    response = await client.delete(f"{SESSIONS}/{other_id}", headers=account.headers)

    assert response.status_code == 204, response.text
    assert response.content == b""
    assert_error(await refresh(client, other.refresh_token), 401, "INVALID_TOKEN")
    remaining = await sessions_of(client, account)
    assert other_id not in [s["id"] for s in remaining]
    assert [s["current"] for s in remaining] == [True]
    assert (await refresh(client, account.refresh_token)).status_code == 200


async def test_revoking_another_users_session_is_404_and_changes_nothing(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    owner = await signed_in(app, client)
    intruder = await signed_in(app, client)
    (owner_session,) = await sessions_of(client, owner)

    response = await client.delete(f"{SESSIONS}/{owner_session['id']}", headers=intruder.headers)

    assert_error(response, 404, "NOT_FOUND")
    assert (await refresh(client, owner.refresh_token)).status_code == 200


@pytest.mark.parametrize("state", ["unknown", "already_revoked"])
async def test_revoking_an_unknown_or_ended_session_is_404(
    app: FastAPI, client: httpx.AsyncClient, state: str
) -> None:
    account = await signed_in(app, client)
    session_id = str(uuid.uuid4())
    if state == "already_revoked":
        other = await login(client, account.username)
        session_id = next(str(s["id"]) for s in await sessions_of(client, other) if s["current"])
        first = await client.delete(f"{SESSIONS}/{session_id}", headers=account.headers)
        assert first.status_code == 204, first.text

    response = await client.delete(f"{SESSIONS}/{session_id}", headers=account.headers)

    assert_error(response, 404, "NOT_FOUND")


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "123", "' OR 1=1 --"])
async def test_revoking_a_malformed_session_id_is_400(
    app: FastAPI, client: httpx.AsyncClient, bad_id: str
) -> None:
    account = await signed_in(app, client)

    response = await client.delete(f"{SESSIONS}/{bad_id}", headers=account.headers)

    assert_error(response, 400, "VALIDATION_ERROR", field="session_id")
    assert len(await sessions_of(client, account)) == 1


async def test_revoking_a_session_needs_authentication(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    account = await signed_in(app, client)
    (listed,) = await sessions_of(client, account)

    response = await client.delete(f"{SESSIONS}/{listed['id']}")

    assert_error(response, 401, "AUTHENTICATION_REQUIRED")
    assert (await refresh(client, account.refresh_token)).status_code == 200
