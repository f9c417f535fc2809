"""Text that PostgreSQL's parser takes quadratic time (or worse) on saves at once and is
found by its ordinary words: long runs without a space are indexed in pieces."""

import time
from collections.abc import AsyncIterator

import httpx
import pytest
from factories import POSTS, create_post, own_app, signed_in
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
# What this process may spend saving one (SQLite indexes in it; PostgreSQL's parser would
# have hit the statement timeout, a 503). CPU, not wall time: other tests share the cores.
CPU_SECONDS = 2.0


@pytest.fixture
async def roomy(database_url: str) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """An app whose Markdown may take 30 s: the render (~0.75 s of another process's CPU) is
    not what these tests are about, and a loaded machine stretches it past the default 2 s."""
    settings = {"rate_limits_enabled": False, "markdown_render_timeout_seconds": 30}
    async with own_app(database_url, **settings) as started:
        yield started


@pytest.mark.parametrize("shape", RUNS)
async def test_a_post_with_a_long_run_saves_at_once_and_is_found_by_its_words(
    roomy: tuple[FastAPI, httpx.AsyncClient], shape: str
) -> None:
    app, client = roomy
    author = await signed_in(app, client)
    await create_post(client, author)  # the render workers are up
    content = f"A lighthouse keeper wrote this. {RUNS[shape]} The zeppelin came at dawn."
    assert len(content) < 200_000
    started = time.process_time()
    response = await client.post(
        POSTS, json={"title": "Odd text", "content": content}, headers=author.headers
    )
    used = time.process_time() - started
    assert response.status_code == 201, response.text[:300]
    assert used < CPU_SECONDS, used
    post_id = response.json()["id"]
    # The text as written is what readers get back; only the index reads it in pieces.
    assert response.json()["content"] == content
    assert await hit_ids(client, "lighthouse") == [post_id]
    assert await hit_ids(client, "zeppelin dawn") == [post_id]
    [hit] = await hits(client, "keeper")
    assert "<mark>keeper</mark>" in hit["highlight"]


async def test_an_edit_to_a_long_run_saves_at_once(
    roomy: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    app, client = roomy
    author = await signed_in(app, client)
    response = await client.post(
        POSTS, json={"title": "Short", "content": "A short note."}, headers=author.headers
    )
    post_id = response.json()["id"]
    started = time.process_time()
    response = await client.patch(
        f"{POSTS}/{post_id}",
        json={"content": "Pangolins. " + RUNS["underscores"]},
        headers=author.headers,
    )
    assert response.status_code == 200, response.text[:300]
    assert time.process_time() - started < CPU_SECONDS
    assert await hit_ids(client, "pangolin") == [post_id]
    assert await hit_ids(client, "short note") == []
