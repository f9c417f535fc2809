"""GET /posts/{ref}/stats: a post's views and readers per day, for its author and editors."""

import uuid
from datetime import date, timedelta

import httpx
import pytest
from factories import assert_error, create_post, signed_in
from fastapi import FastAPI

from blogapi.core.config import Role
from blogapi.core.db import utcnow

from .counting import flush, forget


@pytest.fixture(autouse=True)
async def _fresh_counter(app: FastAPI) -> None:
    await forget(app)


def stats_url(ref: str) -> str:
    return f"/api/v1/posts/{ref}/stats"


async def test_the_author_reads_a_daily_series(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    today = utcnow().date()
    for days_ago, readers in ((0, 2), (3, 1), (40, 5)):
        for reader in range(readers):
            await app.state.views.tally.record(
                uuid.UUID(post["id"]), today - timedelta(days=days_ago), f"a{reader}"
            )
    await flush(app)

    response = await client.get(stats_url(post["id"]), headers=author.headers)

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["from"], body["to"]) == (
        (today - timedelta(days=29)).isoformat(),
        today.isoformat(),
    )
    assert (body["post_id"], body["views"], body["uniques"]) == (post["id"], 3, 3)
    assert len(body["days"]) == 30
    assert body["days"][-1] == {"day": today.isoformat(), "views": 2, "uniques": 2}
    assert body["days"][-4]["views"] == 1
    assert sum(day["views"] for day in body["days"][:-4]) == 0
    ranged = await client.get(
        stats_url(post["slug"]),
        params={
            "from": (today - timedelta(days=45)).isoformat(),
            "to": (today - timedelta(days=40)).isoformat(),
        },
        headers=author.headers,
    )
    assert [d["views"] for d in ranged.json()["days"]] == [0, 0, 0, 0, 0, 5]


async def test_editors_read_any_posts_stats_and_authors_their_drafts(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    editor = await signed_in(app, client, role=Role.EDITOR)
    post = await create_post(client, author)
    draft = await create_post(client, author, status="draft")

    assert (await client.get(stats_url(post["id"]), headers=editor.headers)).status_code == 200
    assert (await client.get(stats_url(draft["id"]), headers=author.headers)).status_code == 200


async def test_another_authors_post_is_forbidden(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    other = await signed_in(app, client)
    post = await create_post(client, author)
    draft = await create_post(client, author, status="draft")

    assert_error(await client.get(stats_url(post["id"]), headers=other.headers), 403, "FORBIDDEN")
    assert_error(await client.get(stats_url(draft["id"]), headers=other.headers), 404, "NOT_FOUND")
    assert_error(await client.get(stats_url(post["id"])), 401, "AUTHENTICATION_REQUIRED")


async def test_unknown_and_deleted_posts_are_not_found(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    await client.delete(f"/api/v1/posts/{post['id']}", headers=author.headers)

    assert_error(await client.get(stats_url(post["id"]), headers=author.headers), 404, "NOT_FOUND")
    missing = stats_url("0193a1b2-0000-7000-8000-000000000000")
    assert_error(await client.get(missing, headers=author.headers), 404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-03-02", "to": "2026-03-01"}, "from"),
        ({"from": "2025-01-01", "to": "2026-01-02"}, "to"),  # 367 days
        ({"from": "2026-02-30"}, "from"),
        ({"to": "yesterday"}, "to"),
    ],
)
async def test_bad_ranges_are_refused(
    app: FastAPI, client: httpx.AsyncClient, params: dict, field: str
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)

    response = await client.get(stats_url(post["id"]), params=params, headers=author.headers)

    assert_error(response, 400, "VALIDATION_ERROR", field=field)


async def test_a_range_of_366_days_is_allowed(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    params = {"from": "2024-01-01", "to": "2024-12-31"}  # a leap year: 366 days

    response = await client.get(stats_url(post["id"]), params=params, headers=author.headers)

    assert response.status_code == 200, response.text
    assert len(response.json()["days"]) == 366
    assert response.json()["days"][0]["day"] == date(2024, 1, 1).isoformat()
