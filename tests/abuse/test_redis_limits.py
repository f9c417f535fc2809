"""With REDIS_URL the counts live in Redis, shared by every process; a lost Redis fails open."""

import time
from collections.abc import AsyncIterator

import pytest
from factories import create_user, own_app, unique_name
from harness import redis_url
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from .ratelimits import LOGIN, POSTS, REGISTER, assert_limited, credentials, new_user

# A database of its own on the shared server (one per xdist worker); only it is ever flushed.
REDIS_URL = redis_url(1)
# Nothing listens on port 1: a configured Redis that is down.
DEAD_REDIS_URL = "redis://127.0.0.1:1/0"


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except RedisConnectionError as error:
        await client.aclose()
        pytest.skip(f"Redis at {REDIS_URL} is not reachable ({error})")
    await client.flushdb()
    yield client
    await client.flushdb()
    await client.aclose()


async def test_two_processes_share_one_budget(database_url: str, redis: Redis) -> None:
    limits = {"redis_url": REDIS_URL, "rate_limit_read_ip": "3/minute"}
    async with (
        own_app(database_url, **limits) as (_first_app, first),
        own_app(database_url, **limits) as (_second_app, second),
    ):
        assert (await first.get(POSTS)).status_code == 200
        assert (await second.get(POSTS)).status_code == 200
        assert (await first.get(POSTS)).status_code == 200

        assert_limited(await second.get(POSTS), "read-ip", 3, 60)
        assert_limited(await first.get(POSTS), "read-ip", 3, 60)

    assert await redis.keys("*"), "the counts were not kept in Redis"


async def test_account_keys_in_redis_do_not_reveal_the_email(
    database_url: str, redis: Redis
) -> None:
    name = unique_name("secretive")
    async with own_app(database_url, redis_url=REDIS_URL) as (_app, client):
        response = await client.post(LOGIN, json=credentials(name, "wrong password"))
        assert response.status_code == 401

    keys = [key.decode() for key in await redis.keys("*")]
    assert any("login-account" in key for key in keys), keys
    assert not any(name in key for key in keys), keys


async def test_resetting_clears_the_shared_counts(database_url: str, redis: Redis) -> None:
    limits = {"redis_url": REDIS_URL, "rate_limit_read_ip": "1/minute"}
    async with own_app(database_url, **limits) as (app, client):
        await client.get(POSTS)
        assert_limited(await client.get(POSTS), "read-ip", 1, 60)

        await app.state.rate_limiter.reset()

        assert (await client.get(POSTS)).status_code == 200


async def test_requests_are_served_when_redis_is_down(database_url: str) -> None:
    tiny = {
        f"rate_limit_{policy}": "1/minute"
        for policy in ("read_ip", "login_ip", "login_account", "register_ip", "write_user")
    }
    started = time.monotonic()
    async with own_app(database_url, redis_url=DEAD_REDIS_URL, **tiny) as (app, client):
        for _ in range(3):
            response = await client.get(POSTS)
            assert response.status_code == 200, response.text
            assert "ratelimit" not in response.headers
        for _ in range(2):
            assert (await client.post(REGISTER, json=new_user())).status_code == 201
        username = await create_user(app)
        for _ in range(3):
            wrong = await client.post(LOGIN, json=credentials(username, "wrong password"))
            assert wrong.status_code == 401, wrong.text
        assert (await client.post(LOGIN, json=credentials(username))).status_code == 200

    # Failing open must not mean hanging: a refused connection is noticed at once.
    assert time.monotonic() - started < 15
