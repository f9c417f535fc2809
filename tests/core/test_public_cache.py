"""PUBLIC_CACHE_SECONDS: identical anonymous reads share one computation and its answer is
reused briefly in the process; never for signed-in readers, cookies or errors; a write drops
every entry; per-request headers stay per request; hits count against the read limit
(core/middleware/public_cache.py). The layer alone: test_public_cache_layer.py."""

import asyncio
import gzip

import httpx
from factories import POSTS, assert_error, create_post, own_app, signed_in
from fastapi import FastAPI
from harness import counting_statements

from blogapi.core.metrics import REGISTRY
from blogapi.core.middleware import PublicCacheMiddleware

PAGE = f"{POSTS}?limit=20"
GZIP = {"Accept-Encoding": "gzip"}
IDENTITY = {"Accept-Encoding": "identity"}
PER_REQUEST = {"x-request-id", "server-timing", "ratelimit", "ratelimit-policy"}


async def published(app: FastAPI, client: httpx.AsyncClient, count: int = 2) -> None:
    author = await signed_in(app, client)
    for n in range(count):
        await create_post(client, author, title=f"Cached {n}", summary="A line. " * 30)


def lasting(response: httpx.Response) -> dict[str, str]:
    """The headers a cached copy must repeat: all but the ones each request gets its own."""
    return {k: v for k, v in response.headers.items() if k not in PER_REQUEST}


async def test_identical_concurrent_anonymous_reads_run_the_route_once(database_url: str) -> None:
    async with own_app(database_url, public_cache_seconds=1) as (app, client):
        await published(app, client)
        with counting_statements(app) as one:
            await client.get(f"{POSTS}?limit=19")  # the same statements, another key
        assert one

        with counting_statements(app) as together:
            responses = await asyncio.gather(*(client.get(PAGE) for _ in range(8)))

        assert [r.status_code for r in responses] == [200] * 8
        assert len({r.content for r in responses}) == 1
        assert len(together) == len(one)


async def test_a_cached_answer_runs_no_statement_and_keeps_per_request_headers(
    database_url: str,
) -> None:
    async with own_app(database_url, public_cache_seconds=1) as (app, client):
        await published(app, client)
        first = await client.get(PAGE)
        with counting_statements(app) as statements:
            second = await client.get(PAGE)

        assert statements == []
        assert second.content == first.content
        assert lasting(second) == lasting(first)
        assert second.headers["x-request-id"] != first.headers["x-request-id"]
        assert "server-timing" in second.headers
        # The cached answer counted against the read limit, as the route would have.
        assert first.headers["ratelimit"].endswith(";r=299;t=60")
        assert second.headers["ratelimit"].endswith(";r=298;t=60")


async def test_a_cached_answer_is_counted_under_its_route_template(database_url: str) -> None:
    labels = {"method": "GET", "route": POSTS, "status": "200"}
    async with own_app(database_url, public_cache_seconds=1) as (_, client):
        before = REGISTRY.get_sample_value("http_requests_total", labels) or 0
        await client.get(PAGE)
        await client.get(PAGE)

        assert REGISTRY.get_sample_value("http_requests_total", labels) == before + 2


async def test_cached_answers_count_against_the_read_limit_up_to_the_usual_429(
    database_url: str,
) -> None:
    async with own_app(database_url, public_cache_seconds=1, rate_limit_read_ip="2/minute") as (
        _,
        client,
    ):
        assert (await client.get(PAGE)).status_code == 200
        assert (await client.get(PAGE)).status_code == 200
        refused = await client.get(PAGE)

        assert_error(refused, 429, "RATE_LIMITED")
        assert refused.headers["retry-after"]


async def test_signed_in_reads_neither_use_nor_fill_the_cache(database_url: str) -> None:
    async with own_app(database_url, public_cache_seconds=1) as (app, client):
        await published(app, client)
        reader = await signed_in(app, client)
        await client.get(PAGE)
        with counting_statements(app) as statements:
            mine = await client.get(PAGE, headers=reader.headers)
        assert statements
        assert mine.headers["cache-control"] == "private, no-cache"

        await client.get(f"{POSTS}?limit=7", headers=reader.headers)
        with counting_statements(app) as statements:
            anonymous = await client.get(f"{POSTS}?limit=7")
        assert statements
        assert anonymous.headers["cache-control"].startswith("public")


async def test_a_request_with_a_cookie_is_not_served_from_the_cache(database_url: str) -> None:
    async with own_app(database_url, public_cache_seconds=1) as (app, client):
        await client.get(PAGE)
        with counting_statements(app) as statements:
            response = await client.get(PAGE, headers={"Cookie": "session=abc"})

        assert response.status_code == 200
        assert statements


async def test_a_write_drops_every_entry_and_shows_at_once(database_url: str) -> None:
    async with own_app(database_url, public_cache_seconds=30) as (app, client):
        author = await signed_in(app, client)
        assert (await client.get(PAGE)).json()["data"] == []

        post = await create_post(client, author, title="Fresh from the press")

        assert [p["id"] for p in (await client.get(PAGE)).json()["data"]] == [post["id"]]


async def test_a_refused_write_keeps_the_entries(database_url: str) -> None:
    async with own_app(database_url, public_cache_seconds=30) as (app, client):
        author = await signed_in(app, client)
        await client.get(PAGE)

        refused = await client.post(POSTS, json={"title": ""}, headers=author.headers)
        with counting_statements(app) as statements:
            await client.get(PAGE)

        assert_error(refused, 400, "VALIDATION_ERROR")
        assert statements == []


async def test_an_entry_expires_after_public_cache_seconds(database_url: str) -> None:
    async with own_app(database_url, public_cache_seconds=0.2) as (app, client):
        await client.get(PAGE)
        with counting_statements(app) as within:
            await client.get(PAGE)
        await asyncio.sleep(0.25)
        with counting_statements(app) as after:
            await client.get(PAGE)

        assert within == []
        assert after


async def test_zero_turns_caching_and_coalescing_off(database_url: str) -> None:
    async with own_app(database_url, public_cache_seconds=0) as (app, client):
        assert PublicCacheMiddleware not in [m.cls for m in app.user_middleware]
        with counting_statements(app) as one:
            await client.get(PAGE)
        with counting_statements(app) as together:
            await asyncio.gather(*(client.get(PAGE) for _ in range(3)))

        assert len(together) == 3 * len(one) > 0


async def test_if_none_match_gets_the_routes_304_from_an_entry(database_url: str) -> None:
    async with own_app(database_url, public_cache_seconds=1) as (app, client):
        await published(app, client)
        etag = (await client.get(PAGE)).headers["etag"]
        # The route's own 304: the same page under another key, which has no entry.
        routes = await client.get(f"{PAGE}&", headers={"If-None-Match": etag})
        with counting_statements(app) as statements:
            cached = await client.get(PAGE, headers={"If-None-Match": etag})
            other = await client.get(PAGE, headers={"If-None-Match": '"stale"'})

        assert statements == []
        assert routes.status_code == cached.status_code == 304
        assert cached.content == b""
        assert lasting(cached) == lasting(routes)
        assert other.status_code == 200


async def test_gzip_and_identity_clients_each_get_their_own_copy(database_url: str) -> None:
    async with own_app(database_url, public_cache_seconds=1) as (app, client):
        await published(app, client, count=4)
        async with client.stream("GET", PAGE, headers=GZIP) as zipped:
            await zipped.aread()
        with counting_statements(app) as statements:
            plain = await client.get(PAGE, headers=IDENTITY)
            async with client.stream("GET", PAGE, headers=GZIP) as again:
                raw_again = b"".join([chunk async for chunk in again.aiter_raw()])

        assert statements == []
        assert zipped.headers["content-encoding"] == again.headers["content-encoding"] == "gzip"
        assert "content-encoding" not in plain.headers
        assert gzip.decompress(raw_again) == plain.content == zipped.content
        assert len(raw_again) < len(plain.content)
        assert zipped.headers["etag"] == plain.headers["etag"][:-1] + '-gzip"'
        revalidated = await client.get(
            PAGE, headers={**GZIP, "If-None-Match": zipped.headers["etag"]}
        )
        assert revalidated.status_code == 304
        assert revalidated.headers["etag"] == zipped.headers["etag"]


async def test_error_answers_are_not_cached(database_url: str) -> None:
    async with own_app(database_url, public_cache_seconds=1) as (app, client):
        await client.get(f"{POSTS}/no-such-post")
        with counting_statements(app) as statements:
            again = await client.get(f"{POSTS}/no-such-post")

        assert_error(again, 404, "NOT_FOUND")
        assert statements
