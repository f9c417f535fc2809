"""A tag's page reads the links' copies of their posts' place in the public feed
(`post_tags.post_published_at`, `post_created_at`): every write that moves a post in or out
of the feed, or between tags, keeps them right. Each test compares the tag's page (and its
total) with what it must hold, with the front page filtered by that tag, and the stored
copies with their posts."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from factories import PASSWORD, Account, auth, create_post, set_post, signed_in
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from blogapi.core.config import Role
from blogapi.posts import access
from blogapi.posts.models import PostStatus

POSTS = "/api/v1/posts"


def in_days(days: float) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat().replace("+00:00", "Z")


async def links_out_of_step(engine: AsyncEngine) -> list[Any]:
    """Links whose copies differ from their post: the post's `published_at` while it is
    published and not deleted (else None), and its `created_at`."""
    async with engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT pt.post_published_at, pt.post_created_at, p.status, p.deleted_at, "
                "p.published_at, p.created_at FROM post_tags pt JOIN posts p ON p.id = pt.post_id"
            )
        )
    wrong = []
    for row in rows:
        listed, created, status, deleted, published_at, post_created = row
        public = status == PostStatus.PUBLISHED.value and deleted is None
        if (listed, created) != (published_at if public else None, post_created):
            wrong.append(tuple(row))
    return wrong


async def page(
    client: httpx.AsyncClient, account: Account | None = None, **params: Any
) -> tuple[list[str], int]:
    """The ids on a page of GET /posts and the list's total."""
    response = await client.get(POSTS, params={"limit": 100, **params}, headers=auth(account))
    assert response.status_code == 200, response.text
    body = response.json()
    return [post["id"] for post in body["data"]], body["pagination"]["total"]


async def front_page_with(client: httpx.AsyncClient, tag: str) -> list[str]:
    """The front page (a statement on `posts` alone) filtered here by the tag's slug."""
    response = await client.get(POSTS, params={"limit": 100})
    posts = response.json()["data"]
    return [p["id"] for p in posts if tag in {t["slug"] for t in p["tags"]}]


async def assert_tag_page(
    app: FastAPI, client: httpx.AsyncClient, tag: str, expected: list[str]
) -> None:
    """The tag's page is `expected`, newest first, with that total; so is the front page
    filtered by the tag; and every stored copy matches its post."""
    assert await page(client, tag=tag) == (expected, len(expected))
    assert await front_page_with(client, tag) == expected
    assert await links_out_of_step(app.state.engine) == []


async def test_publishing_moves_a_post_onto_its_tags_and_unpublishing_off(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    older = await create_post(client, author, tags=["feed"], published_at=in_days(-3))
    post = await create_post(client, author, tags=["feed", "other"], status="draft")
    await assert_tag_page(app, client, "feed", [older["id"]])

    await set_post(client, author, post["id"], status="published")
    await assert_tag_page(app, client, "feed", [post["id"], older["id"]])
    await assert_tag_page(app, client, "other", [post["id"]])

    await set_post(client, author, post["id"], status="draft")
    await assert_tag_page(app, client, "feed", [older["id"]])
    await assert_tag_page(app, client, "other", [])

    await set_post(client, author, post["id"], status="published")
    await set_post(client, author, post["id"], status="archived")
    await assert_tag_page(app, client, "feed", [older["id"]])


async def test_a_scheduled_post_joins_its_tags_when_due_and_moves_when_rescheduled(
    app: FastAPI, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    author = await signed_in(app, client)
    now_post = await create_post(client, author, tags=["soon"])
    later = await create_post(client, author, tags=["soon"], published_at=in_days(2))
    await assert_tag_page(app, client, "soon", [now_post["id"]])

    due = datetime.now(UTC) + timedelta(days=3)
    monkeypatch.setattr(access, "utcnow", lambda: due)  # nothing written: only time passes
    await assert_tag_page(app, client, "soon", [later["id"], now_post["id"]])

    await set_post(client, author, later["id"], published_at=in_days(-10))
    await assert_tag_page(app, client, "soon", [now_post["id"], later["id"]])
    await set_post(client, author, later["id"], published_at=in_days(5))
    await assert_tag_page(app, client, "soon", [now_post["id"]])


async def test_deleting_a_post_or_its_authors_account_takes_it_off_its_tags(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    leaving, staying = await signed_in(app, client), await signed_in(app, client)
    kept = await create_post(client, staying, tags=["gone"], published_at=in_days(-2))
    deleted = await create_post(client, leaving, tags=["gone"], published_at=in_days(-1))
    last = await create_post(client, leaving, tags=["gone"])
    await assert_tag_page(app, client, "gone", [last["id"], deleted["id"], kept["id"]])

    response = await client.delete(f"{POSTS}/{deleted['id']}", headers=leaving.headers)
    assert response.status_code == 204
    await assert_tag_page(app, client, "gone", [last["id"], kept["id"]])

    body = {"password": PASSWORD}
    response = await client.request("DELETE", "/api/v1/users/me", json=body, headers=auth(leaving))
    assert response.status_code == 204, response.text
    await assert_tag_page(app, client, "gone", [kept["id"]])


async def test_changing_a_posts_tags_moves_it_between_tag_pages_in_its_place(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    newer = await create_post(client, author, tags=["c"], published_at=in_days(-1))
    post = await create_post(client, author, tags=["a", "b"], published_at=in_days(-2))
    older = await create_post(client, author, tags=["c"], published_at=in_days(-3))

    await set_post(client, author, post["id"], tags=["b", "c"])
    await assert_tag_page(app, client, "a", [])
    await assert_tag_page(app, client, "b", [post["id"]])
    await assert_tag_page(app, client, "c", [newer["id"], post["id"], older["id"]])

    await set_post(client, author, post["id"], tags=[])
    await assert_tag_page(app, client, "b", [])
    await assert_tag_page(app, client, "c", [newer["id"], older["id"]])


async def test_merging_and_renaming_tags_keeps_their_pages(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    editor = await signed_in(app, client, role=Role.EDITOR)
    first = await create_post(client, author, tags=["py"], published_at=in_days(-3))
    both = await create_post(client, author, tags=["py", "python"], published_at=in_days(-2))
    second = await create_post(client, author, tags=["python"], published_at=in_days(-1))
    await create_post(client, author, tags=["py"], status="draft")
    await create_post(client, author, tags=["py"], published_at=in_days(1))

    response = await client.patch("/api/v1/tags/py", json={"name": "Python"}, headers=auth(editor))
    assert response.status_code == 200, response.text
    await assert_tag_page(app, client, "python", [second["id"], both["id"], first["id"]])
    await assert_tag_page(app, client, "py", [])

    response = await client.patch(
        "/api/v1/tags/python", json={"name": "Snakes"}, headers=auth(editor)
    )
    assert response.status_code == 200, response.text
    await assert_tag_page(app, client, "snakes", [second["id"], both["id"], first["id"]])
    await assert_tag_page(app, client, "python", [])


async def test_later_pages_and_combined_filters_agree_with_the_front_page(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    one, two = await signed_in(app, client), await signed_in(app, client)
    posts = [
        await create_post(
            client,
            one if n % 2 else two,
            tags=["all", "odd" if n % 2 else "even"],
            published_at=in_days(-n),
        )
        for n in range(1, 8)
    ]
    newest_first = [p["id"] for p in posts]
    await assert_tag_page(app, client, "all", newest_first)
    pages = [await page(client, tag="all", limit=3, page=n) for n in (1, 2, 3, 4)]
    assert [ids for ids, _ in pages] == [newest_first[:3], newest_first[3:6], newest_first[6:], []]
    assert {total for _, total in pages} == {7}

    odd = [p["id"] for n, p in enumerate(posts, 1) if n % 2]
    assert await page(client, tag=["all", "odd"]) == (odd, 4)
    assert await page(client, tag="all", author=one.username) == (odd, 4)
    assert await page(client, tag="all", author=one.username, limit=2, page=2) == (odd[2:], 4)
    assert await page(client, tag=["even", "odd"]) == ([], 0)


async def test_unknown_tags_drafts_and_scheduled_posts_stay_off_a_tag_page(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author, reader = await signed_in(app, client), await signed_in(app, client)
    editor = await signed_in(app, client, role=Role.EDITOR)
    shown = await create_post(client, author, tags=["mixed"])
    draft = await create_post(client, author, tags=["mixed"], status="draft")
    scheduled = await create_post(client, author, tags=["mixed"], published_at=in_days(1))

    assert await page(client, tag="no-such-tag") == ([], 0)
    for viewer in (None, reader, author, editor):
        assert await page(client, viewer, tag="mixed") == ([shown["id"]], 1)
    # Asked for by status, the old rules: the author's draft; the editor's scheduled post.
    assert await page(client, author, tag="mixed", status="draft") == ([draft["id"]], 1)
    listed = await page(client, editor, tag="mixed", status="published")
    assert listed == ([scheduled["id"], shown["id"]], 2)
    assert await links_out_of_step(app.state.engine) == []
