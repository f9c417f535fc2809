"""Counting in Redis: one pipeline per view, a flush takes each count exactly once, uniques
come from a HyperLogLog (fakeredis here; a real Redis in test_redis_processes.py)."""

import asyncio
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
import redis
from factories import create_post, signed_in
from fakeredis import FakeAsyncRedis
from fastapi import FastAPI
from harness import IN_CI, redis_url
from redis.asyncio import Redis

from blogapi.core.db import utcnow
from blogapi.viewcounts.tally import DIRTY, MemoryTally, RedisTally, Tally

from .counting import BROWSER, beacon, daily_rows, flush, views_count

VIEWERS = 10_000


@pytest.fixture
async def redis_tally(app: FastAPI) -> AsyncIterator[RedisTally]:
    """The session's app counting in a fake Redis for the length of a test."""
    memory: Tally = app.state.views.tally
    await memory.take()
    tally = RedisTally(FakeAsyncRedis())
    app.state.views.tally = tally
    app.state.views.targets.clear()
    try:
        yield tally
    finally:
        app.state.views.tally = memory
        await tally.redis.aclose()


async def test_views_counted_in_redis_reach_the_post_at_the_flush(
    app: FastAPI, client: httpx.AsyncClient, redis_tally: RedisTally
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    for reader in range(3):
        await beacon(client, post["id"], agent=f"{BROWSER} {reader}")
    await beacon(client, post["id"], headers=author.headers)  # the author's own: not counted
    await beacon(client, post["id"], agent="Googlebot/2.1")

    member = f"{post['id']}:{utcnow().date().isoformat()}"
    assert await redis_tally.redis.smembers(DIRTY) == {member.encode()}
    assert await flush(app) == 3

    assert await views_count(client, post["id"]) == 3
    assert await redis_tally.redis.exists(DIRTY, f"views:n:{member}") == 0
    assert await redis_tally.take() == []  # each count is taken once


async def test_uniques_are_the_days_readers_whatever_the_flushes(
    app: FastAPI, client: httpx.AsyncClient, redis_tally: RedisTally
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)

    await beacon(client, post["id"])
    await flush(app)
    await beacon(client, post["id"])
    await beacon(client, post["id"], agent=f"{BROWSER} another")
    await flush(app)

    assert await daily_rows(app, post["id"]) == {utcnow().date(): (3, 2)}


async def test_counts_of_a_failed_flush_go_back_to_redis(redis_tally: RedisTally) -> None:
    post_id, day = uuid.uuid4(), utcnow().date()
    for reader in range(4):
        await redis_tally.record(post_id, day, f"a{reader}")
    taken = await redis_tally.take()

    await redis_tally.give_back(taken)

    again = await redis_tally.take()
    assert [(c.views, c.uniques) for c in again] == [(4, 4)]


async def test_a_lost_redis_loses_views_not_the_request(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    memory: Tally = app.state.views.tally
    away = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5)
    app.state.views.tally = RedisTally(away)
    try:
        response = await beacon(client, post["id"])
    finally:
        app.state.views.tally = memory
        await away.aclose()

    assert response.status_code == 202


async def test_uniques_of_ten_thousand_readers_in_a_fake_redis() -> None:
    tally = RedisTally(FakeAsyncRedis())
    post_id, day = uuid.uuid4(), utcnow().date()
    for reader in range(VIEWERS):
        await tally.record(post_id, day, f"a{reader:032x}")
    for reader in range(100):
        await tally.record(post_id, day, f"a{reader:032x}")  # again: one unique still

    [count] = await tally.take()

    assert count.views == VIEWERS + 100
    assert abs(count.uniques - VIEWERS) <= VIEWERS * 0.02


async def test_uniques_of_ten_thousand_readers_in_redis_are_within_two_percent() -> None:
    url = redis_url(1)
    try:
        redis.Redis.from_url(url).flushdb()
    except redis.RedisError as error:
        if IN_CI:
            pytest.fail(f"Redis at {url} is required in CI: {error}")
        pytest.skip(f"Redis not reachable: {error}")
    client = Redis.from_url(url)
    tally = RedisTally(client)
    post_id, day = uuid.uuid4(), utcnow().date()
    try:
        readers = [f"a{uuid.uuid4().hex}" for _ in range(VIEWERS)]
        for start in range(0, VIEWERS, 50):  # 50 beacons at a time, as from many pages
            batch = readers[start : start + 50]
            await asyncio.gather(*(tally.record(post_id, day, reader) for reader in batch))
        [count] = await tally.take()
        assert count.views == VIEWERS
        assert abs(count.uniques - VIEWERS) <= VIEWERS * 0.02
        assert count.uniques != 0
    finally:
        await client.flushdb()
        await client.aclose()


async def test_memory_counts_each_reader_once_a_day() -> None:
    tally = MemoryTally()
    post_id, day = uuid.uuid4(), utcnow().date()
    for reader in ("a1", "a2", "a1", "u3"):
        await tally.record(post_id, day, reader)

    [count] = await tally.take()
    await tally.record(post_id, day, "a1")
    [later] = await tally.take()

    assert (count.views, count.uniques) == (4, 3)
    assert (later.views, later.uniques) == (1, 0)
    assert await tally.take() == []
