"""Flushing: beacons run no SQL at all; a flush writes each post with a fixed number of
statements (one on PostgreSQL, two on SQLite), and nothing counted is lost on the way."""

import asyncio
import time
import uuid
from datetime import timedelta

import httpx
import pytest
from asgi_lifespan import LifespanManager
from factories import create_post, own_app, read_post, signed_in
from fastapi import FastAPI
from harness import counting_statements, empty_tables, make_settings

from blogapi.core.db import utcnow
from blogapi.main import create_app
from blogapi.viewcounts import counter, service

from .counting import BROWSER, beacon, daily_rows, flush, views_count

BEACONS = 10_000


def written(statements: list[str]) -> list[str]:
    """The statements that write (SQLite's explicit BEGIN left out)."""
    return [s for s in statements if not s.startswith("BEGIN")]


async def test_ten_thousand_beacons_run_no_sql(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A process looks a post up again after FOUND_SECONDS; 10,000 beacons may take longer
    # than that on a busy machine (with coverage): this test is about the beacons between.
    monkeypatch.setattr(counter, "FOUND_SECONDS", 3600.0)
    async with own_app(database_url, rate_limits_enabled=False, view_flush_seconds=3600) as (
        app,
        client,
    ):
        author = await signed_in(app, client)
        post = await create_post(client, author)
        # The first beacon of a post looks it up (one query) and the process remembers it
        # for a minute: that is the warm-up, left out of the count.
        assert (await beacon(client, post["slug"])).status_code == 202

        with counting_statements(app) as statements:
            for number in range(BEACONS):
                response = await beacon(client, post["slug"], agent=f"{BROWSER} #{number}")
                assert response.status_code == 202

        assert statements == []
        with counting_statements(app) as statements:
            assert await flush(app) == BEACONS + 1
        assert len(written(statements)) == (
            1 if app.state.engine.dialect.name == "postgresql" else 2
        )
        assert await views_count(client, post["id"]) == BEACONS + 1
        assert await daily_rows(app, post["id"]) == {utcnow().date(): (BEACONS + 1, BEACONS + 1)}


async def test_a_flush_writes_each_post_with_one_upsert(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    await app.state.views.tally.take()
    author = await signed_in(app, client)
    posts = [await create_post(client, author) for _ in range(3)]
    before = await read_post(client, posts[0]["id"])
    for number, post in enumerate(posts):
        for reader in range(number + 1):
            await beacon(client, post["id"], agent=f"{BROWSER} {reader}")
    # Around midnight a post has counts of two days in one flush: still one upsert.
    yesterday = utcnow().date() - timedelta(days=1)
    await app.state.views.tally.record(uuid.UUID(posts[0]["id"]), yesterday, "a-late-reader")

    with counting_statements(app) as statements:
        assert await flush(app) == 7

    statements = written(statements)
    upserts = [s for s in statements if "INSERT INTO post_view_daily" in s]
    assert len(upserts) == 3
    if app.state.engine.dialect.name == "postgresql":
        assert len(statements) == 3  # the update of posts.views_count rides in the same one
        assert all("UPDATE posts SET views_count" in s for s in statements)
    else:
        assert len(statements) == 6
    assert await daily_rows(app, posts[0]["id"]) == {
        utcnow().date(): (1, 1),
        yesterday: (1, 1),
    }
    assert [await views_count(client, p["id"]) for p in posts] == [2, 2, 3]
    after = await read_post(client, posts[0]["id"])
    # A view is no edit: neither updated_at nor the version (the ETag's first part) moves.
    assert after.json()["updated_at"] == before.json()["updated_at"]
    assert after.headers["etag"].split("-")[0] == before.headers["etag"].split("-")[0]


async def test_a_reader_seen_before_a_flush_is_not_new_after_it(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    await app.state.views.tally.take()
    author = await signed_in(app, client)
    post = await create_post(client, author)

    await beacon(client, post["id"])
    await flush(app)
    await beacon(client, post["id"])
    await beacon(client, post["id"], agent=f"{BROWSER} another")
    await flush(app)

    assert await daily_rows(app, post["id"]) == {utcnow().date(): (3, 2)}


async def test_counts_of_a_post_that_is_gone_are_dropped_and_the_rest_written(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    await app.state.views.tally.take()
    author = await signed_in(app, client)
    post = await create_post(client, author)
    await beacon(client, post["id"])
    await app.state.views.tally.record(uuid.uuid4(), utcnow().date(), "someone")

    assert await flush(app) == 2  # no foreign key failed

    assert await views_count(client, post["id"]) == 1
    assert await app.state.views.tally.take() == []


async def test_a_failed_flush_keeps_the_counts_for_the_next(
    app: FastAPI, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    await app.state.views.tally.take()
    author = await signed_in(app, client)
    post = await create_post(client, author)
    for reader in range(3):
        await beacon(client, post["id"], agent=f"{BROWSER} {reader}")

    async def database_away(*_args: object, **_kwargs: object) -> None:
        raise ConnectionError("the database went away")

    with monkeypatch.context() as patched:
        patched.setattr(service, "write_counts", database_away)
        with pytest.raises(ConnectionError):
            await flush(app)
    assert await views_count(client, post["id"]) == 0

    assert await flush(app) == 3
    assert await daily_rows(app, post["id"]) == {utcnow().date(): (3, 3)}


async def test_the_app_flushes_on_its_interval(database_url: str) -> None:
    async with own_app(database_url, view_flush_seconds=0.2) as (app, client):
        author = await signed_in(app, client)
        post = await create_post(client, author)
        await beacon(client, post["id"])

        deadline = time.monotonic() + 10
        while await views_count(client, post["id"]) == 0 and time.monotonic() < deadline:  # noqa: ASYNC110 (polls the database)
            await asyncio.sleep(0.1)

        assert await views_count(client, post["id"]) == 1


async def test_the_app_flushes_what_it_holds_at_shutdown(database_url: str) -> None:
    settings = make_settings(database_url, view_flush_seconds=3600)
    first = create_app(settings)
    async with LifespanManager(first):
        transport = httpx.ASGITransport(app=first)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            author = await signed_in(first, client)
            post = await create_post(client, author)
            await beacon(client, post["id"])
            await beacon(client, post["id"], agent=f"{BROWSER} 2")
            assert await views_count(client, post["id"]) == 0

    second = create_app(settings)
    async with LifespanManager(second):
        try:
            transport = httpx.ASGITransport(app=second)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                assert await views_count(client, post["id"]) == 2
        finally:
            await empty_tables(second)
