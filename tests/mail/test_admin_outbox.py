"""Admins see the outbox (dead emails included) and can queue a dead email again."""

import uuid
from typing import Any

import httpx
import pytest
from factories import Account, assert_error, signed_in
from fastapi import FastAPI

from blogapi.core.config import Role

from .mailbox import (
    OUTBOX,
    deliver,
    free_port,
    mail_settings,
    make_due,
    outbox,
    queue_emails,
    smtp_server,
)

EMAIL_FIELDS = {
    "id",
    "kind",
    "to_address",
    "subject",
    "status",
    "attempts",
    "next_attempt_at",
    "last_error",
    "created_at",
    "sent_at",
}


async def _kill(app: FastAPI, database_url: str, count: int = 1) -> list[str]:
    """Queue `count` emails and let every attempt fail until they are dead; their addresses."""
    addresses = await queue_emails(app, count, prefix="doomed")
    settings = mail_settings(database_url, free_port(), outbox_max_attempts=2)
    for _ in range(2):
        await deliver(app, settings)
        await make_due(app)
    return addresses


async def _listing(client: httpx.AsyncClient, admin: Account, **params: Any) -> dict[str, Any]:
    response = await client.get(OUTBOX, params=params, headers=admin.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_dead_emails_are_listed_for_admins(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    admin = await signed_in(app, client, role=Role.ADMIN)
    [dead_address] = await _kill(app, database_url)
    await queue_emails(app, 2, prefix="waiting")

    dead = await _listing(client, admin, status="dead")
    everything = await _listing(client, admin)

    assert dead["pagination"]["total"] == 1
    [email] = dead["data"]
    assert set(email) == EMAIL_FIELDS
    assert email["to_address"] == dead_address
    assert email["status"] == "dead"
    assert email["attempts"] == 2
    assert email["last_error"]
    assert email["sent_at"] is None
    assert everything["pagination"]["total"] == 3
    assert (await _listing(client, admin, status="pending"))["pagination"]["total"] == 2


async def test_a_requeued_email_gets_fresh_attempts_and_is_delivered(
    app: FastAPI, client: httpx.AsyncClient, database_url: str
) -> None:
    admin = await signed_in(app, client, role=Role.ADMIN)
    [address] = await _kill(app, database_url)
    [email] = (await _listing(client, admin, status="dead"))["data"]

    response = await client.post(f"{OUTBOX}/{email['id']}/requeue", headers=admin.headers)

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "pending"
    assert response.json()["attempts"] == 0
    with smtp_server() as box:
        assert await deliver(app, mail_settings(database_url, box.port)) == 1
    assert box.only(address)
    assert (await _listing(client, admin, status="dead"))["data"] == []
    [sent] = (await _listing(client, admin, status="sent"))["data"]
    assert sent["id"] == email["id"]


@pytest.mark.parametrize("state", ["pending", "sent"])
async def test_only_dead_emails_can_be_requeued(
    app: FastAPI, client: httpx.AsyncClient, database_url: str, state: str
) -> None:
    admin = await signed_in(app, client, role=Role.ADMIN)
    await queue_emails(app, 1)
    if state == "sent":
        with smtp_server() as box:
            await deliver(app, mail_settings(database_url, box.port))
    [row] = await outbox(app)

    response = await client.post(f"{OUTBOX}/{row.id}/requeue", headers=admin.headers)

    assert_error(response, 409, "INVALID_STATUS_TRANSITION")
    [after] = await outbox(app)
    assert (after.status, after.attempts) == (row.status, row.attempts)


async def test_requeueing_a_missing_or_malformed_id(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    admin = await signed_in(app, client, role=Role.ADMIN)

    missing = await client.post(f"{OUTBOX}/{uuid.uuid4()}/requeue", headers=admin.headers)
    malformed = await client.post(f"{OUTBOX}/not-a-uuid/requeue", headers=admin.headers)

    assert_error(missing, 404, "NOT_FOUND")
    assert_error(malformed, 400, "VALIDATION_ERROR")


@pytest.mark.parametrize("role", [Role.CONTRIBUTOR, Role.AUTHOR, Role.EDITOR])
async def test_only_admins_see_or_requeue_the_outbox(
    app: FastAPI, client: httpx.AsyncClient, database_url: str, role: Role
) -> None:
    someone = await signed_in(app, client, role=role)
    await _kill(app, database_url)
    [row] = await outbox(app)

    listing = await client.get(OUTBOX, headers=someone.headers)
    requeue = await client.post(f"{OUTBOX}/{row.id}/requeue", headers=someone.headers)

    assert_error(listing, 403, "FORBIDDEN")
    assert_error(requeue, 403, "FORBIDDEN")
    assert (await outbox(app))[0].status == "dead"


async def test_anonymous_callers_are_asked_to_sign_in(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    assert_error(await client.get(OUTBOX), 401, "AUTHENTICATION_REQUIRED")
    response = await client.post(f"{OUTBOX}/{uuid.uuid4()}/requeue")
    assert_error(response, 401, "AUTHENTICATION_REQUIRED")


@pytest.mark.parametrize(
    "params", [{"status": "lost"}, {"page": 0}, {"limit": 101}, {"limit": "many"}]
)
async def test_bad_listing_parameters_are_a_400(
    app: FastAPI, client: httpx.AsyncClient, params: dict[str, object]
) -> None:
    admin = await signed_in(app, client, role=Role.ADMIN)

    response = await client.get(OUTBOX, params=params, headers=admin.headers)

    assert_error(response, 400, "VALIDATION_ERROR")


async def test_the_listing_is_paginated_newest_first(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    admin = await signed_in(app, client, role=Role.ADMIN)
    addresses = await queue_emails(app, 5)

    first = await _listing(client, admin, limit=2)
    last = await _listing(client, admin, limit=2, page=3)

    assert first["pagination"] == {"page": 1, "limit": 2, "total": 5, "total_pages": 3}
    assert [e["to_address"] for e in first["data"]] == addresses[::-1][:2]
    assert [e["to_address"] for e in last["data"]] == addresses[:1]
