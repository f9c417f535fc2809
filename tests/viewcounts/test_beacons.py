"""POST /posts/{ref}/views: accepted from anyone (202); the author's own views, bots and the
unknown or unpublished are not counted."""

import httpx
import pytest
from factories import assert_error, create_post, own_app, signed_in
from fastapi import FastAPI

from blogapi.core.config import Role
from blogapi.core.db import utcnow

from .counting import BROWSER, beacon, daily_rows, flush, forget, views_count


@pytest.fixture(autouse=True)
async def _fresh_counter(app: FastAPI) -> None:
    await forget(app)


async def test_a_beacon_is_accepted_and_counted_at_the_next_flush(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)

    first = await beacon(client, post["slug"])
    second = await beacon(client, post["id"], agent=BROWSER + " other")

    assert (first.status_code, first.content) == (202, b"")
    assert second.status_code == 202
    assert await views_count(client, post["id"]) == 0  # not before the flush
    assert await flush(app) == 2
    assert await views_count(client, post["id"]) == 2
    assert daily_rows_today(await daily_rows(app, post["id"])) == (2, 2)


def daily_rows_today(rows: dict) -> tuple[int, int]:
    return rows[utcnow().date()]


async def test_send_beacon_bodies_of_any_type_are_accepted(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)

    plain = await beacon(
        client, post["id"], content=b"ping", headers={"Content-Type": "text/plain;charset=UTF-8"}
    )
    form = await beacon(client, post["id"], data={"a": "b"})
    json_body = await beacon(client, post["id"], json={"anything": 1})

    assert [r.status_code for r in (plain, form, json_body)] == [202, 202, 202]
    await flush(app)
    assert await views_count(client, post["id"]) == 3


async def test_a_reader_viewing_again_is_one_unique(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    reader = await signed_in(app, client, role=Role.CONTRIBUTOR)
    post = await create_post(client, author)

    for agent in (BROWSER, BROWSER + " on another device", "Mozilla/5.0 (iPhone)"):
        assert (
            await beacon(client, post["id"], agent=agent, headers=reader.headers)
        ).status_code == 202
    for _ in range(3):
        await beacon(client, post["id"])  # anonymous: the same address and browser
    await flush(app)

    assert daily_rows_today(await daily_rows(app, post["id"])) == (6, 2)


async def test_the_authors_own_views_are_accepted_but_not_counted(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)

    response = await beacon(client, post["id"], headers=author.headers)

    assert response.status_code == 202
    assert await flush(app) == 0
    assert await views_count(client, post["id"]) == 0
    assert await daily_rows(app, post["id"]) == {}


@pytest.mark.parametrize(
    "agent",
    [
        "",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "curl/8.5.0",
        "python-requests/2.32.3",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/131.0",
        "facebookexternalhit/1.1",
    ],
)
async def test_bots_are_accepted_but_not_counted(
    app: FastAPI, client: httpx.AsyncClient, agent: str
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)

    response = await beacon(client, post["id"], agent=agent)

    assert response.status_code == 202
    assert await flush(app) == 0
    assert await views_count(client, post["id"]) == 0


async def test_a_token_that_fails_counts_as_an_anonymous_view(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)

    response = await beacon(client, post["id"], headers={"Authorization": "Bearer not-a-jwt"})

    assert response.status_code == 202
    assert await flush(app) == 1


async def test_unknown_refs_are_not_found(app: FastAPI, client: httpx.AsyncClient) -> None:
    for ref in ("no-such-post", "0193a1b2-0000-7000-8000-000000000000", "a.b"):
        assert_error(await beacon(client, ref), 404, "NOT_FOUND")
    for ref in ("x" * 101, "a%00b"):
        assert_error(await beacon(client, ref), 400, "VALIDATION_ERROR")
    assert await flush(app) == 0


@pytest.mark.parametrize(
    "fields",
    [{"status": "draft"}, {"published_at": "2030-01-01T00:00:00Z"}],
    ids=["draft", "scheduled"],
)
async def test_posts_not_public_are_not_found(
    app: FastAPI, client: httpx.AsyncClient, fields: dict
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, **fields)

    assert_error(await beacon(client, post["id"]), 404, "NOT_FOUND")
    assert_error(await beacon(client, post["id"], headers=author.headers), 404, "NOT_FOUND")
    assert await flush(app) == 0


async def test_a_deleted_post_is_not_found(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    deleted = await client.delete(f"/api/v1/posts/{post['id']}", headers=author.headers)
    assert deleted.status_code == 204

    assert_error(await beacon(client, post["slug"]), 404, "NOT_FOUND")


async def test_views_over_the_limit_per_address_are_refused(database_url: str) -> None:
    async with own_app(database_url, view_rate_limit="3/minute") as (app, client):
        author = await signed_in(app, client)
        post = await create_post(client, author)
        statuses = [(await beacon(client, post["id"])).status_code for _ in range(4)]

        refused = await beacon(client, post["id"])

        assert statuses == [202, 202, 202, 429]
        assert_error(refused, 429, "RATE_LIMITED")
        assert int(refused.headers["Retry-After"]) >= 1
        assert await flush(app) == 3
