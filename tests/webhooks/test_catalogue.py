"""The events the domains record match the catalogue's JSON Schemas, and every one of them
reaches an endpoint that wants every type, verified as Standard Webhooks says."""

from datetime import timedelta

import httpx
import jsonschema
from factories import POSTS, create_post, set_post, signed_in
from fastapi import FastAPI
from pytest_httpserver import HTTPServer
from sqlalchemy import select

from blogapi.core.config import Role
from blogapi.core.db import utcnow
from blogapi.events.models import Event
from blogapi.webhooks.catalogue import data_schemas

from .receivers import create_webhook, deliver, verify


async def _make_every_kind_of_change(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    editor = await signed_in(app, client, role=Role.EDITOR)
    post = await create_post(client, author, status="published", tags=["python"])
    await set_post(client, author, post["id"], title="A new title")
    comment = await client.post(
        f"{POSTS}/{post['id']}/comments", json={"content": "Nice"}, headers=author.headers
    )
    assert comment.status_code == 201, comment.text
    comment_path = f"/api/v1/comments/{comment.json()['id']}"
    assert (await client.post(f"{comment_path}/hide", headers=editor.headers)).status_code == 200
    assert (await client.delete(comment_path, headers=editor.headers)).status_code == 204
    renamed = await client.patch(
        "/api/v1/tags/python", json={"name": "Python 3"}, headers=editor.headers
    )
    assert renamed.status_code == 200, renamed.text
    await set_post(client, author, post["id"], status="draft")
    later = (utcnow() + timedelta(days=2)).isoformat()
    await create_post(client, author, status="published", published_at=later)
    await create_post(client, author, status="pending_review")
    assert (await client.delete(f"{POSTS}/{post['id']}", headers=author.headers)).status_code == 204


async def test_recorded_events_match_their_schemas_and_all_are_delivered(
    app: FastAPI, client: httpx.AsyncClient, receiver: HTTPServer
) -> None:
    receiver.expect_request("/all").respond_with_data("ok")
    admin = await signed_in(app, client, role=Role.ADMIN)
    endpoint = await create_webhook(client, admin, receiver.url_for("/all"), ["*"])

    await _make_every_kind_of_change(app, client)
    while await deliver(app):
        pass

    async with app.state.sessionmaker() as session:
        events = (await session.scalars(select(Event).order_by(Event.created_at))).all()
    schemas = data_schemas()
    recorded = {event.type for event in events}
    assert recorded == set(schemas) - {"webhook.test"}
    for event in events:
        jsonschema.validate(event.data, schemas[event.type])
    delivered = [verify(request, endpoint["secret"]) for request, _ in receiver.log]
    assert sorted(m["type"] for m in delivered) == sorted(e.type for e in events)
    assert all(len(request.get_data()) < 20_000 for request, _ in receiver.log)


async def test_a_schema_refuses_data_of_another_shape() -> None:
    schemas = data_schemas()

    for type_, data in [
        ("post.updated", {"post": {}, "changed": []}),
        ("post.deleted", {"post": {"id": "x"}}),
        ("comment.created", {"comment": {"id": "x"}}),
        ("tag.updated", {"tag": {"slug": "a", "name": "A"}}),
    ]:
        validator = jsonschema.Draft202012Validator(schemas[type_])
        assert not validator.is_valid(data), type_
