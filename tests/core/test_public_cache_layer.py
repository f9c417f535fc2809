"""The public cache layer alone, around an ASGI route of its own: followers share the
leader's answer or, when it fails, run their own; what may not be kept is neither shared nor
kept; bounded waits and memory; writes drop entries; the gzip copy is made once per entry
(core/middleware/public_cache.py). Through the whole app: test_public_cache.py."""

import asyncio
import gzip
from typing import Any

import httpx
import pytest
from starlette.types import ASGIApp, Receive, Scope, Send

from blogapi.core.middleware import CompressionMiddleware, PublicCacheMiddleware, compression

JSON_PUBLIC = [(b"content-type", b"application/json"), (b"cache-control", b"public, max-age=60")]


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


def layer_client(route: Route, *, gzip_above: bool = False, **options: Any) -> httpx.AsyncClient:
    layer: ASGIApp = PublicCacheMiddleware(route, **{"seconds": 1, **options})
    if gzip_above:
        layer = CompressionMiddleware(layer)
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


@pytest.mark.parametrize("bound", [{"max_entries": 2}, {"max_bytes": 2 * 2 * len(b'{"n": 1}')}])
async def test_the_least_recently_used_entry_goes_first_when_full(bound: dict[str, int]) -> None:
    route = Route()
    async with layer_client(route, **bound) as client:
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


async def test_the_gzip_copy_of_an_entry_is_made_once_and_is_the_layers_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[int] = []
    real = compression._gzip
    monkeypatch.setattr(compression, "_gzip", lambda body: made.append(1) or real(body))
    route = Route([*JSON_PUBLIC, (b"etag", b'"t"'), (b"vary", b"Authorization")])
    route.chunks = [b'{"text": "%s"}' % (b"words " * 400)]
    async with layer_client(route, gzip_above=True) as client:
        answers = []
        for _ in range(4):
            async with client.stream("GET", "/a", headers={"Accept-Encoding": "gzip"}) as answer:
                answers.append((answer.headers, b"".join([c async for c in answer.aiter_raw()])))
        plain = await client.get("/a", headers={"Accept-Encoding": "identity"})

    assert route.calls == 1
    assert len(made) == 2  # the leader's, by the compression layer; then the entry's, once
    assert len({body for _, body in answers}) == 1
    assert gzip.decompress(answers[0][1]) == plain.content == route.chunks[0]
    assert all(headers == answers[0][0] for headers, _ in answers)
    assert answers[0][0]["etag"] == '"t-gzip"'
    assert answers[0][0]["vary"] == plain.headers["vary"] == "Authorization, Accept-Encoding"


async def test_a_small_entry_goes_to_a_gzip_client_as_the_layer_would_send_it() -> None:
    route = Route([*JSON_PUBLIC, (b"etag", b'"t"')])
    async with layer_client(route, gzip_above=True) as client:
        first = await client.get("/a", headers={"Accept-Encoding": "gzip"})
        cached = await client.get("/a", headers={"Accept-Encoding": "gzip"})

    assert route.calls == 1
    assert "content-encoding" not in cached.headers
    assert cached.headers == first.headers
    assert cached.headers["vary"] == "Accept-Encoding"
    assert cached.content == b'{"n": 1}'
