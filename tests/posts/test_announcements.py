"""`post.published`: recorded once per publication, at once or when a scheduled post comes due;
never for a draft, a post moved back, a deleted one, or a change rolled back."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from factories import POSTS, assert_error, create_post, set_post, signed_in
from fastapi import FastAPI
from sqlalchemy import select

from blogapi.core.config import Role
from blogapi.events.models import Event
from blogapi.posts import announcements, announcer
from blogapi.posts.models import Post

SOON = "2030-01-01T00:00:00Z"
LATER = "2030-06-01T00:00:00Z"
DUE_SOON = datetime(2030, 1, 1, tzinfo=UTC)
DUE_LATER = datetime(2030, 6, 1, tzinfo=UTC)


async def _events(app: FastAPI, post_id: str) -> list[Event]:
    """The post's `post.published` events (tests/posts/test_post_events.py: the others)."""
    async with app.state.sessionmaker() as session:
        statement = select(Event).where(
            Event.subject_id == uuid.UUID(post_id), Event.type == "post.published"
        )
        return list(await session.scalars(statement.order_by(Event.created_at)))


async def _announced_at(app: FastAPI, post_id: str) -> datetime | None:
    async with app.state.sessionmaker() as session:
        post = await session.get(Post, uuid.UUID(post_id))
        assert post is not None
        return post.announced_at


async def _announce(app: FastAPI, now: datetime) -> int:
    async with app.state.sessionmaker() as session, session.begin():
        return await announcements.announce_due(session, now)


async def test_a_post_published_now_is_announced_once_with_its_summary(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, tags=["Python"])
    await set_post(client, author, post["id"], title="Edited after publishing")

    [event] = await _events(app, post["id"])
    assert event.type == "post.published"
    data: dict[str, Any] = event.data["post"]
    assert data["id"] == post["id"]
    assert data["slug"] == post["slug"]
    assert data["tags"] == [{"slug": "python", "name": "Python"}]
    assert "content" not in data
    assert "content_html" not in data
    assert await _announced_at(app, post["id"]) is not None
    assert await _announce(app, datetime.now(UTC)) == 0


async def test_drafts_and_scheduled_posts_are_not_announced_when_written(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    draft = await create_post(client, author, status="draft")
    scheduled = await create_post(client, author, published_at=SOON)

    assert await _events(app, draft["id"]) == []
    assert await _events(app, scheduled["id"]) == []
    assert await _announce(app, datetime.now(UTC)) == 0  # not due yet


async def test_a_scheduled_post_is_announced_once_when_it_comes_due(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, published_at=SOON)

    assert await _announce(app, DUE_SOON - timedelta(seconds=1)) == 0
    assert await _announce(app, DUE_SOON) == 1
    assert await _announce(app, DUE_SOON + timedelta(seconds=1)) == 0

    [event] = await _events(app, post["id"])
    assert event.type == "post.published"
    assert event.data["post"]["published_at"] == SOON
    assert await _announced_at(app, post["id"]) == DUE_SOON


async def test_a_rescheduled_post_is_announced_at_its_new_time_only(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, published_at=SOON)
    await set_post(client, author, post["id"], published_at=LATER)

    assert await _announce(app, DUE_SOON) == 0
    assert await _announce(app, DUE_LATER) == 1
    assert len(await _events(app, post["id"])) == 1


@pytest.mark.parametrize("how", ["unscheduled", "deleted"])
async def test_an_unscheduled_or_deleted_post_is_never_announced(
    app: FastAPI, client: httpx.AsyncClient, how: str
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, published_at=SOON)
    if how == "unscheduled":
        await set_post(client, author, post["id"], status="draft")
    else:
        response = await client.delete(f"{POSTS}/{post['id']}", headers=author.headers)
        assert response.status_code == 204

    assert await _announce(app, DUE_LATER) == 0
    assert await _events(app, post["id"]) == []


async def test_a_post_that_leaves_published_and_returns_is_announced_again(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    await set_post(client, author, post["id"], status="draft")
    assert await _announced_at(app, post["id"]) is None
    await set_post(client, author, post["id"], status="published")

    assert [e.type for e in await _events(app, post["id"])] == ["post.published"] * 2


async def test_a_published_post_moved_to_the_future_is_announced_again_when_due(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    await set_post(client, author, post["id"], published_at=SOON)

    assert await _announced_at(app, post["id"]) is None
    assert await _announce(app, DUE_SOON) == 1
    assert len(await _events(app, post["id"])) == 2


async def test_a_change_rolled_back_records_no_event(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, published_at=SOON)
    async with app.state.sessionmaker() as session, session.begin():
        assert await announcements.announce_due(session, DUE_SOON) == 1
        await session.rollback()

    assert await _events(app, post["id"]) == []
    assert await _announced_at(app, post["id"]) is None


async def test_a_failed_publish_records_no_event(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, status="draft")
    # A publish whose precondition fails changes nothing, announcement included.
    response = await client.patch(
        f"{POSTS}/{post['id']}",
        json={"status": "published"},
        headers={**author.headers, "If-Match": '"999"'},
    )
    assert response.status_code == 412
    assert await _events(app, post["id"]) == []


JUST_PAST_FIVE_YEARS = (datetime.now(UTC) + timedelta(days=5 * 365 + 5)).isoformat()


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("2030-01-01T00:00:00", id="naive"),
        pytest.param("2099-01-01T00:00:00Z", id="decades-ahead"),
        pytest.param(JUST_PAST_FIVE_YEARS, id="just-past-5-years"),
    ],
)
async def test_a_publication_time_without_a_zone_or_too_far_ahead_is_400(
    app: FastAPI, client: httpx.AsyncClient, value: str
) -> None:
    author = await signed_in(app, client)
    body = {"title": "t", "content": "x", "published_at": value}
    response = await client.post(POSTS, json=body, headers=author.headers)
    assert_error(response, 400, "VALIDATION_ERROR", field="published_at")
    post = await create_post(client, author, status="draft")
    edit = await client.patch(
        f"{POSTS}/{post['id']}", json={"published_at": value}, headers=author.headers
    )
    assert_error(edit, 400, "VALIDATION_ERROR", field="published_at")
    assert await _events(app, post["id"]) == []


async def test_scheduled_lists_the_owners_posts_and_every_post_for_editors(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author, other = await signed_in(app, client), await signed_in(app, client)
    editor = await signed_in(app, client, role=Role.EDITOR)
    mine = await create_post(client, author, published_at=SOON)
    theirs = await create_post(client, other, published_at=SOON)
    await create_post(client, author)  # published now: not scheduled
    await create_post(client, author, status="draft")

    def ids(response: httpx.Response) -> list[str]:
        assert response.status_code == 200, response.text
        return [post["id"] for post in response.json()["data"]]

    params = {"status": "scheduled"}
    assert ids(await client.get(POSTS, params=params, headers=author.headers)) == [mine["id"]]
    editors = ids(await client.get(POSTS, params=params, headers=editor.headers))
    assert sorted(editors) == sorted([mine["id"], theirs["id"]])


async def test_scheduled_is_not_for_anonymous_readers_and_unknown_statuses_are_400(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    await create_post(client, author, published_at=SOON)
    anonymous = await client.get(POSTS, params={"status": "scheduled"})
    assert_error(anonymous, 401, "AUTHENTICATION_REQUIRED")
    unknown = await client.get(POSTS, params={"status": "later"}, headers=author.headers)
    assert_error(unknown, 400, "VALIDATION_ERROR", field="status")


async def test_the_worker_tick_announces_every_due_post_in_batches(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    posts = [await create_post(client, author, published_at=SOON) for _ in range(5)]
    # Due "now" for the tick: move them into the past, as time passing would.
    async with app.state.sessionmaker() as session, session.begin():
        for post in posts:
            row = await session.get(Post, uuid.UUID(post["id"]))
            assert row is not None
            row.published_at = datetime.now(UTC) - timedelta(seconds=1)

    sessionmaker, settings = app.state.sessionmaker, app.state.settings
    assert await announcer.announce_once(sessionmaker, settings, batch=2) == 5
    assert await announcer.announce_once(sessionmaker, settings, batch=2) == 0
    for post in posts:
        assert len(await _events(app, post["id"])) == 1


def test_only_development_announces_inside_the_app(app: FastAPI) -> None:
    settings = app.state.settings
    assert announcer.start_dev_announcer(settings, app.state.sessionmaker) is None
