"""Markdown renders off the event loop, within MARKDOWN_RENDER_TIMEOUT_SECONDS: content that
takes longer is refused (400 on `content`) and nothing is stored, while the process keeps
answering."""

import asyncio
import gc
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from factories import POSTS, assert_error, create_post, own_app, own_posts, read_post, signed_in
from fastapi import FastAPI

from blogapi.posts import render_workers

# Images nested 19 deep (markdown-it's nesting limit is 20) around 160 KB of emphasis and
# images: each level parses what it holds again, so this takes seconds where a post of
# plain text of the same size takes a few milliseconds.
DEPTH = 19
HOSTILE = "![" * DEPTH + "*a* ![a](b) " * 13_300 + "](y)" * DEPTH
LIMIT_SECONDS = 0.5


@pytest.fixture
async def limited(database_url: str) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """An app whose renders may take LIMIT_SECONDS (HOSTILE needs seconds on any machine)."""
    settings = {"rate_limits_enabled": False, "markdown_render_timeout_seconds": LIMIT_SECONDS}
    async with own_app(database_url, **settings) as started:
        yield started


def test_the_hostile_content_is_slow_to_render_and_within_the_body_limit() -> None:
    assert len(HOSTILE) < 200_000
    started = time.perf_counter()
    with pytest.raises(render_workers.RenderTimeout):
        asyncio.run(render_workers.render_off_loop(HOSTILE, limit_seconds=LIMIT_SECONDS))
    # Refused at the limit, not when the render would have ended.
    assert time.perf_counter() - started < LIMIT_SECONDS + 1.5


async def test_content_that_cannot_render_in_time_is_refused_and_nothing_is_stored(
    limited: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    app, client = limited
    author = await signed_in(app, client)
    started = time.perf_counter()
    response = await client.post(
        POSTS, json={"title": "Nested", "content": HOSTILE}, headers=author.headers
    )
    elapsed = time.perf_counter() - started
    error = assert_error(response, 400, "VALIDATION_ERROR", field="content")
    assert "too long to render" in error["details"][0]["message"]
    assert elapsed < LIMIT_SECONDS + 1.5
    assert await own_posts(client, author) == []
    # The killed worker is replaced: the next post renders as usual.
    post = await create_post(client, author, content="Plain *words* after all.")
    assert "<em>words</em>" in post["content_html"]


async def test_an_edit_that_cannot_render_in_time_changes_nothing(
    limited: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    app, client = limited
    author = await signed_in(app, client)
    post = await create_post(client, author, content="The first version.")
    before = await read_post(client, post["id"], author)
    response = await client.patch(
        f"{POSTS}/{post['id']}", json={"content": HOSTILE}, headers=author.headers
    )
    assert_error(response, 400, "VALIDATION_ERROR", field="content")
    after = await read_post(client, post["id"], author)
    assert after.json()["content"] == "The first version."
    assert after.headers["etag"] == before.headers["etag"]
    revisions = await client.get(f"{POSTS}/{post['id']}/revisions", headers=author.headers)
    assert revisions.json() == []


async def test_health_answers_at_once_while_a_slow_post_renders(
    limited: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    app, client = limited
    author = await signed_in(app, client)
    await create_post(client, author)  # a worker process is up
    refused = await client.post(POSTS, json={}, headers=author.headers)
    assert refused.status_code == 400  # and the error path has been taken once
    # A full collection of this test process's objects pauses any request: not what this
    # measures (a server freezes its start-up objects: GC_FREEZE).
    gc.disable()
    try:
        submitted = asyncio.create_task(
            client.post(POSTS, json={"title": "Nested", "content": HOSTILE}, headers=author.headers)
        )
        # A probe every 20 ms: how long after it was due does /health answer?
        waits = []
        while not submitted.done():
            due = time.perf_counter() + 0.02
            await asyncio.sleep(0.02)
            assert (await client.get("/health")).status_code == 200
            waits.append(time.perf_counter() - due)
    finally:
        gc.enable()
    assert max(waits) < 0.1, waits
    assert len(waits) >= 5, waits
    assert (await submitted).status_code == 400
    # The render stopped at the limit: this process burns no CPU on it afterwards.
    cpu = time.process_time()
    await asyncio.sleep(0.5)
    assert time.process_time() - cpu < 0.1
