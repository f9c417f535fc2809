"""The post events besides `post.published`: updated (what readers see changed), unpublished,
scheduled, submitted, deleted; each once, in the change's transaction, and none for a change
that readers do not see or that fails."""

import uuid
from typing import Any

import httpx
from factories import POSTS, USERS, create_post, set_post, signed_in
from fastapi import FastAPI
from sqlalchemy import select

from blogapi.core.config import Role
from blogapi.events.models import Event

SOON = "2030-01-01T00:00:00Z"


async def _events(app: FastAPI, post_id: str) -> list[tuple[str, dict[str, Any]]]:
    async with app.state.sessionmaker() as session:
        statement = select(Event).where(Event.subject_id == uuid.UUID(post_id))
        rows = await session.scalars(statement.order_by(Event.created_at, Event.id))
        return [(event.type, event.data) for event in rows]


async def _types(app: FastAPI, post_id: str) -> list[str]:
    return [type_ for type_, _ in await _events(app, post_id)]


async def test_a_public_post_edited_is_updated_with_the_fields_that_changed(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, tags=["one"])
    await set_post(client, author, post["id"], title="A new title", tags=["one", "two"])
    await set_post(client, author, post["id"], content="New *words*.", slug="a-new-slug")

    events = await _events(app, post["id"])
    assert [type_ for type_, _ in events] == ["post.published", "post.updated", "post.updated"]
    assert events[1][1]["changed"] == ["title", "tags"]
    # The summary follows the content unless written: readers see it change too.
    assert events[2][1]["changed"] == ["summary", "content", "slug"]
    assert events[2][1]["post"]["slug"] == "a-new-slug"
    assert "content" not in events[2][1]["post"]


async def test_edits_readers_cannot_see_make_no_update_event(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    draft = await create_post(client, author, status="draft")
    await set_post(client, author, draft["id"], title="Still a draft")
    public = await create_post(client, author, tags=["same"])
    await set_post(client, author, public["id"], tags=["Same"])  # the same tag, respelt
    await set_post(client, author, public["id"], title=public["title"])  # no change

    assert await _types(app, draft["id"]) == []
    assert await _types(app, public["id"]) == ["post.published"]


async def test_unpublishing_and_deleting_a_public_post(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    await set_post(client, author, post["id"], status="archived")
    response = await client.delete(f"{POSTS}/{post['id']}", headers=author.headers)
    assert response.status_code == 204

    events = await _events(app, post["id"])
    assert [type_ for type_, _ in events] == ["post.published", "post.unpublished", "post.deleted"]
    assert events[2][1] == {"post": {"id": post["id"], "slug": post["slug"]}}


async def test_scheduling_and_rescheduling_are_announced_but_not_as_published(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, published_at=SOON)
    await set_post(client, author, post["id"], title="Same date, new title")
    await set_post(client, author, post["id"], published_at="2030-02-01T00:00:00Z")

    events = await _events(app, post["id"])
    assert [type_ for type_, _ in events] == ["post.scheduled", "post.scheduled"]
    assert events[1][1]["post"]["published_at"] == "2030-02-01T00:00:00Z"


async def test_a_contributor_submitting_for_review(app: FastAPI, client: httpx.AsyncClient) -> None:
    contributor = await signed_in(app, client, role=Role.CONTRIBUTOR)
    editor = await signed_in(app, client, role=Role.EDITOR)
    post = await create_post(client, contributor)  # a draft: contributors cannot publish
    await set_post(client, contributor, post["id"], status="pending_review")
    await set_post(client, contributor, post["id"], title="Edited while in review")
    await set_post(client, editor, post["id"], status="published")

    assert await _types(app, post["id"]) == ["post.submitted", "post.published"]


async def test_a_refused_change_records_nothing(app: FastAPI, client: httpx.AsyncClient) -> None:
    author, other = await signed_in(app, client), await signed_in(app, client)
    post = await create_post(client, author)
    refused = await client.patch(
        f"{POSTS}/{post['id']}", json={"status": "archived"}, headers=other.headers
    )
    assert refused.status_code in (403, 404)
    stale = await client.patch(
        f"{POSTS}/{post['id']}",
        json={"title": "Too late"},
        headers={**author.headers, "If-Match": '"999"'},
    )
    assert stale.status_code == 412
    bad = await client.patch(f"{POSTS}/{post['id']}", json={"title": ""}, headers=author.headers)
    assert bad.status_code == 400

    assert await _types(app, post["id"]) == ["post.published"]


async def test_an_account_deleted_deletes_its_posts_each_with_an_event(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    posts = [await create_post(client, author), await create_post(client, author, status="draft")]
    response = await client.request(
        "DELETE", f"{USERS}/me", json={"password": author.password}, headers=author.headers
    )
    assert response.status_code == 204, response.text

    for post in posts:
        events = await _events(app, post["id"])
        assert events[-1] == ("post.deleted", {"post": {"id": post["id"], "slug": post["slug"]}})
