"""Text that PostgreSQL's parser takes quadratic time (or worse) on saves at once and is
found by its ordinary words: long runs without a space are indexed in pieces."""

import time

import httpx
import pytest
from factories import POSTS, create_post, signed_in
from fastapi import FastAPI

from .searching import hit_ids, hits

# Runs PostgreSQL's default parser backtracks over: `_` between letters, `@` between letters
# and digits (email-like), `~/` (path-like). Each took 10 s or more in to_tsvector, the
# statement timeout: 503, nothing saved.
RUNS = {
    "underscores": "_a" * 60_000,
    "email-like": "a@1" * 60_000,
    "path-like": "~/" * 90_000,
    "snake-case": "ab_" * 60_000,
}


@pytest.mark.parametrize("shape", RUNS)
async def test_a_post_with_a_long_run_saves_at_once_and_is_found_by_its_words(
    app: FastAPI, client: httpx.AsyncClient, shape: str
) -> None:
    author = await signed_in(app, client)
    await create_post(client, author)  # the render workers are up
    content = f"A lighthouse keeper wrote this. {RUNS[shape]} The zeppelin came at dawn."
    assert len(content) < 200_000
    started = time.perf_counter()
    response = await client.post(
        POSTS, json={"title": "Odd text", "content": content}, headers=author.headers
    )
    elapsed = time.perf_counter() - started
    assert response.status_code == 201, response.text[:300]
    assert elapsed < 2, elapsed
    post_id = response.json()["id"]
    # The text as written is what readers get back; only the index reads it in pieces.
    assert response.json()["content"] == content
    assert await hit_ids(client, "lighthouse") == [post_id]
    assert await hit_ids(client, "zeppelin dawn") == [post_id]
    [hit] = await hits(client, "keeper")
    assert "<mark>keeper</mark>" in hit["highlight"]


async def test_an_edit_to_a_long_run_saves_at_once(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    response = await client.post(
        POSTS, json={"title": "Short", "content": "A short note."}, headers=author.headers
    )
    post_id = response.json()["id"]
    started = time.perf_counter()
    response = await client.patch(
        f"{POSTS}/{post_id}",
        json={"content": "Pangolins. " + RUNS["underscores"]},
        headers=author.headers,
    )
    assert response.status_code == 200, response.text[:300]
    assert time.perf_counter() - started < 2
    assert await hit_ids(client, "pangolin") == [post_id]
    assert await hit_ids(client, "short note") == []
