"""Admins add, list, change and remove webhook endpoints; secrets are shown once and kept
sealed; everyone else is refused."""

import base64
import uuid

import httpx
import pytest
from factories import assert_error, signed_in
from fastapi import FastAPI
from sqlalchemy import select

from blogapi.core.config import Role
from blogapi.webhooks.models import WebhookEndpoint

from .receivers import WEBHOOKS, create_webhook

URL = "http://127.0.0.1:9/hooks"


async def test_an_admin_adds_an_endpoint_and_sees_its_secret_once(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    admin = await signed_in(app, client, role=Role.ADMIN)

    response = await client.post(
        WEBHOOKS,
        json={"url": URL, "events": ["post.published"], "description": "site"},
        headers=admin.headers,
    )
    created = response.json()

    assert response.status_code == 201, response.text
    assert response.headers["cache-control"] == "no-store, no-transform"
    secret = created["secret"]
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert created["events"] == ["post.published"]
    assert created["enabled"] is True
    assert created["created_by"] == admin.id
    listed = (await client.get(WEBHOOKS, headers=admin.headers)).json()["data"]
    read = (await client.get(f"{WEBHOOKS}/{created['id']}", headers=admin.headers)).json()
    assert [e["id"] for e in listed] == [created["id"]]
    assert "secret" not in listed[0]
    assert "secret" not in read
    async with app.state.sessionmaker() as session:
        stored = await session.scalar(select(WebhookEndpoint))
    assert stored is not None
    assert secret.encode() not in stored.sealed_secret  # sealed at rest


async def test_others_may_not_manage_webhooks(app: FastAPI, client: httpx.AsyncClient) -> None:
    editor = await signed_in(app, client, role=Role.EDITOR)

    response = await client.post(
        WEBHOOKS, json={"url": URL, "events": ["*"]}, headers=editor.headers
    )
    listing = await client.get(WEBHOOKS, headers=editor.headers)
    types = await client.get(f"{WEBHOOKS}/event-types", headers=editor.headers)
    anonymous = await client.get(WEBHOOKS)

    assert_error(response, 403, "FORBIDDEN")
    assert_error(listing, 403, "FORBIDDEN")
    assert_error(types, 403, "FORBIDDEN")
    assert_error(anonymous, 401, "AUTHENTICATION_REQUIRED")


@pytest.mark.parametrize(
    "events",
    [["post.exploded"], [], ["*", "post.published"], "post.published", [1]],
)
async def test_unknown_or_mixed_event_lists_are_refused(
    app: FastAPI, client: httpx.AsyncClient, events: object
) -> None:
    admin = await signed_in(app, client, role=Role.ADMIN)

    response = await client.post(
        WEBHOOKS, json={"url": URL, "events": events}, headers=admin.headers
    )

    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert [d["field"].split(".")[0] for d in error["details"]] == ["events"]
    assert (await client.get(WEBHOOKS, headers=admin.headers)).json()["data"] == []


async def test_the_endpoint_after_the_last_allowed_is_refused(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    admin = await signed_in(app, client, role=Role.ADMIN)
    limit = app.state.settings.webhook_max_endpoints
    for _ in range(limit):
        await create_webhook(client, admin, URL)

    response = await client.post(
        WEBHOOKS, json={"url": URL, "events": ["*"]}, headers=admin.headers
    )

    assert_error(response, 400, "WEBHOOK_LIMIT_REACHED")
    assert len((await client.get(WEBHOOKS, headers=admin.headers)).json()["data"]) == limit


async def test_an_admin_changes_and_removes_an_endpoint(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    admin = await signed_in(app, client, role=Role.ADMIN)
    created = await create_webhook(client, admin, URL)
    path = f"{WEBHOOKS}/{created['id']}"

    changed = await client.patch(
        path,
        json={"events": ["comment.created"], "enabled": False, "description": "chat"},
        headers=admin.headers,
    )
    deleted = await client.delete(path, headers=admin.headers)
    gone = await client.get(path, headers=admin.headers)

    assert changed.status_code == 200, changed.text
    assert changed.json()["events"] == ["comment.created"]
    assert changed.json()["enabled"] is False
    assert changed.json()["description"] == "chat"
    assert "secret" not in changed.json()
    assert deleted.status_code == 204
    assert_error(gone, 404, "NOT_FOUND")


@pytest.mark.parametrize("endpoint_id", [str(uuid.UUID(int=42)), "not-an-id", "1"])
async def test_unknown_or_malformed_ids_are_not_found(
    app: FastAPI, client: httpx.AsyncClient, endpoint_id: str
) -> None:
    admin = await signed_in(app, client, role=Role.ADMIN)
    path = f"{WEBHOOKS}/{endpoint_id}"

    for response in [
        await client.get(path, headers=admin.headers),
        await client.patch(path, json={"enabled": True}, headers=admin.headers),
        await client.delete(path, headers=admin.headers),
        await client.post(f"{path}/rotate-secret", headers=admin.headers),
        await client.post(f"{path}/test", headers=admin.headers),
        await client.get(f"{path}/deliveries", headers=admin.headers),
    ]:
        assert_error(response, 404, "NOT_FOUND")


async def test_a_change_is_checked_as_a_new_endpoint_is(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    admin = await signed_in(app, client, role=Role.ADMIN)
    created = await create_webhook(client, admin, URL)
    path = f"{WEBHOOKS}/{created['id']}"

    bad_url = await client.patch(path, json={"url": "ftp://x.example/"}, headers=admin.headers)
    bad_events = await client.patch(path, json={"events": []}, headers=admin.headers)
    null_url = await client.patch(path, json={"url": None}, headers=admin.headers)

    assert_error(bad_url, 400, "VALIDATION_ERROR", field="url")
    assert_error(bad_events, 400, "VALIDATION_ERROR", field="events")
    assert_error(null_url, 400, "VALIDATION_ERROR", field="url")
    read = (await client.get(path, headers=admin.headers)).json()
    assert (read["url"], read["events"]) == (URL, ["*"])


async def test_the_catalogue_has_a_json_schema_per_type(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    admin = await signed_in(app, client, role=Role.ADMIN)

    response = await client.get(f"{WEBHOOKS}/event-types", headers=admin.headers)

    assert response.status_code == 200, response.text
    types = {t["type"]: t for t in response.json()["data"]}
    assert set(types) == {
        "post.published",
        "post.updated",
        "post.unpublished",
        "post.scheduled",
        "post.submitted",
        "post.deleted",
        "comment.created",
        "comment.hidden",
        "comment.deleted",
        "tag.updated",
        "webhook.test",
    }
    published = types["post.published"]["data_schema"]
    assert "content" not in published["properties"]["post"]["properties"]
    assert types["post.updated"]["data_schema"]["required"] == ["post", "changed"]
