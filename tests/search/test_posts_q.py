"""GET /posts?q=: the results of /search, in post form, in the same order."""

import httpx
import pytest
from factories import create_post, signed_in
from fastapi import FastAPI

from .searching import hit_ids, hits, posts_q

QUERIES = ["volcano", "volcano -ash", '"volcano ash"', "volcano or glacier", "erupting"]


async def _corpus(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    other = await signed_in(app, client)
    for n, (title, content, tags) in enumerate(
        [
            ("Volcano", "Lava and volcano ash.", ["geo"]),
            ("Geology", "A volcano erupts.", ["geo", "fire"]),
            ("Ice", "A glacier moves.", ["geo"]),
            ("Volcano ash", "Ash clouds over the volcano.", []),
            ("Notes", "Volcanoes erupted; a glacier melted.", ["fire"]),
        ]
    ):
        writer = author if n % 2 else other
        await create_post(client, writer, title=title, content=content, tags=tags)
    await create_post(client, author, title="Volcano draft", content="Volcano.", status="draft")


@pytest.mark.parametrize("q", QUERIES)
async def test_posts_q_returns_the_search_results_in_the_same_order(
    app: FastAPI, client: httpx.AsyncClient, q: str
) -> None:
    await _corpus(app, client)
    searched = await hit_ids(client, q)
    assert searched, q
    response = await posts_q(client, q, limit=100)
    assert response.status_code == 200, response.text
    assert [post["id"] for post in response.json()["data"]] == searched


async def test_posts_q_takes_the_same_filters_and_pages(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    await _corpus(app, client)
    for params in ({"tag": "geo"}, {"tag": ["geo", "fire"]}, {"limit": 2, "page": 2}):
        search_body = await client.get("/api/v1/search", params={"q": "volcano", **params})
        posts_body = await posts_q(client, "volcano", **params)
        assert posts_body.status_code == 200
        assert [p["id"] for p in posts_body.json()["data"]] == [
            h["id"] for h in search_body.json()["data"]
        ]
        assert posts_body.json()["pagination"] == search_body.json()["pagination"]


async def test_posts_q_gives_posts_without_search_fields(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    await _corpus(app, client)
    [first, *_] = (await posts_q(client, "glacier")).json()["data"]
    [hit, *_] = await hits(client, "glacier")
    assert "rank" not in first
    assert "highlight" not in first
    assert {k: v for k, v in hit.items() if k not in ("rank", "highlight")} == first


@pytest.mark.parametrize("q", ["", "x" * 201])
async def test_posts_q_refuses_an_empty_or_overlong_query(
    client: httpx.AsyncClient, q: str
) -> None:
    response = await posts_q(client, q)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"


async def test_posts_q_never_lists_drafts_even_to_their_author(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    await create_post(client, author, title="Secret draft", content="Zebra.", status="draft")
    response = await posts_q(client, "zebra", author)
    assert response.status_code == 200
    assert response.json()["data"] == []


@pytest.mark.parametrize("status", ["draft", "pending_review", "archived"])
async def test_posts_q_never_passes_off_published_posts_as_another_status(
    app: FastAPI, client: httpx.AsyncClient, status: str
) -> None:
    # `status` with `q`: applied, or refused — never silently dropped.
    author = await signed_in(app, client)
    await create_post(client, author, title="Zebra", content="Zebra.")
    response = await posts_q(client, "zebra", author, status=status)
    assert response.status_code in (200, 400), response.text
    if response.status_code == 200:
        assert all(post["status"] == status for post in response.json()["data"])
