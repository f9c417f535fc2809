"""PUBLIC_CACHE_SECONDS: identical anonymous reads share one computation and its answer is
reused briefly in the process; never for signed-in readers, cookies, errors or streams; a
write drops every entry; per-request headers stay per request; followers of a leader that
fails run their own requests (core/middleware/public_cache.py)."""

import asyncio
import gzip
from typing import Any

import httpx
import pytest
from factories import POSTS, assert_error, create_post, own_app, signed_in
from fastapi import FastAPI
from harness import counting_statements
from starlette.types import Receive, Scope, Send

from blogapi.core.metrics import REGISTRY
from blogapi.core.middleware import PublicCacheMiddleware

PAGE = f"{POSTS}?limit=20"
GZIP = {"Accept-Encoding": "gzip"}
IDENTITY = {"Accept-Encoding": "identity"}
JSON_PUBLIC = [(b"content-type", b"application/json"), (b"cache-control", b"public, max-age=60")]
PER_REQUEST = {"x-request-id", "server-timing", "ratelimit", "ratelimit-policy"}


async def published(app: FastAPI, client: httpx.AsyncClient, count: int = 2) -> None:
    author = await signed_in(app, client)
    for n in range(count):
        await create_post(client, author, title=f"Cached {n}", summary="A line. " * 30)


def lasting(response: httpx.Response) -> dict[str, str]:
    """The headers a cached copy must repeat: all but the ones each request gets its own."""
    return {k: v for k, v in response.headers.items() if k not in PER_REQUEST}


# Through the whole app, on both engines ----------------------------------------------------


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


# The layer alone, around a route of its own -------------------------------------------------


class Route:
    """An ASGI route that counts its calls; a GET waits for `gate`; the first call may fail."""

    def __init__(self, headers: list[tuple[bytes, bytes]] | None = None, status: int = 200):
        self.calls = 0
        self.gate = asyncio.Event()
        self.gate.set()
        self.fail_first = False
        self.headers = JSON_PUBLIC if headers is None else headers
        self.status = status
        self.chunks: list[bytes] = [b'{"n": 1}']

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.calls += 1
        call = self.calls
        if scope["method"] == "GET":
            await self.gate.wait()
        if self.fail_first and call == 1:
            raise RuntimeError("the leader failed")
        await send({"type": "http.response.start", "status": self.status, "headers": self.headers})
        for n, chunk in enumerate(self.chunks, 1):
            more = n < len(self.chunks)
            await send({"type": "http.response.body", "body": chunk, "more_body": more})


def layer_client(route: Route, **options: Any) -> httpx.AsyncClient:
    layer = PublicCacheMiddleware(route, **{"seconds": 1, **options})
    transport = httpx.ASGITransport(app=layer, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://test")


async def together(client: httpx.AsyncClient, route: Route, n: int) -> list[httpx.Response]:
    """`n` identical reads, all arrived before the first answers."""
    route.gate.clear()
    pending = [asyncio.ensure_future(client.get("/a")) for _ in range(n)]
    await asyncio.sleep(0.01)
    route.gate.set()
    return await asyncio.gather(*pending)


async def test_followers_share_the_leaders_answer() -> None:
    route = Route()
    async with layer_client(route) as client:
        responses = await together(client, route, 5)

    assert [r.status_code for r in responses] == [200] * 5
    assert route.calls == 1


async def test_when_the_leader_fails_each_follower_runs_its_own_request() -> None:
    route = Route()
    route.fail_first = True
    async with layer_client(route) as client:
        responses = await together(client, route, 4)

    assert sorted(r.status_code for r in responses) == [200, 200, 200, 500]
    assert route.calls == 4


@pytest.mark.parametrize(
    "headers",
    [
        [(b"content-type", b"application/json"), (b"cache-control", b"private, no-cache")],
        [(b"content-type", b"application/json"), (b"cache-control", b"public, no-cache")],
        [(b"content-type", b"application/json"), (b"cache-control", b"no-store")],
        [(b"content-type", b"application/json")],
        [*JSON_PUBLIC, (b"set-cookie", b"a=b")],
        [*JSON_PUBLIC, (b"vary", b"Origin")],
        [(b"content-type", b"image/webp"), (b"cache-control", b"public, max-age=60")],
    ],
)
async def test_an_answer_that_may_not_be_kept_is_neither_shared_nor_kept(
    headers: list[tuple[bytes, bytes]],
) -> None:
    route = Route(headers)
    async with layer_client(route) as client:
        await together(client, route, 3)
        await client.get("/a")

    assert route.calls == 4


@pytest.mark.parametrize("status", [201, 203, 404, 429, 500, 503])
async def test_other_statuses_are_not_kept(status: int) -> None:
    route = Route(status=status)
    async with layer_client(route) as client:
        await client.get("/a")
        await client.get("/a")

    assert route.calls == 2


async def test_a_streamed_or_oversized_body_is_not_kept() -> None:
    streamed = Route()
    streamed.chunks = [b'{"n":', b" 1}"]
    big = Route()
    big.chunks = [b"x" * 101]
    async with layer_client(streamed) as one, layer_client(big, max_body_bytes=100) as other:
        for client in (one, one, other, other):
            await client.get("/a")
        assert (await one.get("/a")).content == b'{"n": 1}'

    assert (streamed.calls, big.calls) == (3, 2)


async def test_a_follower_waiting_past_the_bound_runs_its_own_request() -> None:
    route = Route()
    async with layer_client(route, wait_seconds=0.05) as client:
        route.gate.clear()
        leader = asyncio.ensure_future(client.get("/a"))
        await asyncio.sleep(0.01)
        follower = asyncio.ensure_future(client.get("/a"))
        await asyncio.sleep(0.1)
        assert route.calls == 2  # the follower gave up and called the route itself
        route.gate.set()
        assert [(await leader).status_code, (await follower).status_code] == [200, 200]


async def test_the_least_recently_used_entry_goes_first_when_full() -> None:
    route = Route()
    async with layer_client(route, max_entries=2) as client:
        for path in ("/a", "/b", "/a", "/c", "/a", "/b"):
            await client.get(path)

    assert route.calls == 4  # /a, /b, /c, then /b again: it was dropped for /c


async def held_across_a_write(client: httpx.AsyncClient, route: Route) -> "asyncio.Future[Any]":
    """A read the route holds (until `route.gate` is set) while a write is answered."""
    route.gate.clear()
    before = asyncio.ensure_future(client.get("/a"))
    await asyncio.sleep(0.01)
    await client.delete("/b")
    return before


async def test_a_read_begun_before_a_write_keeps_nothing() -> None:
    route = Route()
    async with layer_client(route) as client:
        before = await held_across_a_write(client, route)
        route.gate.set()
        await before
        await client.get("/a")
        await client.get("/a")

    assert route.calls == 3  # the second read after the write is the first kept


async def test_a_read_after_a_write_does_not_join_one_begun_before() -> None:
    route = Route()
    async with layer_client(route) as client:
        before = await held_across_a_write(client, route)
        after = asyncio.ensure_future(client.get("/a"))
        await asyncio.sleep(0.01)
        route.gate.set()
        await asyncio.gather(before, after)

    assert route.calls == 3


@pytest.mark.parametrize(
    "headers",
    [{"Authorization": "Bearer x"}, {"Cookie": "a=b"}],
)
async def test_credentials_bypass_the_layer(headers: dict[str, str]) -> None:
    route = Route()
    async with layer_client(route) as client:
        await client.get("/a")
        await client.get("/a", headers=headers)
        await client.post("/a", headers=headers)  # an answered write drops the entry
        await client.get("/a")

    assert route.calls == 4
