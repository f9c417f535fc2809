"""Older items page by page (RFC 5005 `next` links, JSON Feed `next_url`), `limit` and
`before` checked."""

import base64
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from factories import assert_error, create_post, own_app, signed_in
from fastapi import FastAPI

from .documents import FEEDS, FORMATS, entry_ids, fetch, next_link

BASE = "http://127.0.0.1:8000"


async def _walk(client: httpx.AsyncClient, path: str, format: str, limit: int) -> list[str]:
    """Every item of the feed, following its next links; each page `limit` items at most."""
    response = await fetch(client, path, format, limit=limit)
    seen: list[str] = []
    for _ in range(20):
        ids = entry_ids(format, response.content)
        assert 0 < len(ids) <= limit
        seen += ids
        link = next_link(format, response.content)
        if link is None:
            return seen
        assert link.startswith(f"{BASE}{FEEDS}/{path}.{format}?")
        response = await client.get(link.removeprefix(BASE))
        assert response.status_code == 200, response.text
    raise AssertionError("the next links never ended")


async def test_next_links_walk_every_item_once(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    # Three posts share their date: the cursor still tells them apart.
    same = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    posts = [await create_post(client, author, published_at=same, tags=["t"]) for _ in range(3)]
    posts += [await create_post(client, author, tags=["t"]) for _ in range(2)]
    expected = [f"urn:uuid:{post['id']}" for post in posts]

    for path in ("posts", f"authors/{author.username}", "tags/t"):
        for format in FORMATS:
            seen = await _walk(client, path, format, limit=2)
            assert seen == expected[::-1], (path, format)  # newest first, each once
            assert len(await _walk(client, path, format, limit=1)) == 5


async def test_a_full_last_page_has_no_next_link(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    for _ in range(2):
        await create_post(client, author)

    for format in FORMATS:
        exact = await fetch(client, "posts", format, limit=2)
        shorter = await fetch(client, "posts", format, limit=1)
        assert next_link(format, exact.content) is None
        assert next_link(format, shorter.content) is not None


async def test_limit_defaults_to_feed_items(database_url: str) -> None:
    async with own_app(database_url, rate_limits_enabled=False, feed_items=2) as (app, client):
        author = await signed_in(app, client)
        for _ in range(3):
            await create_post(client, author)
        response = await fetch(client, "posts", "json")

    assert len(entry_ids("json", response.content)) == 2
    assert next_link("json", response.content) is not None


@pytest.mark.parametrize("limit", ["0", "101", "abc", "-1", "2.5"])
async def test_a_limit_outside_1_to_100_is_400(client: httpx.AsyncClient, limit: str) -> None:
    for format in FORMATS:
        response = await client.get(f"{FEEDS}/posts.{format}", params={"limit": limit})
        assert_error(response, 400, "VALIDATION_ERROR", field="limit")


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "before",
    [
        "",
        "garbage!",
        "abc",
        _b64("2026-01-01T00:00:00+00:00|2026-01-01T00:00:00+00:00"),
        _b64("2026-01-01T00:00:00|2026-01-01T00:00:00|0b0e5a8a-93fd-4d3e-b3f4-5e0d4f1f6a1c"),
        _b64("yesterday|today|0b0e5a8a-93fd-4d3e-b3f4-5e0d4f1f6a1c"),
        _b64("2026-01-01T00:00:00+00:00|2026-01-01T00:00:00+00:00|not-a-uuid"),
        "A" * 201,
        "%FF%FE",
    ],
)
async def test_a_cursor_no_feed_gave_is_400(
    app: FastAPI, client: httpx.AsyncClient, before: str
) -> None:
    author = await signed_in(app, client)
    await create_post(client, author, tags=["t"])
    for path in ("posts", "tags/t"):
        response = await client.get(f"{FEEDS}/{path}.rss", params={"before": before})
        assert_error(response, 400, "VALIDATION_ERROR", field="before")
