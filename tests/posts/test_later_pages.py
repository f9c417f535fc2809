"""Pages after the first choose their ids first (a subquery), so the per-post subqueries run
for the rows returned only: every page must still be the same slice of the same order."""

from typing import Any

import httpx
import pytest
from factories import POSTS, create_post, signed_in
from fastapi import FastAPI


async def pages(
    client: httpx.AsyncClient, headers: dict[str, str], **params: Any
) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for page in (1, 2, 3, 4):
        response = await client.get(
            POSTS, params={**params, "limit": 2, "page": page}, headers=headers
        )
        assert response.status_code == 200, response.text
        found += response.json()["data"]
    return found


@pytest.mark.parametrize(
    "params",
    [{}, {"sort": "published_at"}, {"sort": "-likes_count"}, {"tag": "paged"}],
)
async def test_pages_are_slices_of_one_order(
    app: FastAPI, client: httpx.AsyncClient, params: dict[str, str]
) -> None:
    author = await signed_in(app, client)
    reader = await signed_in(app, client)
    posts = [await create_post(client, author, tags=["paged"]) for _ in range(7)]
    for post in posts[::3]:
        liked = await client.put(f"{POSTS}/{post['slug']}/like", headers=reader.headers)
        assert liked.status_code == 204
    for headers in ({}, reader.headers):
        whole = await client.get(POSTS, params={**params, "limit": 100}, headers=headers)
        assert [p["id"] for p in await pages(client, headers, **params)] == [
            p["id"] for p in whole.json()["data"]
        ]
        assert await pages(client, headers, **params) == whole.json()["data"]
    flags = {p["id"]: p["liked"] for p in await pages(client, reader.headers, **params)}
    assert sorted(flags.values()).count(True) == 3


async def test_a_page_past_the_end_is_empty_with_the_right_total(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    for _ in range(3):
        await create_post(client, author)
    body = (await client.get(POSTS, params={"limit": 2, "page": 5})).json()
    assert body["data"] == []
    assert body["pagination"] == {"page": 5, "limit": 2, "total": 3, "total_pages": 2}
