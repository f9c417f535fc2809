"""Workers share the work safely: two never send one attempt twice (PostgreSQL, SKIP
LOCKED), an endpoint never has more requests in flight than allowed, and a worker killed
mid-delivery loses nothing (its lease runs out and another sends the message)."""

import asyncio
import threading
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import httpx
import pytest
import time_machine
from factories import signed_in
from fastapi import FastAPI
from pytest_httpserver import HTTPServer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from werkzeug import Request, Response

from blogapi.core.config import Role, Settings
from blogapi.core.db import create_engine, create_sessionmaker, utcnow
from blogapi.webhooks import worker
from blogapi.webhooks.delivery import lease_seconds

from .receivers import WEBHOOKS, create_webhook, record_event, worker_settings


@asynccontextmanager
async def _process(settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A worker's own engine, as a second `blogapi worker` process would have."""
    engine = create_engine(settings)
    try:
        yield create_sessionmaker(engine)
    finally:
        await engine.dispose()


async def _drain(sessionmaker: async_sessionmaker[AsyncSession], settings: Settings) -> None:
    idle = 0
    while idle < 3:
        tried = await worker.run_once(sessionmaker, settings, batch=5)
        idle = idle + 1 if tried == 0 else 0
        await asyncio.sleep(0.01)


async def _both(
    first: async_sessionmaker[AsyncSession],
    second: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> None:
    """Two workers at once; if one fails, the other is stopped too (not left running)."""
    async with asyncio.TaskGroup() as group:
        group.create_task(_drain(first, settings))
        group.create_task(_drain(second, settings))


class Tally:
    """Counts each webhook-id, and the most requests seen in flight at once."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.ids: Counter[str] = Counter()
        self.in_flight = 0
        self.most = 0
        self.lock = threading.Lock()

    def __call__(self, request: Request) -> Response:
        with self.lock:
            self.ids[request.headers["webhook-id"]] += 1
            self.in_flight += 1
            self.most = max(self.most, self.in_flight)
        threading.Event().wait(self.delay)
        with self.lock:
            self.in_flight -= 1
        return Response("ok")


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_two_workers_never_send_one_attempt_twice(
    app: FastAPI, client: httpx.AsyncClient, receiver: HTTPServer
) -> None:
    tally = Tally()
    receiver.expect_request("/hook").respond_with_handler(tally)
    admin = await signed_in(app, client, role=Role.ADMIN)
    await create_webhook(client, admin, receiver.url_for("/hook"))
    await create_webhook(client, admin, receiver.url_for("/hook"))
    for _ in range(15):
        await record_event(app, "post.published")
    settings = worker_settings(app, webhook_max_in_flight_per_endpoint=50)

    async with _process(settings) as first, _process(settings) as second:
        await _both(first, second, settings)

    assert sum(tally.ids.values()) == 30  # 15 events, 2 endpoints
    assert set(tally.ids.values()) == {2}  # each message once per endpoint


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_an_endpoint_never_has_more_requests_in_flight_than_allowed(
    app: FastAPI, client: httpx.AsyncClient, receiver: HTTPServer
) -> None:
    tally = Tally(delay=0.2)
    receiver.expect_request("/hook").respond_with_handler(tally)
    admin = await signed_in(app, client, role=Role.ADMIN)
    await create_webhook(client, admin, receiver.url_for("/hook"))
    for _ in range(8):
        await record_event(app, "post.published")
    settings = worker_settings(app, webhook_max_in_flight_per_endpoint=2)

    async with _process(settings) as first, _process(settings) as second:
        await _both(first, second, settings)

    assert sum(tally.ids.values()) == 8
    assert tally.most == 2


async def test_a_worker_killed_mid_delivery_loses_nothing(
    app: FastAPI, client: httpx.AsyncClient, receiver: HTTPServer
) -> None:
    arrived, release = threading.Event(), threading.Event()
    ids: list[str] = []

    def hold_first(request: Request) -> Response:
        ids.append(request.headers["webhook-id"])
        if len(ids) == 1:
            arrived.set()
            release.wait(5)
        return Response("ok")

    receiver.expect_request("/hook").respond_with_handler(hold_first)
    admin = await signed_in(app, client, role=Role.ADMIN)
    endpoint = await create_webhook(client, admin, receiver.url_for("/hook"))
    await record_event(app, "post.published")
    settings = worker_settings(app)

    killed = asyncio.create_task(worker.run_once(app.state.sessionmaker, settings))
    await asyncio.to_thread(arrived.wait, 5)
    killed.cancel()  # the worker dies with the request in flight, nothing recorded
    with pytest.raises(asyncio.CancelledError):
        await killed
    release.set()
    leased = await worker.run_once(app.state.sessionmaker, settings)
    with time_machine.travel(utcnow() + timedelta(seconds=lease_seconds(settings) + 1)):
        resent = await worker.run_once(app.state.sessionmaker, settings)

    assert (leased, resent) == (0, 1)
    assert len(ids) == 2
    assert ids[0] == ids[1]
    listing = await client.get(f"{WEBHOOKS}/{endpoint['id']}/deliveries", headers=admin.headers)
    [delivery] = listing.json()["data"]
    assert delivery["status"] == "succeeded"


async def test_make_run_delivers_in_development_only(
    app: FastAPI, client: httpx.AsyncClient, receiver: HTTPServer
) -> None:
    receiver.expect_request("/hook").respond_with_data("ok")
    admin = await signed_in(app, client, role=Role.ADMIN)
    await create_webhook(client, admin, receiver.url_for("/hook"))
    await record_event(app, "post.published")
    sessionmaker = app.state.sessionmaker

    production_like = worker.start_dev_webhook_worker(worker_settings(app), sessionmaker)
    development = worker_settings(app, environment="development", worker_poll_seconds=0.05)
    task = worker.start_dev_webhook_worker(development, sessionmaker)
    assert task is not None
    try:
        for _ in range(100):
            if receiver.log:
                break
            await asyncio.sleep(0.05)
    finally:
        await task.stop()

    assert production_like is None
    assert len(receiver.log) == 1
