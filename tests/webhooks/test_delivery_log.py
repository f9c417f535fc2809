"""The delivery log: cursor pages, filters, a delivery's attempts; replay and recover send
messages again with the same webhook-id, recover oldest first."""

from datetime import timedelta
from typing import Any

import httpx
import pytest
import time_machine
from factories import assert_error, signed_in
from fastapi import FastAPI
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from blogapi.core.config import Role
from blogapi.core.db import utcnow
from blogapi.webhooks import delivery

from .receivers import WEBHOOKS, create_webhook, deliver, record_event, worker_settings


class Failing:
    """Answers 500 until told otherwise; notes each message's type and webhook-id."""

    def __init__(self) -> None:
        self.status = 500
        self.seen: list[tuple[str, str]] = []

    def __call__(self, request: Request) -> Response:
        self.seen.append((request.json["type"], request.headers["webhook-id"]))  # type: ignore[index]
        return Response("", status=self.status)


async def _listing(client: httpx.AsyncClient, admin: Any, endpoint_id: str, **params: Any) -> Any:
    response = await client.get(
        f"{WEBHOOKS}/{endpoint_id}/deliveries", params=params, headers=admin.headers
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_the_log_pages_by_cursor_and_filters(
    app: FastAPI, client: httpx.AsyncClient, receiver: HTTPServer
) -> None:
    receiver.expect_request("/a").respond_with_data("ok")
    admin = await signed_in(app, client, role=Role.ADMIN)
    endpoint = await create_webhook(client, admin, receiver.url_for("/a"))
    for type_ in ("post.published", "post.deleted", "post.published"):
        await record_event(app, type_)
    await deliver(app)

    first = await _listing(client, admin, endpoint["id"], limit=2)
    second = await _listing(client, admin, endpoint["id"], limit=2, cursor=first["next_cursor"])
    deleted = await _listing(client, admin, endpoint["id"], type="post.deleted")
    pending = await _listing(client, admin, endpoint["id"], status="pending")

    assert len(first["data"]) == 2
    assert len(second["data"]) == 1
    assert second["next_cursor"] is None
    everything = first["data"] + second["data"]
    assert [d["created_at"] for d in everything] == sorted(
        (d["created_at"] for d in everything), reverse=True
    )
    assert {d["status"] for d in everything} == {"succeeded"}
    assert [d["event_type"] for d in deleted["data"]] == ["post.deleted"]
    assert pending["data"] == []


@pytest.mark.parametrize(
    "params", [{"status": "lost"}, {"cursor": "not-a-cursor"}, {"limit": 0}, {"limit": 101}]
)
async def test_bad_log_parameters_are_refused(
    app: FastAPI, client: httpx.AsyncClient, params: dict[str, Any]
) -> None:
    admin = await signed_in(app, client, role=Role.ADMIN)
    endpoint = await create_webhook(client, admin, "http://127.0.0.1:9/a")

    response = await client.get(
        f"{WEBHOOKS}/{endpoint['id']}/deliveries", params=params, headers=admin.headers
    )

    assert_error(response, 400, "VALIDATION_ERROR")


async def test_a_replay_sends_the_same_message_again(
    app: FastAPI, client: httpx.AsyncClient, receiver: HTTPServer
) -> None:
    receiver.expect_request("/a").respond_with_data("ok")
    admin = await signed_in(app, client, role=Role.ADMIN)
    endpoint = await create_webhook(client, admin, receiver.url_for("/a"))
    await record_event(app, "post.published")
    await deliver(app)
    [delivery] = (await _listing(client, admin, endpoint["id"]))["data"]

    response = await client.post(
        f"{WEBHOOKS}/{endpoint['id']}/deliveries/{delivery['id']}/replay", headers=admin.headers
    )
    await deliver(app)

    assert response.status_code == 202, response.text
    assert response.json() == {"delivery_id": delivery["id"]}
    ids = [request.headers["webhook-id"] for request, _ in receiver.log]
    assert ids == [delivery["message_id"]] * 2


async def test_another_endpoints_delivery_is_not_found(
    app: FastAPI, client: httpx.AsyncClient, receiver: HTTPServer
) -> None:
    receiver.expect_request("/a").respond_with_data("ok")
    admin = await signed_in(app, client, role=Role.ADMIN)
    editor = await signed_in(app, client, role=Role.EDITOR)
    mine = await create_webhook(client, admin, receiver.url_for("/a"))
    other = await create_webhook(client, admin, receiver.url_for("/a"))
    await record_event(app, "post.published")
    await deliver(app)
    [delivery] = (await _listing(client, admin, mine["id"]))["data"]

    crossed = f"{WEBHOOKS}/{other['id']}/deliveries/{delivery['id']}"
    own = f"{WEBHOOKS}/{mine['id']}/deliveries/{delivery['id']}"
    assert_error(await client.get(crossed, headers=admin.headers), 404, "NOT_FOUND")
    assert_error(await client.post(f"{crossed}/replay", headers=admin.headers), 404, "NOT_FOUND")
    assert_error(
        await client.get(f"{WEBHOOKS}/{mine['id']}/deliveries/nope", headers=admin.headers),
        404,
        "NOT_FOUND",
    )
    assert_error(await client.post(f"{own}/replay", headers=editor.headers), 403, "FORBIDDEN")


async def test_recover_resends_failed_and_dead_messages_oldest_first(
    app: FastAPI, client: httpx.AsyncClient, receiver: HTTPServer
) -> None:
    failing = Failing()
    receiver.expect_request("/a").respond_with_handler(failing)
    admin = await signed_in(app, client, role=Role.ADMIN)
    endpoint = await create_webhook(client, admin, receiver.url_for("/a"))
    for type_ in ("post.published", "post.updated", "post.deleted"):
        await record_event(app, type_)
        await deliver(app)  # one at a time: each fails once
    failing.seen.clear()
    failing.status = 200

    response = await client.post(
        f"{WEBHOOKS}/{endpoint['id']}/recover",
        json={"since": (utcnow() - timedelta(hours=1)).isoformat()},
        headers=admin.headers,
    )
    one_at_a_time = worker_settings(app, webhook_max_in_flight_per_endpoint=1)
    for _ in range(3):
        await deliver(app, one_at_a_time)

    assert response.status_code == 202, response.text
    assert response.json() == {"deliveries": 3}
    assert [t for t, _ in failing.seen] == ["post.published", "post.updated", "post.deleted"]
    listing = await _listing(client, admin, endpoint["id"], status="succeeded")
    assert len(listing["data"]) == 3


@pytest.mark.parametrize(
    "since",
    [
        lambda: (utcnow() + timedelta(hours=1)).isoformat(),
        lambda: (utcnow() - timedelta(days=15)).isoformat(),
        lambda: "yesterday",
    ],
)
async def test_recover_refuses_a_future_or_too_old_since(
    app: FastAPI, client: httpx.AsyncClient, since: Any
) -> None:
    admin = await signed_in(app, client, role=Role.ADMIN)
    endpoint = await create_webhook(client, admin, "http://127.0.0.1:9/a")

    response = await client.post(
        f"{WEBHOOKS}/{endpoint['id']}/recover", json={"since": since()}, headers=admin.headers
    )

    assert_error(response, 400, "VALIDATION_ERROR", field="since")


async def test_the_log_is_kept_for_the_retention_days_then_purged(
    app: FastAPI, client: httpx.AsyncClient, receiver: HTTPServer
) -> None:
    receiver.expect_request("/ok").respond_with_data("ok")
    receiver.expect_request("/down").respond_with_data("no", status=500)
    admin = await signed_in(app, client, role=Role.ADMIN)
    ok = await create_webhook(client, admin, receiver.url_for("/ok"))
    down = await create_webhook(client, admin, receiver.url_for("/down"))
    await record_event(app, "post.published")
    await deliver(app)
    settings = app.state.settings
    days = settings.webhook_log_retention_days

    purged = []
    for age in (days - 1, days + 1):
        with time_machine.travel(utcnow() + timedelta(days=age)):
            async with app.state.sessionmaker() as session:
                purged.append(await delivery.purge_log(session, settings))
                await session.commit()

    assert purged == [0, 1]
    assert (await _listing(client, admin, ok["id"]))["data"] == []
    [waiting] = (await _listing(client, admin, down["id"]))["data"]
    assert waiting["status"] == "failed"  # still to be retried: not purged
