"""Load shedding (core/middleware/load_shedding.py): at most MAX_CONCURRENT_REQUESTS run, up to
MAX_QUEUED_REQUESTS wait at most QUEUE_TIMEOUT_SECONDS, the rest get 503 SERVICE_UNAVAILABLE
with Retry-After at once; probes are never shed; a slot comes back however its request ends.
The layer alone around an ASGI route of its own, then through the whole app."""

import asyncio
from contextlib import AbstractAsyncContextManager
from typing import Any

import httpx
import pytest
from factories import POSTS, assert_error, create_post, own_app, signed_in
from fastapi import FastAPI
from harness import make_settings
from pydantic import ValidationError
from starlette.types import Receive, Scope, Send

from blogapi.core.metrics import REGISTRY
from blogapi.core.middleware import LoadSheddingMiddleware, RequestIdMiddleware, load_shedding
from blogapi.main import create_app, middleware_for

JSON = [(b"content-type", b"application/json")]
UNUSED_DB = "sqlite+aiosqlite:///never-opened.db"


class Route:
    """An ASGI route: `/slow` waits for `gate`, `/stream` sends a chunk and then waits for it,
    `/nap` sleeps a millisecond, `/fail` raises, anything else answers at once. It counts the
    requests inside it."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.inside = 0
        self.calls = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.calls += 1
        self.inside += 1
        try:
            path = scope["path"]
            if path == "/fail":
                raise RuntimeError("the handler failed")
            if path == "/slow":
                await self.gate.wait()
            elif path == "/nap":
                await asyncio.sleep(0.001)
            await send({"type": "http.response.start", "status": 200, "headers": JSON})
            if path == "/stream":
                await send({"type": "http.response.body", "body": b"[1", "more_body": True})
                await self.gate.wait()
                await send({"type": "http.response.body", "body": b"]"})
                return
            await send({"type": "http.response.body", "body": b"{}"})
        finally:
            self.inside -= 1


def layer_client(
    route: Route, *, max_concurrent: int = 1, max_queued: int = 1, queue_timeout: float = 5.0
) -> tuple[LoadSheddingMiddleware, httpx.AsyncClient]:
    layer = LoadSheddingMiddleware(
        route, max_concurrent=max_concurrent, max_queued=max_queued, queue_timeout=queue_timeout
    )
    # Under the request id, as in the app: the envelope carries the id.
    transport = httpx.ASGITransport(app=RequestIdMiddleware(layer), raise_app_exceptions=False)
    return layer, httpx.AsyncClient(transport=transport, base_url="http://test")


async def until(condition: Any) -> None:
    """Let the other tasks run until `condition()` holds (a second at most)."""
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0.001)
    raise AssertionError("the condition never held")


async def inside(
    client: httpx.AsyncClient, route: Route, path: str = "/slow"
) -> "asyncio.Future[httpx.Response]":
    """A request started and held in the route (at its gate)."""
    started = route.inside
    request = asyncio.ensure_future(client.get(path))
    await until(lambda: route.inside == started + 1)
    return request


async def one_running_one_queued(
    client: httpx.AsyncClient, route: Route, layer: LoadSheddingMiddleware
) -> tuple["asyncio.Future[httpx.Response]", "asyncio.Future[httpx.Response]"]:
    """One request held in the route at its gate, and one waiting for its slot."""
    running = await inside(client, route)
    queued = asyncio.ensure_future(client.get("/slow"))
    await until(lambda: layer.queued == 1)
    return running, queued


def assert_shed(response: httpx.Response) -> None:
    assert_error(response, 503, "SERVICE_UNAVAILABLE")
    assert response.headers["retry-after"] == "1"


async def test_the_first_runs_the_second_waits_its_turn_and_the_third_is_refused() -> None:
    route = Route()
    layer, client = layer_client(route)
    async with client:
        first, second = await one_running_one_queued(client, route, layer)

        third = await client.get("/slow")

        assert_shed(third)
        assert route.calls == 1  # the second waits outside the route
        route.gate.set()
        assert [(await first).status_code, (await second).status_code] == [200, 200]
    assert route.calls == 2


async def test_a_queued_request_that_waits_past_the_timeout_is_refused() -> None:
    route = Route()
    layer, client = layer_client(route, queue_timeout=0.05)
    async with client:
        first = await inside(client, route)

        second = await asyncio.wait_for(client.get("/fast"), 2)

        assert_shed(second)
        assert layer.queued == 0
        route.gate.set()
        assert (await first).status_code == 200
        assert (await client.get("/fast")).status_code == 200


async def test_with_no_queue_a_request_beyond_the_limit_is_refused_at_once() -> None:
    route = Route()
    _, client = layer_client(route, max_concurrent=2, max_queued=0)
    async with client:
        running = [await inside(client, route) for _ in range(2)]

        assert_shed(await client.get("/fast"))

        route.gate.set()
        assert [(await r).status_code for r in running] == [200, 200]


@pytest.mark.parametrize("path", ["/health", "/health/ready", "/metrics"])
async def test_probes_and_the_scrape_are_never_shed(path: str) -> None:
    route = Route()
    _, client = layer_client(route, max_queued=0)
    async with client:
        running = await inside(client, route)

        assert (await client.get(path)).status_code == 200
        assert_shed(await client.get("/fast"))

        route.gate.set()
        await running


async def test_a_handler_that_raises_gives_its_slot_back() -> None:
    route = Route()
    _, client = layer_client(route, max_queued=0)
    async with client:
        failures = [(await client.get("/fail")).status_code for _ in range(20)]

        assert failures == [500] * 20
        assert (await client.get("/fast")).status_code == 200


async def test_a_client_that_goes_away_gives_back_its_slot_or_its_place_in_the_queue() -> None:
    route = Route()
    layer, client = layer_client(route)
    async with client:
        running, waiting = await one_running_one_queued(client, route, layer)

        waiting.cancel()
        await until(lambda: layer.queued == 0)
        running.cancel()
        await until(lambda: route.inside == 0)

        route.gate.set()
        assert (await client.get("/slow")).status_code == 200
    assert route.calls == 2  # the cancelled waiter never ran


async def test_a_streamed_response_holds_its_slot_until_its_last_chunk() -> None:
    route = Route()
    _, client = layer_client(route, max_queued=0)
    async with client:
        streaming = await inside(client, route, "/stream")

        assert_shed(await client.get("/fast"))

        route.gate.set()
        assert (await streaming).text == "[1]"
        assert (await client.get("/fast")).status_code == 200


async def test_after_a_storm_of_timeouts_and_refusals_every_slot_is_free_again() -> None:
    route = Route()
    _, client = layer_client(route, max_concurrent=3, max_queued=20, queue_timeout=0.002)
    async with client:
        # Each holds its slot a little; slots are handed over as waiters time out.
        responses = await asyncio.gather(*(client.get("/nap") for _ in range(300)))

        assert {r.status_code for r in responses} == {200, 503}
        held = [asyncio.ensure_future(client.get("/slow")) for _ in range(3)]
        await until(lambda: route.inside == 3)
        route.gate.set()
        assert [(await r).status_code for r in held] == [200] * 3


class Recorder:
    def __init__(self) -> None:
        self.lines: list[dict[str, Any]] = []

    def warning(self, event: str, **fields: Any) -> None:
        self.lines.append({"event": event, **fields})


async def test_refusals_are_counted_and_logged_once_a_second_not_once_each(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    recorder = Recorder()
    monkeypatch.setattr(load_shedding, "log", recorder)
    monkeypatch.setattr(load_shedding, "LOG_EVERY_SECONDS", 3600)  # however slow the machine
    labels = {"reason": "queue_full"}
    before = REGISTRY.get_sample_value("requests_shed_total", labels) or 0
    route = Route()
    layer, client = layer_client(route, max_queued=0)
    async with client:
        running = await inside(client, route)

        for _ in range(10):
            assert_shed(await client.get("/fast"))
        layer.logged_at -= 3600  # the interval later
        assert_shed(await client.get("/fast"))

        route.gate.set()
        await running
    assert REGISTRY.get_sample_value("requests_shed_total", labels) == before + 11
    line = {"event": "requests_shed", "reason": "queue_full", "queued": 0, "max_queued": 0}
    # The first at once; then, an interval later, the ten since.
    assert recorder.lines == [{**line, "shed": 1}, {**line, "shed": 10}]


def test_zero_concurrent_requests_leaves_the_layer_out() -> None:
    def layers(**overrides: object) -> list[Any]:
        return [m.cls for m in middleware_for(make_settings(UNUSED_DB, **overrides))]

    assert LoadSheddingMiddleware in layers()
    assert LoadSheddingMiddleware not in layers(max_concurrent_requests=0)


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("max_concurrent_requests", -1),
        ("max_queued_requests", -1),
        ("queue_timeout_seconds", 0),
        ("queue_timeout_seconds", 61),
    ],
)
def test_out_of_range_settings_are_refused(setting: str, value: int) -> None:
    with pytest.raises(ValidationError, match=setting):
        make_settings(UNUSED_DB, **{setting: value})


def test_every_route_but_the_probes_documents_the_503() -> None:
    paths = create_app(make_settings(UNUSED_DB)).openapi()["paths"]

    def codes(path: str) -> list[str]:
        response = paths[path]["get"]["responses"].get("503")
        if response is None:
            return []
        schema = response["content"]["application/json"]["schema"]
        return list(schema["properties"]["error"]["properties"]["code"]["enum"])

    # Routes that open no database session: only load shedding answers them 503.
    assert codes("/media/{key}") == ["SERVICE_UNAVAILABLE"]
    assert codes("/api/v1/auth/verify-email") == ["SERVICE_UNAVAILABLE"]
    assert codes("/health") == []


# Through the whole app ---------------------------------------------------------------------

ORIGIN = "https://blog.example.com"


def app_with_cors(
    database_url: str, **limits: object
) -> AbstractAsyncContextManager[tuple[FastAPI, httpx.AsyncClient]]:
    """An app with these limits that serves CORS to ORIGIN, without rate limits."""
    return own_app(database_url, rate_limits_enabled=False, cors_origins=[ORIGIN], **limits)


async def test_an_overloaded_app_answers_503_with_every_layers_headers_not_timeouts(
    database_url: str,
) -> None:
    async with app_with_cors(
        database_url, max_concurrent_requests=1, max_queued_requests=1, queue_timeout_seconds=5
    ) as (app, client):
        author = await signed_in(app, client)
        await create_post(client, author, title="Under load")

        responses = await asyncio.gather(
            *(client.get(POSTS, headers={"Origin": ORIGIN}) for _ in range(12)),
            client.get("/health"),
        )

        *reads, health = responses
        statuses = sorted(r.status_code for r in reads)
        assert health.status_code == 200
        assert set(statuses) == {200, 503}
        assert statuses.count(200) >= 2  # one ran, one waited its turn
        assert all(r.json()["data"][0]["title"] == "Under load" for r in reads if r.is_success)
        for shed in (r for r in reads if r.status_code == 503):
            assert_shed(shed)
            assert shed.headers["access-control-allow-origin"] == ORIGIN
            assert shed.headers["x-content-type-options"] == "nosniff"
            assert shed.json()["error"]["request_id"] == shed.headers["x-request-id"]
        assert (await client.get(POSTS)).status_code == 200


def shedding_layer(app: FastAPI) -> LoadSheddingMiddleware:
    """The app's load-shedding layer (Starlette builds the stack at the first request)."""
    layer: Any = app.middleware_stack
    while not isinstance(layer, LoadSheddingMiddleware):
        layer = layer.app
    return layer


async def test_cached_answers_and_cors_preflights_never_wait_for_a_slot(database_url: str) -> None:
    async with app_with_cors(
        database_url, public_cache_seconds=60, max_concurrent_requests=1, max_queued_requests=0
    ) as (app, client):
        assert (await client.get(POSTS)).status_code == 200  # now cached
        layer = shedding_layer(app)
        await layer.slots.acquire()  # the process's only slot, busy
        try:
            preflight = await client.options(
                POSTS, headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"}
            )
            cached = await client.get(POSTS)
            uncached = await client.get(f"{POSTS}?limit=5")
        finally:
            layer.slots.release()

        assert preflight.status_code == 200
        assert cached.status_code == 200
        assert_shed(uncached)
