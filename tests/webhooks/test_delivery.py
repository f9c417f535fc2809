"""Events reach the endpoints that want them, once each, signed as Standard Webhooks says:
verified by the independent `standardwebhooks` package; nothing else is sent."""

import json
from datetime import timedelta

import httpx
import pytest
import time_machine
from factories import assert_error, signed_in
from fastapi import FastAPI
from pytest_httpserver import HTTPServer
from standardwebhooks import Webhook, WebhookVerificationError

from blogapi import __version__
from blogapi.core.config import Role
from blogapi.core.db import utcnow
from blogapi.events import service as events_service
from blogapi.webhooks.catalogue import EVENT_TYPES

from .receivers import WEBHOOKS, create_webhook, deliver, record_event, verify


def _requests(receiver: HTTPServer) -> list[object]:
    return [request for request, _ in receiver.log]


async def test_an_event_reaches_each_subscribed_endpoint_once_and_verifies(
    app: FastAPI, client: httpx.AsyncClient, receiver: HTTPServer
) -> None:
    receiver.expect_request("/a", method="POST").respond_with_data("ok")
    receiver.expect_request("/b", method="POST").respond_with_data("ok")
    admin = await signed_in(app, client, role=Role.ADMIN)
    wants_posts = await create_webhook(client, admin, receiver.url_for("/a"), ["post.published"])
    wants_all = await create_webhook(client, admin, receiver.url_for("/b"), ["*"])
    data = {"post": {"id": "p1", "slug": "hello", "title": "Hello"}}

    event_id = await record_event(app, "post.published", data)
    await deliver(app)
    await deliver(app)  # nothing twice

    by_path = {request.path: request for request, _ in receiver.log}
    assert len(receiver.log) == 2
    for path, endpoint in (("/a", wants_posts), ("/b", wants_all)):
        request = by_path[path]
        message = verify(request, endpoint["secret"])
        assert message == json.loads(request.get_data())
        assert message["type"] == "post.published"
        assert message["data"] == data
        assert message["timestamp"].endswith("Z")
        assert request.headers["webhook-id"] == f"msg_{event_id}"
        assert request.headers["user-agent"] == f"BlogAPI-Webhooks/{__version__}"
        assert request.headers["content-type"] == "application/json"


async def test_unsubscribed_types_and_rolled_back_changes_send_nothing(
    app: FastAPI, client: httpx.AsyncClient, receiver: HTTPServer
) -> None:
    receiver.expect_request("/a").respond_with_data("ok")
    admin = await signed_in(app, client, role=Role.ADMIN)
    await create_webhook(client, admin, receiver.url_for("/a"), ["post.published"])

    await record_event(app, "comment.created", {"comment": {"id": "c", "post": {}}})
    async with app.state.sessionmaker() as session:
        await events_service.record(session, "post.published", {"post": {}}, subject_id=None)
        await session.rollback()
    tried = await deliver(app)

    assert tried == 0
    assert receiver.log == []


async def test_events_before_an_endpoint_existed_or_while_disabled_are_not_sent(
    app: FastAPI, client: httpx.AsyncClient, receiver: HTTPServer
) -> None:
    receiver.expect_request("/a").respond_with_data("ok")
    admin = await signed_in(app, client, role=Role.ADMIN)
    await record_event(app, "post.published")
    endpoint = await create_webhook(client, admin, receiver.url_for("/a"), enabled=False)

    await record_event(app, "post.published")
    await deliver(app)

    assert receiver.log == []
    assert endpoint["enabled"] is False


async def test_a_changed_body_or_an_old_timestamp_does_not_verify(
    app: FastAPI, client: httpx.AsyncClient, receiver: HTTPServer
) -> None:
    receiver.expect_request("/a").respond_with_data("ok")
    admin = await signed_in(app, client, role=Role.ADMIN)
    endpoint = await create_webhook(client, admin, receiver.url_for("/a"))
    await record_event(app, "post.published")
    await deliver(app)
    [request] = _requests(receiver)
    secret = endpoint["secret"]
    headers = {k.lower(): v for k, v in request.headers.items()}  # type: ignore[attr-defined]
    body: bytes = request.get_data()  # type: ignore[attr-defined]

    Webhook(secret).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body.replace(b"post.published", b"post.deleted"), headers)
    with (
        time_machine.travel(utcnow() + timedelta(minutes=6)),
        pytest.raises(WebhookVerificationError),
    ):
        Webhook(secret).verify(body, headers)
    wrong = await create_webhook(client, admin, receiver.url_for("/a"))
    with pytest.raises(WebhookVerificationError):
        Webhook(wrong["secret"]).verify(body, headers)


async def test_both_secrets_sign_during_a_rotation_then_only_the_new_one(
    app: FastAPI, client: httpx.AsyncClient, receiver: HTTPServer
) -> None:
    receiver.expect_request("/a").respond_with_data("ok")
    admin = await signed_in(app, client, role=Role.ADMIN)
    endpoint = await create_webhook(client, admin, receiver.url_for("/a"))
    old = endpoint["secret"]

    rotated = await client.post(f"{WEBHOOKS}/{endpoint['id']}/rotate-secret", headers=admin.headers)
    new = rotated.json()["secret"]
    await record_event(app, "post.published")
    await deliver(app)

    assert rotated.status_code == 200, rotated.text
    assert rotated.headers["cache-control"] == "no-store, no-transform"
    assert new != old
    assert new.startswith("whsec_")
    [during] = _requests(receiver)
    assert len(during.headers["webhook-signature"].split(" ")) == 2  # type: ignore[attr-defined]
    verify(during, old)  # type: ignore[arg-type]
    verify(during, new)  # type: ignore[arg-type]
    receiver.clear_log()
    with time_machine.travel(utcnow() + timedelta(hours=24, minutes=1)):
        await record_event(app, "post.published")
        await deliver(app)
        [after] = _requests(receiver)
        verify(after, new)  # type: ignore[arg-type]
        with pytest.raises(WebhookVerificationError):
            verify(after, old)  # type: ignore[arg-type]


async def test_a_test_message_goes_to_its_endpoint_only(
    app: FastAPI, client: httpx.AsyncClient, receiver: HTTPServer
) -> None:
    receiver.expect_request("/a").respond_with_data("thanks")
    receiver.expect_request("/b").respond_with_data("thanks")
    admin = await signed_in(app, client, role=Role.ADMIN)
    tested = await create_webhook(client, admin, receiver.url_for("/a"))
    await create_webhook(client, admin, receiver.url_for("/b"))

    response = await client.post(f"{WEBHOOKS}/{tested['id']}/test", headers=admin.headers)
    await deliver(app)

    assert response.status_code == 202, response.text
    [request] = _requests(receiver)
    assert request.path == "/a"  # type: ignore[attr-defined]
    message = verify(request, tested["secret"])  # type: ignore[arg-type]
    assert message["type"] == "webhook.test"
    assert message["data"]["endpoint_id"] == tested["id"]
    delivery_id = response.json()["delivery_id"]
    detail = await client.get(
        f"{WEBHOOKS}/{tested['id']}/deliveries/{delivery_id}", headers=admin.headers
    )
    assert detail.status_code == 200, detail.text
    assert detail.json()["status"] == "succeeded"
    [attempt] = detail.json()["attempts_log"]
    assert attempt["http_status"] == 200
    assert attempt["error_class"] is None
    assert attempt["response_excerpt"] == "thanks"


async def test_a_test_message_needs_an_admin_and_a_known_endpoint(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    admin = await signed_in(app, client, role=Role.ADMIN)
    author = await signed_in(app, client)
    endpoint = await create_webhook(client, admin, "http://127.0.0.1:9/a")

    forbidden = await client.post(f"{WEBHOOKS}/{endpoint['id']}/test", headers=author.headers)
    unknown = await client.post(f"{WEBHOOKS}/{admin.id}/test", headers=admin.headers)

    assert_error(forbidden, 403, "FORBIDDEN")
    assert_error(unknown, 404, "NOT_FOUND")


async def test_every_event_type_fires_once_per_subscribed_endpoint(
    app: FastAPI, client: httpx.AsyncClient, receiver: HTTPServer
) -> None:
    receiver.expect_request("/all").respond_with_data("ok")
    receiver.expect_request("/some").respond_with_data("ok")
    admin = await signed_in(app, client, role=Role.ADMIN)
    await create_webhook(client, admin, receiver.url_for("/all"), ["*"])
    some = ["post.updated", "comment.hidden", "tag.updated"]
    await create_webhook(client, admin, receiver.url_for("/some"), some)
    types = sorted(EVENT_TYPES - {"webhook.test"})

    for type_ in types:
        await record_event(app, type_)
    while await deliver(app):  # at most 4 in flight per endpoint: a few passes
        pass

    got: dict[str, list[str]] = {"/all": [], "/some": []}
    for request, _ in receiver.log:
        got[request.path].append(request.json["type"])
    assert sorted(got["/all"]) == types
    assert sorted(got["/some"]) == sorted(some)
