"""Search filters (tag, author) and the list envelope with its pagination."""

import uuid
from typing import Any

import httpx
import pytest
from factories import create_post, signed_in
from fastapi import FastAPI

from .searching import hit_ids, hits, search


async def test_tag_filter_keeps_posts_with_every_tag(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    both = await create_post(client, author, content="Orbit talk.", tags=["space", "physics"])
    space = await create_post(client, author, content="Orbit talk.", tags=["space"])
    await create_post(client, author, content="Orbit talk.", tags=["cooking"])
    assert sorted(await hit_ids(client, "orbit", tag="space")) == sorted([both["id"], space["id"]])
    assert await hit_ids(client, "orbit", tag=["space", "physics"]) == [both["id"]]
    assert await hit_ids(client, "orbit", tag="Space") != []
    assert await hit_ids(client, "orbit", tag="unknown-tag") == []


async def test_author_filter_takes_a_username_or_an_id(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    alice = await signed_in(app, client)
    bob = await signed_in(app, client)
    mine = await create_post(client, alice, content="Orbit talk.")
    await create_post(client, bob, content="Orbit talk.")
    assert await hit_ids(client, "orbit", author=alice.username) == [mine["id"]]
    assert await hit_ids(client, "orbit", author=alice.username.upper()) == [mine["id"]]
    assert await hit_ids(client, "orbit", author=alice.id) == [mine["id"]]
    assert await hit_ids(client, "orbit", author="nobody-here") == []
    assert await hit_ids(client, "orbit", author=str(uuid.uuid4())) == []


async def test_hits_are_post_summaries_with_rank_and_highlight(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author, content="An orbit of words.", tags=["space"])
    [hit] = await hits(client, "orbit")
    for name in ("id", "slug", "title", "summary", "status", "published_at", "tags", "author"):
        assert hit[name] == post[name]
    assert hit["likes_count"] == 0
    assert hit["comments_count"] == 0
    assert "content" not in hit
    assert "content_html" not in hit
    assert set(hit) >= {"rank", "highlight", "reading_time_minutes"}


async def test_results_come_in_pages(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    for _ in range(5):
        await create_post(client, author, content="Orbit talk.")
    first = (await search(client, "orbit", limit=2)).json()
    assert first["pagination"] == {"page": 1, "limit": 2, "total": 5, "total_pages": 3}
    assert len(first["data"]) == 2
    pages = [first["data"]]
    for page in (2, 3):
        body = (await search(client, "orbit", limit=2, page=page)).json()
        assert body["pagination"]["page"] == page
        pages.append(body["data"])
    assert [len(p) for p in pages] == [2, 2, 1]
    ids = [hit["id"] for page in pages for hit in page]
    assert len(set(ids)) == 5
    assert ids == await hit_ids(client, "orbit")
    beyond = (await search(client, "orbit", limit=2, page=4)).json()
    assert beyond["data"] == []
    assert beyond["pagination"]["total"] == 5


async def test_the_default_page_is_twenty(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    await create_post(client, author, content="Orbit talk.")
    body = (await search(client, "orbit")).json()
    assert body["pagination"] == {"page": 1, "limit": 20, "total": 1, "total_pages": 1}


@pytest.mark.parametrize(
    "params",
    [
        {"page": 0},
        {"page": -1},
        {"page": "x"},
        {"limit": 0},
        {"limit": 101},
        {"limit": "ten"},
        {"page": 10**20},
        {"tag": "!!!"},
        {"tag": "x" * 101},
        {"tag": [f"t{n}" for n in range(11)]},
        {"author": "a" * 65},
    ],
)
async def test_out_of_range_paging_and_bad_filters_are_400(
    client: httpx.AsyncClient, params: dict[str, Any]
) -> None:
    response = await search(client, "orbit", **params)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"


@pytest.mark.parametrize(
    "author", ["\x00", "%", "_", "' OR 1=1 --", "\\", "🎉", "00000000-0000-0000-0000-000000000000"]
)
async def test_odd_author_values_find_nothing_and_never_fail(
    app: FastAPI, client: httpx.AsyncClient, author: str
) -> None:
    writer = await signed_in(app, client)
    await create_post(client, writer, content="Orbit talk.")
    response = await search(client, "orbit", author=author)
    assert response.status_code in (200, 400), response.text
    if response.status_code == 200:
        assert response.json()["data"] == []
