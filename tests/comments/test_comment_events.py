"""comment.created, comment.hidden and comment.deleted: once per change that happened, in its
transaction; a hidden or deleted comment's words are not in its event."""

import uuid
from typing import Any

import httpx
from factories import create_post, signed_in
from fastapi import FastAPI
from sqlalchemy import select

from blogapi.events.models import Event

from .threads import add_comment, comment_url, moderate


async def _events(app: FastAPI, comment_id: str) -> list[tuple[str, dict[str, Any]]]:
    async with app.state.sessionmaker() as session:
        statement = select(Event).where(Event.subject_id == uuid.UUID(comment_id))
        rows = await session.scalars(statement.order_by(Event.created_at, Event.id))
        return [(event.type, event.data) for event in rows]


async def test_a_comment_created_hidden_and_deleted(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author, reader = await signed_in(app, client), await signed_in(app, client)
    post = await create_post(client, author)
    comment = await add_comment(client, reader, post["id"], "Secret words")
    assert (await moderate(client, author, comment["id"], "hide")).status_code == 200
    assert (await moderate(client, author, comment["id"], "hide")).status_code == 200  # again
    deleted = await client.delete(comment_url(comment["id"]), headers=reader.headers)
    assert deleted.status_code == 204

    events = await _events(app, comment["id"])
    assert [type_ for type_, _ in events] == [
        "comment.created",
        "comment.hidden",
        "comment.deleted",
    ]
    created = events[0][1]
    assert created["comment"]["content"] == "Secret words"
    assert created["comment"]["author"]["username"] == reader.username
    assert created["post"] == {"id": post["id"], "slug": post["slug"]}
    where = {"id": comment["id"], "post_id": post["id"]}
    assert events[1][1] == {"comment": where, "post": created["post"]}
    assert events[2][1] == {"comment": where, "post": created["post"]}


async def test_refused_comment_writes_record_nothing(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author, reader = await signed_in(app, client), await signed_in(app, client)
    draft = await create_post(client, author, status="draft")
    post = await create_post(client, author)
    refused = await client.post(
        f"/api/v1/posts/{draft['id']}/comments", json={"content": "x"}, headers=reader.headers
    )
    assert refused.status_code in (400, 404)
    comment = await add_comment(client, reader, post["id"], "Mine")
    not_theirs = await moderate(client, reader, comment["id"], "hide")
    assert not_theirs.status_code in (403, 404)
    stranger = await signed_in(app, client)
    delete = await client.delete(comment_url(comment["id"]), headers=stranger.headers)
    assert delete.status_code in (403, 404)

    async with app.state.sessionmaker() as session:
        types = list(await session.scalars(select(Event.type).where(Event.type.like("comment.%"))))
    assert types == ["comment.created"]
