"""Many processes on one machine: two API processes and two email workers sharing
PostgreSQL and Redis behave as one service."""

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from aiosmtpd.controller import Controller
from harness import IN_CI, PG_URL, per_worker, redis_url, require_postgres
from processes import (
    create_throwaway_database,
    drop_throwaway_database,
    free_port,
    start,
    stop,
    wait_until_serving,
)

DATABASE = per_worker("blogapi_cluster")
REDIS_URL = redis_url(0)
PASSWORD = "cluster passphrase 2026"
USERS = 12


class Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        self.messages.append(envelope.content)
        return "250 OK"


@dataclass
class Cluster:
    a: str
    b: str
    inbox: Inbox


@pytest.fixture
def cluster_database() -> Iterator[str]:
    require_postgres()
    try:
        redis.Redis.from_url(REDIS_URL).flushdb()
    except redis.RedisError as error:
        if IN_CI:
            pytest.fail(f"Redis at {REDIS_URL} is required in CI: {error}")
        pytest.skip(f"Redis not reachable: {error}")
    yield create_throwaway_database(PG_URL, DATABASE)
    drop_throwaway_database(PG_URL, DATABASE)


@pytest.fixture
async def cluster(cluster_database: str, tmp_path: Path) -> AsyncIterator[Cluster]:
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    env = {
        "DATABASE_URL": cluster_database,
        "REDIS_URL": REDIS_URL,
        "RATE_LIMIT_LOGIN_IP": "6/minute",
        "RATE_LIMIT_REGISTER_IP": "1000/minute",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp.port),
        "SMTP_TLS": "none",
        "WORKER_POLL_SECONDS": "0.2",
    }
    ports = [free_port(), free_port()]
    processes = [start(["serve", "--port", str(port)], tmp_path, **env) for port in ports]
    processes += [start(["worker"], tmp_path, **env) for _ in range(2)]
    try:
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for url, process in zip(urls, processes, strict=False):
            await wait_until_serving(url, process)
        yield Cluster(a=urls[0], b=urls[1], inbox=inbox)
    finally:
        for process in processes:
            stop(process)
        smtp.stop()


async def _register(client: httpx.AsyncClient, name: str) -> None:
    body = {"email": f"{name}@example.com", "username": name, "password": PASSWORD}
    response = await client.post("/api/v1/auth/register", json=body)
    assert response.status_code == 201, response.text


async def _login(client: httpx.AsyncClient, name: str) -> dict[str, Any]:
    body = {"email": f"{name}@example.com", "password": PASSWORD}
    response = await client.post("/api/v1/auth/login", json=body)
    assert response.status_code == 200, response.text
    tokens: dict[str, Any] = response.json()
    return tokens


async def test_two_processes_and_two_workers_act_as_one_service(cluster: Cluster) -> None:
    async with (
        httpx.AsyncClient(base_url=cluster.a) as a,
        httpx.AsyncClient(base_url=cluster.b) as b,
    ):
        # A refresh token issued by A works on B, and a logout on B ends it on A too.
        await _register(a, "ada")
        tokens = await _login(a, "ada")
        refreshed = await b.post(
            "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
        )
        assert refreshed.status_code == 200, refreshed.text
        new_refresh = refreshed.json()["refresh_token"]
        assert (
            await b.post("/api/v1/auth/logout", json={"refresh_token": new_refresh})
        ).status_code == 204
        again = await a.post("/api/v1/auth/refresh", json={"refresh_token": new_refresh})
        assert again.status_code == 401
        # ... and its access token stops working on A within a second.
        ended = {"Authorization": f"Bearer {refreshed.json()['access_token']}"}
        await asyncio.sleep(1.0)
        assert (await a.get("/api/v1/users/me", headers=ended)).status_code == 401

        # A post written through A (in a new session) is read through B.
        headers = {"Authorization": f"Bearer {(await _login(b, 'ada'))['access_token']}"}
        created = await a.post(
            "/api/v1/posts",
            json={"title": "Written on A", "content": "Read on B."},
            headers=headers,
        )
        assert created.status_code == 201, created.text
        read = await b.get(f"/api/v1/posts/{created.json()['slug']}")
        assert read.status_code == 200
        assert read.json()["title"] == "Written on A"

        # The login limit (6/minute per address) counts across both processes.
        statuses = []
        for attempt in range(8):
            client = a if attempt % 2 == 0 else b
            response = await client.post(
                "/api/v1/auth/login", json={"email": "ada@example.com", "password": PASSWORD}
            )
            statuses.append(response.status_code)
        assert statuses.count(200) == 4  # two logins were spent above
        assert statuses[4:] == [429, 429, 429, 429]

        # Every verification email is delivered exactly once by the two workers.
        names = [f"reader{i}" for i in range(USERS)]
        await asyncio.gather(*(_register(a if i % 2 else b, n) for i, n in enumerate(names)))
    expected = USERS + 1  # and ada's
    deadline = time.monotonic() + 30
    # The SMTP server runs its own loop in a thread, so poll rather than await an event.
    while len(cluster.inbox.messages) < expected and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.2)
    await asyncio.sleep(1.0)  # time for any duplicate to arrive
    recipients = [
        line.split(b":", 1)[1].strip().decode()
        for message in cluster.inbox.messages
        for line in message.splitlines()
        if line.lower().startswith(b"to:")
    ]
    assert sorted(recipients) == sorted([f"{n}@example.com" for n in names] + ["ada@example.com"])
