"""GET /posts/popular: public posts by readers over a window of days, optionally of a tag."""

import uuid
from datetime import timedelta

import httpx
import pytest
from factories import assert_error, create_post, signed_in
from fastapi import FastAPI

from blogapi.core.db import utcnow

from .counting import flush, forget

POPULAR = "/api/v1/posts/popular"


@pytest.fixture(autouse=True)
async def _fresh_counter(app: FastAPI) -> None:
    await forget(app)


async def counted(app: FastAPI, post: dict, days_ago: int, readers: int, views: int = 0) -> None:
    """`readers` readers (and `views` more views by the first) of `post`, `days_ago` days ago."""
    tally = app.state.views.tally
    day = utcnow().date() - timedelta(days=days_ago)
    for reader in range(readers):
        await tally.record(uuid.UUID(post["id"]), day, f"a{reader}")
    for _ in range(views):
        await tally.record(uuid.UUID(post["id"]), day, "a0")


async def popular(client: httpx.AsyncClient, **params: object) -> list[tuple[str, int, int]]:
    response = await client.get(POPULAR, params=params)
    assert response.status_code == 200, response.text
    return [(p["title"], p["uniques"], p["views"]) for p in response.json()["data"]]


async def test_posts_come_by_readers_in_the_window(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    old, steady, fresh = [
        await create_post(client, author, title=t) for t in ("Old", "Steady", "Fresh")
    ]
    await counted(app, old, days_ago=20, readers=50)
    await counted(app, steady, days_ago=5, readers=4)
    await counted(app, steady, days_ago=1, readers=3)
    await counted(app, fresh, days_ago=0, readers=5, views=10)
    await flush(app)

    assert await popular(client, window="24h") == [("Fresh", 5, 15), ("Steady", 3, 3)]
    assert await popular(client) == [("Steady", 7, 7), ("Fresh", 5, 15)]  # 7 days by default
    assert await popular(client, window="30d") == [
        ("Old", 50, 50),
        ("Steady", 7, 7),
        ("Fresh", 5, 15),
    ]
    assert await popular(client, window="30d", limit=1) == [("Old", 50, 50)]
    body = (await client.get(POPULAR, params={"window": "7d"})).json()
    assert body["window"] == "7d"
    assert body["data"][0]["author"]["username"] == author.username
    assert body["data"][0]["slug"] == steady["slug"]


async def test_a_tag_narrows_the_list(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    tagged = await create_post(client, author, title="Tagged", tags=["Python"])
    other = await create_post(client, author, title="Other", tags=["Rust"])
    await counted(app, tagged, days_ago=0, readers=1)
    await counted(app, other, days_ago=0, readers=9)
    await flush(app)

    assert await popular(client, tag="python") == [("Tagged", 1, 1)]
    assert await popular(client, tag="no-such-tag") == []


async def test_posts_no_longer_public_leave_the_list(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    kept, drafted, deleted = [
        await create_post(client, author, title=t) for t in ("Kept", "Drafted", "Deleted")
    ]
    for post in (kept, drafted, deleted):
        await counted(app, post, days_ago=0, readers=2)
    await flush(app)
    await client.patch(
        f"/api/v1/posts/{drafted['id']}", json={"status": "draft"}, headers=author.headers
    )
    await client.delete(f"/api/v1/posts/{deleted['id']}", headers=author.headers)

    assert await popular(client) == [("Kept", 2, 2)]


async def test_an_answer_is_kept_a_minute(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, title="Cached")
    await counted(app, post, days_ago=0, readers=1)
    await flush(app)
    assert await popular(client, limit=5) == [("Cached", 1, 1)]

    await counted(app, post, days_ago=0, readers=3)
    await flush(app)

    assert await popular(client, limit=5) == [("Cached", 1, 1)]
    assert await popular(client, limit=6) == [("Cached", 3, 4)]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"window": "1y"}, "window"),
        ({"window": ""}, "window"),
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"tag": ""}, "tag"),
    ],
)
async def test_bad_parameters_are_refused(
    client: httpx.AsyncClient, params: dict, field: str
) -> None:
    assert_error(await client.get(POPULAR, params=params), 400, "VALIDATION_ERROR", field=field)


async def test_no_post_can_take_the_lists_slug(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)

    titled = await create_post(client, author, title="Popular")
    explicit = await client.post(
        "/api/v1/posts",
        json={"title": "Mine", "content": "x", "slug": "popular"},
        headers=author.headers,
    )
    renamed = await client.patch(
        f"/api/v1/posts/{titled['id']}", json={"slug": "popular"}, headers=author.headers
    )

    assert titled["slug"] == "popular-2"
    assert_error(explicit, 400, "VALIDATION_ERROR", field="slug")
    assert_error(renamed, 400, "VALIDATION_ERROR", field="slug")
    assert (await client.get(POPULAR)).json()["data"] == []
