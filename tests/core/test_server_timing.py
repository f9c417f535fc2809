"""`Server-Timing: app;dur=<ms>` on every response, errors and 304s included; `dur` is the time
until the response headers leave, not the time the body takes after them."""

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from factories import ME, POSTS, create_post, own_app, signed_in
from fastapi import FastAPI
from harness import make_settings
from starlette.types import Message, Receive, Scope, Send

from blogapi.core.middleware import ServerTimingMiddleware
from blogapi.main import create_app

TIMING = re.compile(r"app;dur=(\d+\.\d)")


def duration_ms(response: httpx.Response) -> float:
    values = response.headers.get_list("server-timing")
    assert len(values) == 1, values
    match = TIMING.fullmatch(values[0])
    assert match, values[0]
    return float(match.group(1))


async def test_an_answer_carries_the_time_it_took(app: FastAPI, client: httpx.AsyncClient) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    for response in (
        await client.get("/health"),
        await client.get(f"{POSTS}/{post['slug']}", headers=author.headers),
        await client.get(POSTS),
    ):
        assert response.status_code == 200
        assert duration_ms(response) >= 0.0


async def test_errors_refusals_and_304s_carry_it_too(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    author = await signed_in(app, client)
    post = await create_post(client, author)
    etag = (await client.get(f"{POSTS}/{post['slug']}")).headers["etag"]
    too_large = {"Content-Type": "application/json", "Content-Length": str(8 * 1024 * 1024)}
    answers = {
        304: await client.get(f"{POSTS}/{post['slug']}", headers={"If-None-Match": etag}),
        404: await client.get(f"{POSTS}/no-such-post"),
        401: await client.get(ME, headers={"Authorization": "Bearer not-a-token"}),
        400: await client.get(f"{POSTS}/a%00b"),  # refused by a middleware, before routing
        413: await client.post(POSTS, content=b"{}", headers=too_large),
        405: await client.delete("/health"),
    }
    for status, response in answers.items():
        assert response.status_code == status, response.text
        assert duration_ms(response) >= 0.0


@pytest.fixture
async def failing_client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    application = create_app(make_settings(f"sqlite+aiosqlite:///{tmp_path}/timing.db"))

    @application.get("/test-only/boom")
    async def boom() -> None:
        raise RuntimeError("unexpected")

    async with LifespanManager(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


async def test_an_unhandled_error_carries_it(failing_client: httpx.AsyncClient) -> None:
    response = await failing_client.get("/test-only/boom")

    assert response.status_code == 500
    assert duration_ms(response) >= 0.0


async def test_cross_origin_clients_may_read_it(database_url: str) -> None:
    origin = "https://app.example.com"
    async with own_app(database_url, cors_origins=[origin]) as (_app, client):
        response = await client.get("/health", headers={"Origin": origin})

    exposed = {
        name.strip().lower()
        for name in response.headers["access-control-expose-headers"].split(",")
    }
    assert "server-timing" in exposed


async def timed(app_before: float, app_after: float) -> float:
    """dur for an app that works `app_before` s before its headers and `app_after` s after."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await asyncio.sleep(app_before)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await asyncio.sleep(app_after)
        await send({"type": "http.response.body", "body": b"done"})

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    scope = {"type": "http", "method": "GET", "path": "/", "headers": []}
    await ServerTimingMiddleware(app)(scope, receive, send)
    value = dict(sent[0]["headers"])[b"server-timing"].decode()
    match = TIMING.fullmatch(value)
    assert match, value
    return float(match.group(1))


async def test_dur_counts_the_work_before_the_headers() -> None:
    assert await timed(0.05, 0) >= 50.0


async def test_dur_leaves_out_the_time_after_the_headers() -> None:
    assert await timed(0, 0.3) < 300.0
